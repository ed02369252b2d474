"""The reference dump: for a checkpoint folder and a manifest, everything the Java engine must reproduce, computed
by transformers itself (eager attention, float32).

For each pair, generation step t (sequence = prompt + the first t greedy tokens, one full forward without a KV
cache) and decoder layer L, the original algorithm: the layer module is re-run alone from the inputs it received
in that forward (captured with a forward pre-hook) with a 4-D float mask that is the forward's own causal mask
with key column p also blocked (the dtype's minimum) for every query; the values compared are read at the final
position: Full = layer output - layer input, Attn = o_proj's output, Head_h = o_proj's input split into heads
(forward hooks); the baseline is the same re-run with no column blocked. AttnWeight_Head_h is the baseline eager
attention weight of the final query on key p, AttnWeight_Avg its mean over heads.

Nothing here depends on the family: the decoder is ``model.get_decoder()`` and its ``layers``, each with a
``self_attn`` whose ``o_proj`` is a Linear, as in every transformers decoder the project supports.

Output effects (the job's --effects): for each key position p, one forward of the whole model over the step's
sequence with column p of every decoder layer's 4-D mask set to the dtype's minimum for every query (forward
pre-hooks replace the mask the model built), at every layer and at the window of layers ``effect_window``; the
masked next-token logits are compared with the step's own on its greedy token (``effect_row``).

Shapes: L layers, H heads, d hidden size, hd head size, S sequence length, NV variants, B = S + 1 re-runs.
"""

import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from transformers import AutoModelForImageTextToText, AutoProcessor

from . import common

FORMAT = 2
# Columns of the effects tensors, (S, 5): one row per hidden key position.
EFFECT_COLUMNS = ["kl_divergence", "prob_drop", "logit_diff", "greedy_rank", "masked_top1"]
COSINE_EPS = 1e-8
# The greedy token must win by more than float noise, or another correct implementation may pick another one.
MIN_TOP2_MARGIN = 1e-3


def variants(num_heads):
    return (["Full", "Attn"] + ["Head_%d" % h for h in range(num_heads)]
            + ["AttnWeight_Head_%d" % h for h in range(num_heads)] + ["AttnWeight_Avg"])


def load(checkpoint_dir, attn_implementation="eager"):
    """The model in float32 with eager attention (BF16/F16 weights are widened exactly; None: transformers' default
    attention) and its processor. The image processor must be a PIL one: the torchvision path resizes differently
    and is not the reference."""
    model = AutoModelForImageTextToText.from_pretrained(checkpoint_dir, dtype=torch.float32,
                                                        attn_implementation=attn_implementation).eval()
    common.image_only_processors()
    processor = AutoProcessor.from_pretrained(checkpoint_dir)
    if not type(processor.image_processor).__name__.endswith("Pil"):
        raise SystemExit("reference harness: %s got image processor %s, expected a PIL one (is torchvision "
                         "installed? it must not be)" % (checkpoint_dir, type(processor.image_processor).__name__))
    return model, processor


def decoder_layers(model):
    return list(model.get_decoder().layers)


def prepare(processor, image_path, question):
    """One user turn [image, text] rendered by the checkpoint's chat template with add_generation_prompt and
    processed as apply_chat_template does (the image loaded from its path: EXIF orientation applied, RGB)."""
    messages = [{"role": "user", "content": [{"type": "image", "path": image_path},
                                             {"type": "text", "text": question}]}]
    prompt = processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    inputs = processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True,
                                           return_tensors="pt")
    return prompt, inputs


class Capture:
    """Forward (pre-)hooks that record, for one forward, each decoder layer's call (args, kwargs) and output."""

    def __init__(self, layers):
        self.calls = [None] * len(layers)
        self.outputs = [None] * len(layers)
        self.handles = []
        for i, layer in enumerate(layers):
            self.handles.append(layer.register_forward_pre_hook(self._pre(i), with_kwargs=True))
            self.handles.append(layer.register_forward_hook(self._post(i)))

    def _pre(self, i):
        def hook(module, args, kwargs):
            self.calls[i] = (args, dict(kwargs))
        return hook

    def _post(self, i):
        def hook(module, args, output):
            self.outputs[i] = output[0] if isinstance(output, tuple) else output
        return hook

    def close(self):
        for h in self.handles:
            h.remove()


def full_forward(model, inputs):
    """One forward over the whole sequence, no KV cache; returns the final logits (vocab) and the capture."""
    capture = Capture(decoder_layers(model))
    try:
        with torch.no_grad():
            out = model(**inputs, use_cache=False)
    finally:
        capture.close()
    return out.logits[0, -1], capture


def blocked_masks(base_mask, seq_len):
    """(B, 1, S, S) float masks: row 0 the forward's own mask, row 1 + p that mask with key column p set to the
    dtype's minimum for every query (set, not added, so that no entry overflows to -inf)."""
    lowest = torch.finfo(base_mask.dtype).min
    masks = base_mask[:1].expand(seq_len + 1, -1, -1, -1).clone()
    cols = torch.arange(seq_len)
    masks[1 + cols, :, :, cols] = lowest
    return masks


def layer_rows(layer, call, num_heads):
    """Re-runs one decoder layer from its captured call, B = S + 1 times in one batch (baseline + one blocked key
    column each), and returns the rows of every variant for every key position: l2 and cosine, (S, NV)."""
    args, kwargs = call
    hidden = args[0] if args else kwargs.pop("hidden_states")             # (1, S, d)
    seq_len = hidden.shape[1]
    base_mask = kwargs.get("attention_mask")                              # (1, 1, S, S) with eager attention
    if not (torch.is_tensor(base_mask) and base_mask.dim() == 4 and base_mask.is_floating_point()):
        raise SystemExit("reference harness: decoder layer got attention_mask %r, expected the 4-D float mask of "
                         "eager attention" % (type(base_mask).__name__,))
    kwargs = dict(kwargs, attention_mask=blocked_masks(base_mask, seq_len))   # (B, 1, S, S)
    batch = hidden.expand(seq_len + 1, -1, -1)                            # (B, S, d)

    seen = {}
    hooks = [layer.self_attn.o_proj.register_forward_hook(
                 lambda m, a, o: seen.update(o_in=a[0][:, -1], o_out=o[:, -1])),
             layer.self_attn.register_forward_hook(lambda m, a, o: seen.update(weights=o[1][0, :, -1]))]
    try:
        with torch.no_grad():
            out = layer(batch, *args[1:], **kwargs)
    finally:
        for h in hooks:
            h.remove()
    out = out[0] if isinstance(out, tuple) else out                       # (B, S, d)

    full = out[:, -1] - batch[:, -1]                                      # (B, d)
    heads = seen["o_in"].reshape(seq_len + 1, num_heads, -1)               # (B, H, hd)
    vectors = [full, seen["o_out"]] + [heads[:, h] for h in range(num_heads)]
    l2, cos = [], []
    for v in vectors:
        base, masked = v[:1], v[1:]
        l2.append(torch.linalg.vector_norm(masked - base, dim=-1))       # (S,)
        cos.append((1 - F.cosine_similarity(masked, base.expand_as(masked), dim=-1, eps=COSINE_EPS)).clamp(min=0))
    weights = seen["weights"]                                             # (H, S): final query, baseline
    attn = [weights[h] for h in range(num_heads)] + [weights.mean(0)]
    return torch.stack(l2 + attn, -1), torch.stack(cos + attn, -1), out[0, -1]


def step_tensors(model, inputs, num_heads):
    """One generation step: logits (vocab), resid_post (L, d), l2 and cosine (L, S, NV)."""
    logits, capture = full_forward(model, inputs)
    layers = decoder_layers(model)
    l2, cos, resid = [], [], []
    for i, layer in enumerate(layers):
        l, c, base_out = layer_rows(layer, capture.calls[i], num_heads)
        final_out = capture.outputs[i][0, -1]
        if not torch.allclose(base_out, final_out, rtol=1e-5, atol=1e-5):
            raise SystemExit("reference harness: layer %d re-run alone does not give its output in the forward "
                             "(max diff %g)" % (i, (base_out - final_out).abs().max()))
        l2.append(l)
        cos.append(c)
        resid.append(final_out)
    return logits, torch.stack(resid), torch.stack(l2), torch.stack(cos)


def effect_window(num_layers):
    """The layer window of the windowed effects: from layer 1 (so that layers before it run unmasked) to one before
    the last where the model has more than two layers (so that layers after it do too)."""
    return [1, max(1, num_layers - 2)]


class HideColumn:
    """Forward pre-hooks that block key column p for every query in the 4-D float mask each decoder layer of a window
    receives (set to the dtype's minimum, not added). The mask is the one the model built, so causal attention,
    sliding windows and bidirectional image blocks carry over."""

    def __init__(self, layers, first, last):
        self.column = None
        self.handles = [layers[i].register_forward_pre_hook(self._pre, with_kwargs=True)
                        for i in range(first, last + 1)]

    def _pre(self, module, args, kwargs):
        mask = kwargs.get("attention_mask")
        if not (torch.is_tensor(mask) and mask.dim() == 4 and mask.is_floating_point()):
            raise SystemExit("reference harness: decoder layer got attention_mask %r, expected the 4-D float mask of "
                             "eager attention" % (type(mask).__name__,))
        mask = mask.clone()
        mask[..., self.column] = torch.finfo(mask.dtype).min
        return args, dict(kwargs, attention_mask=mask)

    def close(self):
        for h in self.handles:
            h.remove()


def effect_row(base_logits, masked_logits, greedy):
    """KL(base || masked) in nats, the greedy token's probability drop and logit difference (base minus masked), its
    rank under masking (1 = still the argmax; ties go to the lower id, as argmax does) and the masked argmax.
    Probabilities in float64 from the float32 logits."""
    log_p = torch.log_softmax(base_logits.double(), -1)
    log_q = torch.log_softmax(masked_logits.double(), -1)
    kl = max(0.0, float((log_p.exp() * (log_p - log_q)).sum()))
    z = masked_logits
    rank = 1 + int((z > z[greedy]).sum()) + int((z[:greedy] == z[greedy]).sum())
    return [kl, float(log_p[greedy].exp() - log_q[greedy].exp()), float(base_logits[greedy] - z[greedy]), rank,
            int(z.argmax())]


def effects(model, inputs, base_logits, greedy, first, last):
    """(S, 5) effect rows of every key position, hidden at layers first..last (one forward per position)."""
    seq_len = inputs["input_ids"].shape[1]
    hide = HideColumn(decoder_layers(model), first, last)
    rows = []
    try:
        for p in range(seq_len):
            hide.column = p
            with torch.no_grad():
                masked = model(**inputs, use_cache=False).logits[0, -1]
            rows.append(effect_row(base_logits, masked, greedy))
    finally:
        hide.close()
    return torch.tensor(rows, dtype=torch.float64)


def eos_ids(model):
    eos = model.generation_config.eos_token_id
    return set(eos if isinstance(eos, list) else [eos])


# Processor outputs with one entry per token (Qwen-VL's modality of each token, Gemma 3's token_type_ids; 0 = text),
# extended with zeros for the generated tokens, which are text.
PER_TOKEN_TYPES = ("mm_token_type_ids", "token_type_ids")


def with_ids(inputs, ids):
    """The processor's inputs for a longer sequence: input_ids and attention_mask replaced, per-token types extended
    with text, the rest as is."""
    extended = dict(inputs)
    extended["input_ids"] = ids
    extended["attention_mask"] = torch.ones_like(ids)
    for key in PER_TOKEN_TYPES:
        if key in inputs:
            types = inputs[key]
            extra = torch.zeros((types.shape[0], ids.shape[1] - types.shape[1]), dtype=types.dtype)
            extended[key] = torch.cat([types, extra], 1)
    return extended


def run_pair(model, processor, image_path, question, max_new_tokens, num_heads):
    prompt, inputs = prepare(processor, image_path, question)
    prompt_ids = inputs["input_ids"]                                      # (1, S0)
    stop = eos_ids(model)
    generated, probs, steps, tensors = [], [], [], {}
    for t in range(max_new_tokens):
        ids = torch.cat([prompt_ids, torch.tensor([generated], dtype=prompt_ids.dtype)], 1) if generated \
            else prompt_ids
        logits, resid, l2, cos = step_tensors(model, with_ids(inputs, ids), num_heads)
        top2 = torch.topk(logits, 2).values
        if float(top2[0] - top2[1]) < MIN_TOP2_MARGIN:
            raise SystemExit("reference harness: %s step %d: the two best logits are %g apart, too close for parity "
                             "(change the pair or the checkpoint's seed)" % (image_path, t, float(top2[0] - top2[1])))
        token = int(logits.argmax())
        prob = float(torch.softmax(logits.float(), -1)[token])
        steps.append({"step": t, "length": int(ids.shape[1]), "predicted": token, "prob": prob})
        window = effect_window(len(decoder_layers(model)))
        tensors.update({"step%d/resid_post" % t: resid, "step%d/logits" % t: logits,
                        "step%d/l2" % t: l2, "step%d/cosine" % t: cos,
                        "step%d/effects" % t: effects(model, with_ids(inputs, ids), logits, token, 0,
                                                      len(decoder_layers(model)) - 1),
                        "step%d/effects_window" % t: effects(model, with_ids(inputs, ids), logits, token, *window)})
        generated.append(token)
        probs.append(prob)
        if token in stop:
            break
    with torch.no_grad():
        by_generate = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False)[0, prompt_ids.shape[1]:]
    if by_generate.tolist() != generated:
        raise SystemExit("reference harness: %s: full forwards give %s but generate() gives %s"
                         % (image_path, generated, by_generate.tolist()))
    record = {"prompt": prompt, "input_ids": prompt_ids[0].tolist(),
              "image_token_positions": (prompt_ids[0] == model.config.image_token_id).nonzero().flatten().tolist(),
              "generated": generated, "generated_probs": probs,
              "answer": processor.decode(generated, skip_special_tokens=True), "steps": steps}
    tensors["pixel_values"] = inputs["pixel_values"]
    return record, tensors


def write(checkpoint_dir, manifest, out_dir, max_new_tokens=3, seed=0):
    """Writes reference.json and reference.safetensors for every pair of the manifest into out_dir."""
    common.seed_everything(seed)
    model, processor = load(checkpoint_dir)
    text = model.config.get_text_config()
    num_heads, num_layers = text.num_attention_heads, len(decoder_layers(model))
    manifest_dir = os.path.dirname(os.path.abspath(manifest))
    pairs, tensors = [], {}
    for row in common.read_manifest(manifest):
        record, pair_tensors = run_pair(model, processor, os.path.join(manifest_dir, row["image"]),
                                        row["question"], max_new_tokens, num_heads)
        pairs.append(dict({"pair_id": row["pair_id"], "image": row["image"], "question": row["question"]},
                          **record))
        tensors.update({"%s/%s" % (row["pair_id"], k): v.detach().to(torch.float32).contiguous()
                        for k, v in pair_tensors.items()})
    os.makedirs(out_dir, exist_ok=True)
    common.write_json(os.path.join(out_dir, "reference.json"), {
        "format": FORMAT,
        "generator": common.generator_info(__file__, seed),
        "checkpoint": os.path.basename(os.path.normpath(checkpoint_dir)),
        "manifest": common.repo_relative(manifest),
        "max_new_tokens": max_new_tokens,
        "dtype": "float32",
        "variants": variants(num_heads),
        "num_layers": num_layers,
        "num_heads": num_heads,
        "effect_layers": effect_window(num_layers),
        "effect_columns": EFFECT_COLUMNS,
        "pairs": pairs})
    save_file(tensors, os.path.join(out_dir, "reference.safetensors"), metadata={"format": "pt"})
    return out_dir
