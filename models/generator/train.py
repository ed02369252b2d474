"""Training and evaluation of tiny-llava on the toy task."""

import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import hf_files as H
import modeling
import toy
from modeling import LlavaModel


def init_hf_like(model, std=0.02, seed=0):
    """HF-style init: N(0, std) for linear/embedding/conv weights, zero biases, unit norms."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.zero_()
            elif "norm" in name or "layrnorm" in name:
                p.fill_(1.0)
            else:
                p.copy_(torch.randn(p.shape, generator=g) * std)


DEFAULT_STEPS = 900
HYPERPARAMS = {
    "init": "N(0, 0.02) weights, zero biases, unit norms (seed 0)",
    "optimizer": "AdamW betas (0.9, 0.98) eps 1e-8, weight decay 0.01 on matrices (not embeddings)",
    "lr": 2e-3, "warmup_steps": 200, "schedule": "linear warm-up then cosine decay to 0",
    "batch": 64, "grad_clip": 1.0,
    "loss": "CE on it/is/colour/</s> + 0.5 * probes + 0.5 * attention hinge",
    "aux_weight": 0.5, "attn_weight": 0.5, "attn_layers": [1, 2], "attn_target": 0.5,
}

SHAPES = ["circle", "square", "triangle"]
COLOURS = ["red", "green", "blue", "yellow"]


def batch_tensors(rows, images_u8, idx):
    """Inputs (B, S) = prompt + answer words, targets (B, 4) = answer words + </s> at the last 4 positions,
    pixels, and auxiliary labels: per-patch shape (0 = empty, 1 + shape) and colour (0 = empty, 1 + colour),
    the asked shape, and the target patch index."""
    seqs, tgts, pshape, pcol, qshape, tcell = [], [], [], [], [], []
    for i in idx.tolist():
        r = rows[i]
        p = toy.prompt_ids(r["question"])
        a = toy.answer_ids(r["answer"])  # it is <colour> </s>
        seqs.append(p + a[:-1])
        tgts.append(a)
        ps = [0] * toy.N_IMAGE_TOKENS
        pc = [0] * toy.N_IMAGE_TOKENS
        for o in r["objects"]:
            c = o["row"] * toy.GRID + o["col"]
            ps[c] = 1 + SHAPES.index(o["shape"])
            pc[c] = 1 + COLOURS.index(o["colour"])
        pshape.append(ps)
        pcol.append(pc)
        qshape.append(SHAPES.index(r["question"].split()[-1].rstrip("?")))
        tr, tc = r["target_cells"][0]
        tcell.append(tr * toy.GRID + tc)
    return (torch.tensor(seqs), torch.tensor(tgts), toy.clip_pixels(images_u8[idx]),
            torch.tensor(pshape), torch.tensor(pcol), torch.tensor(qshape), torch.tensor(tcell))


class AuxHeads(nn.Module):
    """Training-only probes (not saved): patch shape/colour from the image features, the asked shape from
    the colour-predicting position after decoder layer 0."""

    def __init__(self, d):
        super().__init__()
        self.patch_shape = nn.Linear(d, 4)
        self.patch_colour = nn.Linear(d, 5)
        self.question_shape = nn.Linear(d, 3)


def train(model, train_set, steps, batch=64, lr=2e-3, warmup=200, log_every=100, seed=0, eval_fn=None,
          aux_weight=0.5, attn_weight=0.5, attn_layers=(1, 2), attn_target=0.5):
    """AdamW, linear warm-up then cosine decay. Loss = CE on the 4 answer positions (it, is, colour, </s>)
    + aux_weight * (probe losses) + attn_weight * relu(log(attn_target) - log(a)) where a is the attention
    weight of the colour-predicting position on the target patch, averaged over heads, in attn_layers (a
    hinge: no pull once a >= attn_target, so attention does not saturate at 1)."""
    modeling.set_fast(True)
    torch.set_flush_denormal(True)
    model.train()
    g = torch.Generator().manual_seed(seed)
    d = model.cfg["text_config"]["hidden_size"]
    aux = AuxHeads(d)
    with torch.no_grad():
        for prm in aux.parameters():
            prm.copy_(torch.randn(prm.shape, generator=g) * 0.02)
    params = list(model.named_parameters()) + [("aux." + n, p) for n, p in aux.named_parameters()]
    decay = [p for n, p in params if p.dim() >= 2 and "embed" not in n]
    no_decay = [p for n, p in params if not (p.dim() >= 2 and "embed" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=lr, betas=(0.9, 0.98), eps=1e-8)
    layers = model.language_model.model.layers
    for li in attn_layers:
        layers[li].self_attn.capture = attn_weight > 0
    n = len(train_set["rows"])
    perm = torch.randperm(n, generator=g)
    pos = 0
    t0 = time.time()
    run = [0.0, 0.0, 0.0]
    for step in range(1, steps + 1):
        if pos + batch > n:
            perm = torch.randperm(n, generator=g)
            pos = 0
        idx = perm[pos:pos + batch]
        pos += batch
        ids, tgt, px, pshape, pcol, qshape, tcell = batch_tensors(train_set["rows"], train_set["images"], idx)
        cur = lr * min(1.0, step / warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, step / steps)))
        for gr in opt.param_groups:
            gr["lr"] = cur
        e, feats = model.embed(ids, px)
        logits, hidden = model.decode(e, return_hidden=True)
        logits = logits[:, -tgt.shape[1]:]
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1))
        colour_pos = ids.shape[1] - 2  # the "is" position predicts the colour
        aux_loss = (F.cross_entropy(aux.patch_shape(feats).reshape(-1, 4), pshape.reshape(-1))
                    + F.cross_entropy(aux.patch_colour(feats).reshape(-1, 5), pcol.reshape(-1))
                    + F.cross_entropy(aux.question_shape(hidden[1][:, colour_pos]), qshape))
        total = loss + aux_weight * aux_loss
        attn_loss = torch.zeros(())
        if attn_weight > 0:
            first_img = int((ids[0] == H.IMAGE_ID).nonzero()[0])
            tpos = first_img + tcell
            for li in attn_layers:
                w = layers[li].self_attn.last_weights  # B, H, S, S
                a = w[torch.arange(len(tpos)), :, colour_pos, tpos].mean(-1)  # B
                hinge = F.relu(math.log(attn_target) - torch.log(a + 1e-6))
                attn_loss = attn_loss + hinge.mean() / len(attn_layers)
            total = total + attn_weight * attn_loss
        opt.zero_grad(set_to_none=True)
        total.backward()
        nn.utils.clip_grad_norm_([p for _, p in params], 1.0)
        opt.step()
        run[0] += loss.item()
        run[1] += aux_loss.item()
        run[2] += attn_loss.item()
        if step % log_every == 0 or step == steps:
            k = log_every if step % log_every == 0 else step % log_every
            msg = "step %5d  loss %.4f  aux %.4f  attn %.3f  lr %.2e  %.0fs" % (
                step, run[0] / k, run[1] / k, run[2] / k, cur, time.time() - t0)
            run = [0.0, 0.0, 0.0]
            if eval_fn is not None:
                msg += "  " + eval_fn()
                model.train()
            print(msg, flush=True)
    for layer in layers:
        layer.self_attn.capture = False
        layer.self_attn.last_weights = None
    model.eval()
    modeling.set_fast(False)


@torch.no_grad()
def greedy_batch(model, ids, px, max_new=6):
    """Batched greedy decoding (all prompts have the same length). Returns (B, <=max_new) ids; after </s>
    the row keeps producing tokens, so callers cut at the first </s>."""
    out = []
    cur = ids
    for _ in range(max_new):
        logits = model(cur, px)[:, -1]
        nxt = logits.argmax(-1)
        out.append(nxt)
        if bool((torch.stack(out, 1) == H.EOS_ID).any(1).all()):
            break
        cur = torch.cat([cur, nxt[:, None]], 1)
    return torch.stack(out, 1)


def cut_at_eos(row):
    row = row.tolist()
    return row[:row.index(H.EOS_ID) + 1] if H.EOS_ID in row else row


@torch.no_grad()
def accuracy(model, split, limit=None, batch=100):
    fast = modeling.FAST
    modeling.set_fast(True)
    model.eval()
    rows = split["rows"][:limit] if limit else split["rows"]
    ok = 0
    for s in range(0, len(rows), batch):
        idx = torch.arange(s, min(len(rows), s + batch))
        ids = torch.tensor([toy.prompt_ids(rows[i]["question"]) for i in idx.tolist()])
        px = toy.clip_pixels(split["images"][idx])
        gen = greedy_batch(model, ids, px)
        for j, i in enumerate(idx.tolist()):
            g = cut_at_eos(gen[j])
            ok += int(g == toy.answer_ids(rows[i]["answer"]))
    modeling.set_fast(fast)
    return ok, len(rows)


@torch.no_grad()
def validity(model, split, limit=None, topk=3, layers=None):
    """For the step that predicts the colour word (sequence = prompt + 'it is'), sum over decoder layers the
    L2 change of the final position's attention output (after o_proj) when one vision token's key is
    masked at that layer only; count pairs whose target cell is among the top-k vision tokens.
    Returns (hits, n, ranks) with ranks = 0-based rank of the target cell per pair."""
    fast = modeling.FAST
    modeling.set_fast(False)
    model.eval()
    rows = split["rows"][:limit] if limit else split["rows"]
    hits = 0
    ranks = []
    for i, r in enumerate(rows):
        p = toy.prompt_ids(r["question"])
        a = toy.answer_ids(r["answer"])
        ids = torch.tensor([p + a[:2]])  # prompt + "it is"
        px = toy.clip_pixels(split["images"][i:i + 1])
        e, _ = model.embed(ids, px)
        _, hidden = model.decode(e, return_hidden=True)
        vis = (ids[0] == H.IMAGE_ID).nonzero().flatten()
        total = torch.zeros(len(vis))
        for li in (layers if layers is not None else range(len(model.language_model.model.layers))):
            eff = modeling.masked_layer_effects(model, li, hidden[li][0], positions=vis)
            total += eff["attn_l2"]
        tr, tc = r["target_cells"][0]
        target = tr * toy.GRID + tc
        order = torch.argsort(total, descending=True).tolist()
        rank = order.index(target)
        ranks.append(rank)
        hits += int(rank < topk)
    modeling.set_fast(fast)
    return hits, len(rows), ranks
