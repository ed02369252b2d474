"""Trains the shipped toy models on the toy task with transformers' own classes and writes them with
save_pretrained, plus training_report.json (held-out exact answers, masking validity): models/tiny-llava
(LlavaForConditionalGeneration) and models/tiny-qwen3-vl (Qwen3VLForConditionalGeneration, the demo's model).
The toy images are laid out on each model's grid: its patches (LLaVA) or its merged 2x2 patches (Qwen3-VL).

The shipped models are plain transformers models. Training adds auxiliary terms that make a toy model learn
quickly on a CPU; their probes are thrown away:
- linear probes on the image features as the decoder receives them (forward hook on LLaVA's multi_modal_projector,
  Qwen3-VL's vision merger): each cell's shape (none/circle/square/triangle) and colour (none/4 colours);
- a linear probe on decoder layer 0's output at the colour-predicting position: the asked shape;
- attention supervision: a hinge on -log of the mean over heads of the eager attention weight that the
  colour-predicting position gives to the target cell's image token, in decoder layers 1 and 2 (no pull once the
  weight reaches 0.5, so attention does not saturate at 1).
"""

import math
import os
import shutil
import tempfile
import time
from collections import namedtuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from transformers import LlavaForConditionalGeneration, Qwen3VLForConditionalGeneration

from . import common, dump, toy
from .families import llava, qwen

# A trained toy model: make() -> (config, processor); model_class; features(model) -> the module whose output is
# the image features the decoder receives, one row per cell; cell: the toy layout's cell in pixels (toy.GRID cells
# a side).
ToyModel = namedtuple("ToyModel", "make model_class features cell")
TOY_MODELS = {
    "tiny-llava": ToyModel(llava.toy_llama_clip, LlavaForConditionalGeneration,
                           lambda model: model.model.multi_modal_projector, toy.CELL),
    "tiny-qwen3-vl": ToyModel(qwen.toy_qwen3_vl, Qwen3VLForConditionalGeneration,
                              lambda model: model.model.visual.merger, qwen.TOY_QWEN3_VL_CELL),
}

TRAIN_SEED, TRAIN_N = 1, 40000
HELDOUT_SEED, HELDOUT_N = 2, 300
SHAPES = ["circle", "square", "triangle"]
COLOURS = ["red", "green", "blue", "yellow"]
HYPERPARAMS = {
    "init": "transformers' own initialisation of %s under torch.manual_seed(seed)",
    "optimizer": "AdamW betas (0.9, 0.98) eps 1e-8, weight decay 0.01 on matrices (not embeddings)",
    "lr": 2e-3, "warmup_steps": 200, "schedule": "linear warm-up then cosine decay to 0",
    "batch": 64, "grad_clip": 1.0,
    "loss": "CE on it/is/colour/</s> + 0.5 * probes + 0.5 * attention hinge",
    "aux_weight": 0.5, "attn_weight": 0.5, "attn_layers": [1, 2], "attn_target": 0.5,
}


class Split:
    """A ToyData split on disk: manifest rows, and the images read when a batch needs them. A work folder that
    holds the split already is reused (ToyData writes the same files for the same seed, count and layout)."""

    def __init__(self, seed, n, work_dir, cell):
        self.folder = os.path.join(work_dir, "toy-%d-%d-%d" % (seed, n, cell))
        manifest = os.path.join(self.folder, "manifest.jsonl")
        reuse = os.path.exists(manifest) and len(common.read_manifest(manifest)) == n
        self.rows = common.read_manifest(manifest) if reuse else toy.generate(seed, n, self.folder, cell=cell)

    def pil(self, i):
        with Image.open(os.path.join(self.folder, self.rows[i]["image"])) as image:
            return image.convert("RGB")


class Batcher:
    """Turns toy pairs into model inputs with the checkpoint's own processor (chat template, tokenizer, image
    token expansion, image preprocessing)."""

    def __init__(self, processor):
        self.processor = processor
        self.tokenizer = processor.tokenizer

    def prompts(self, split, idx):
        texts = [self.processor.apply_chat_template(
            [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": split.rows[i]["question"]}]}],
            add_generation_prompt=True, tokenize=False) for i in idx]
        return self.processor(text=texts, images=[split.pil(i) for i in idx], return_tensors="pt")

    def answer_ids(self, answer):
        return self.tokenizer(answer, add_special_tokens=False).input_ids + [self.tokenizer.eos_token_id]

    def training_batch(self, split, idx):
        """Inputs: the processor's, with input_ids (B, S) = prompt + answer words; targets (B, 4) = answer words +
        end of sequence; labels of the probes: per-cell shape and colour (0 = empty), the asked shape, the target
        cell index."""
        inputs = self.prompts(split, idx)
        answers = torch.tensor([self.answer_ids(split.rows[i]["answer"]) for i in idx])
        patch_shape = torch.zeros(len(idx), toy.GRID * toy.GRID, dtype=torch.long)
        patch_colour = torch.zeros_like(patch_shape)
        asked, target = [], []
        for b, i in enumerate(idx):
            row = split.rows[i]
            for o in row["objects"]:
                cell = o["row"] * toy.GRID + o["col"]
                patch_shape[b, cell] = 1 + SHAPES.index(o["shape"])
                patch_colour[b, cell] = 1 + COLOURS.index(o["colour"])
            asked.append(SHAPES.index(row["question"].split()[-1].rstrip("?")))
            r, c = row["target_cells"][0]
            target.append(r * toy.GRID + c)
        ids = torch.cat([inputs["input_ids"], answers[:, :-1]], 1)
        return (dump.with_ids(inputs, ids), answers, patch_shape, patch_colour, torch.tensor(asked),
                torch.tensor(target))


class Probes(nn.Module):
    """Training-only linear probes (never saved)."""

    def __init__(self, d):
        super().__init__()
        self.patch_shape = nn.Linear(d, 4)
        self.patch_colour = nn.Linear(d, 5)
        self.question_shape = nn.Linear(d, 3)


def train(model, features_module, batcher, split, steps, seed, batch=64, lr=2e-3, warmup=200, aux_weight=0.5, attn_weight=0.5,
          attn_layers=(1, 2), attn_target=0.5, log_every=50):
    model.train()
    g = torch.Generator().manual_seed(seed)
    probes = Probes(model.config.text_config.hidden_size)
    with torch.no_grad():
        for p in probes.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.02)
    named = list(model.named_parameters()) + [("probes." + n, p) for n, p in probes.named_parameters()]
    decay = [p for n, p in named if p.dim() >= 2 and "embed" not in n]
    no_decay = [p for n, p in named if not (p.dim() >= 2 and "embed" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=lr, betas=(0.9, 0.98), eps=1e-8)

    seen = {}
    layers = dump.decoder_layers(model)
    hooks = [features_module.register_forward_hook(lambda m, a, o: seen.update(features=o)),
             layers[0].register_forward_hook(lambda m, a, o: seen.update(layer0=o))]
    for li in attn_layers:
        hooks.append(layers[li].self_attn.register_forward_hook(
            lambda m, a, o, li=li: seen.update({"weights%d" % li: o[1]})))
    n = len(split.rows)
    perm, pos = torch.randperm(n, generator=g), 0
    t0, running = time.time(), np.zeros(3)
    try:
        for step in range(1, steps + 1):
            if pos + batch > n:
                perm, pos = torch.randperm(n, generator=g), 0
            idx = perm[pos:pos + batch].tolist()
            pos += batch
            inputs, targets, patch_shape, patch_colour, asked, target = batcher.training_batch(split, idx)
            ids = inputs["input_ids"]
            current = lr * min(1.0, step / warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, step / steps)))
            for group in opt.param_groups:
                group["lr"] = current
            logits = model(**inputs, use_cache=False).logits[:, -targets.shape[1]:]
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
            colour_pos = ids.shape[1] - 2  # the "is" position predicts the colour
            features = seen["features"].reshape(len(idx), -1, seen["features"].shape[-1])
            aux = (F.cross_entropy(probes.patch_shape(features).reshape(-1, 4), patch_shape.reshape(-1))
                   + F.cross_entropy(probes.patch_colour(features).reshape(-1, 5), patch_colour.reshape(-1))
                   + F.cross_entropy(probes.question_shape(seen["layer0"][:, colour_pos]), asked))
            first_image = int((ids[0] == model.config.image_token_id).nonzero()[0])
            target_pos = first_image + target
            attn = torch.zeros(())
            for li in attn_layers:
                a = seen["weights%d" % li][torch.arange(len(idx)), :, colour_pos, target_pos].mean(-1)  # (B,)
                attn = attn + F.relu(math.log(attn_target) - torch.log(a + 1e-6)).mean() / len(attn_layers)
            total = loss + aux_weight * aux + attn_weight * attn
            opt.zero_grad(set_to_none=True)
            total.backward()
            nn.utils.clip_grad_norm_([p for _, p in named], 1.0)
            opt.step()
            running += [loss.item(), aux.item(), attn.item()]
            if step % log_every == 0 or step == steps:
                k = log_every if step % log_every == 0 else step % log_every
                print("step %4d  loss %.4f  aux %.4f  attn %.3f  lr %.2e  %.0fs"
                      % ((step,) + tuple(running / k) + (current, time.time() - t0)), flush=True)
                running[:] = 0
    finally:
        for h in hooks:
            h.remove()
    model.eval()


@torch.no_grad()
def accuracy(model, batcher, split, batch=100):
    """Exact answer match with transformers' greedy generate (all toy prompts have the same length)."""
    correct = 0
    for start in range(0, len(split.rows), batch):
        idx = list(range(start, min(len(split.rows), start + batch)))
        inputs = batcher.prompts(split, idx)
        out = model.generate(**inputs, max_new_tokens=6, do_sample=False)[:, inputs["input_ids"].shape[1]:]
        for b, i in enumerate(idx):
            got = out[b].tolist()
            eos = batcher.tokenizer.eos_token_id
            got = got[:got.index(eos) + 1] if eos in got else got
            correct += int(got == batcher.answer_ids(split.rows[i]["answer"]))
    return correct


@torch.no_grad()
def validity(model, batcher, split):
    """At the step that predicts the colour word (prompt + "it is"), the summed Attn L2 over decoder layers of
    each image token, from the reference algorithm (dump.step_tensors); returns the target cell's 0-based rank
    per pair."""
    num_heads = model.config.text_config.num_attention_heads
    attn = dump.variants(num_heads).index("Attn")
    ranks = []
    for i in range(len(split.rows)):
        inputs = batcher.prompts(split, [i])
        it_is = batcher.answer_ids(split.rows[i]["answer"])[:2]
        ids = torch.cat([inputs["input_ids"], torch.tensor([it_is])], 1)
        _, _, l2, _ = dump.step_tensors(model, dump.with_ids(inputs, ids), num_heads)
        image = (ids[0] == model.config.image_token_id).nonzero().flatten()
        total = l2[:, image, attn].sum(0)                                   # (36,)
        r, c = split.rows[i]["target_cells"][0]
        ranks.append(torch.argsort(total, descending=True).tolist().index(r * toy.GRID + c))
    return ranks


def run(name, out_dir, steps, seed=0, threads=1, work_dir=None):
    """Trains the toy model `name` (a key of TOY_MODELS), evaluates it and writes the checkpoint folder with
    training_report.json."""
    spec = TOY_MODELS[name]
    torch.set_num_threads(threads)
    work = work_dir or tempfile.mkdtemp(prefix=name + "-train-")
    try:
        t = time.time()
        train_split = Split(TRAIN_SEED, TRAIN_N, work, spec.cell)
        heldout = Split(HELDOUT_SEED, HELDOUT_N, work, spec.cell)
        data_s = time.time() - t
        config, processor = spec.make()
        common.seed_everything(seed)
        model = spec.model_class(config)
        model.set_attn_implementation("eager")
        batcher = Batcher(processor)
        t = time.time()
        train(model, spec.features(model), batcher, train_split, steps, seed)
        train_s = time.time() - t
        correct = accuracy(model, batcher, heldout)
        ranks = validity(model, batcher, heldout)
    finally:
        if work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    n_cells = toy.GRID * toy.GRID
    report = {
        "task": "ToyData: 'what colour is the <shape>?' -> 'it is <colour>'",
        "train_data": {"toydata_seed": TRAIN_SEED, "pairs": TRAIN_N},
        "heldout_data": {"toydata_seed": HELDOUT_SEED, "pairs": HELDOUT_N},
        "training": dict(HYPERPARAMS, init=HYPERPARAMS["init"] % spec.model_class.__name__, seed=seed, steps=steps, seconds=round(train_s), toy_data_seconds=round(data_s),
                         threads=threads, transformers=common.TRANSFORMERS_VERSION, torch=common.TORCH_VERSION),
        "heldout_exact_match": {"correct": correct, "total": HELDOUT_N},
        "validity_top3": {
            "definition": "step predicting the colour word (prompt + 'it is'); per image token p, sum over decoder "
                          "layers of the Attn L2 distance of the reference algorithm (the layer re-run with key "
                          "p blocked, o_proj output at the final position); hit = target cell in the top 3 of 36",
            "hits": sum(r < 3 for r in ranks), "total": len(ranks), "top1": ranks.count(0),
            "rank_histogram": [ranks.count(k) for k in range(n_cells)],
        },
    }
    print("held-out exact match %d/%d; validity top-3 %d/%d, top-1 %d/%d" % (
        correct, HELDOUT_N, report["validity_top3"]["hits"], len(ranks), ranks.count(0), len(ranks)), flush=True)
    llava.save(model, processor, out_dir, torch.float32)
    common.write_json(os.path.join(out_dir, "training_report.json"), report)
    return report
