"""Every checkpoint the harness writes: where it goes, how it is built (seeded), and which manifest its reference
dump uses. Another family adds its builders here, one entry per checkpoint."""

import os
from collections import namedtuple

import torch

from . import common, dump
from .families import gemma3, idefics3, llava, qwen

# root: "parity" (models/parity/) or "models" (models/); build(out_dir, folder_of) writes the folder, where
# folder_of(name) is another checkpoint's folder in the same output tree; manifest: the dump's manifest under
# models/reference/pairs/ (None: no dump); dump_as: the checkpoint whose committed dump this one must reproduce.
Checkpoint = namedtuple("Checkpoint", "name root build manifest dump_as")

CHECKPOINTS = [
    Checkpoint("llava-llama-clip", "parity", lambda out, folder_of: llava.llama_clip(out, seed=1),
               "pairs.jsonl", None),
    Checkpoint("llava-llama-clip-4x", "parity",
               lambda out, folder_of: llava.rewrite_4x(folder_of("llava-llama-clip"), out),
               "pairs.jsonl", "llava-llama-clip"),
    Checkpoint("llava-llama-clip-f16", "parity",
               lambda out, folder_of: llava.llama_clip(out, seed=1, dtype=torch.float16), "pairs.jsonl", None),
    Checkpoint("llava-qwen2-siglip", "parity", lambda out, folder_of: llava.qwen2_siglip(out, seed=2),
               "pairs.jsonl", None),
    Checkpoint("qwen2-vl", "parity", lambda out, folder_of: qwen.qwen2_vl(out, seed=21), "pairs.jsonl", None),
    Checkpoint("qwen2-vl-4x", "parity", lambda out, folder_of: qwen.rewrite_4x(folder_of("qwen2-vl"), out),
               "pairs.jsonl", "qwen2-vl"),
    Checkpoint("qwen2.5-vl", "parity", lambda out, folder_of: qwen.qwen2_5_vl(out, seed=22), "pairs.jsonl", None),
    Checkpoint("qwen3-vl", "parity", lambda out, folder_of: qwen.qwen3_vl(out, seed=23), "pairs.jsonl", None),
    Checkpoint("qwen3-vl-4x", "parity", lambda out, folder_of: qwen.rewrite_4x(folder_of("qwen3-vl"), out),
               "pairs.jsonl", "qwen3-vl"),
    Checkpoint("qwen3-vl-bf16", "parity",
               lambda out, folder_of: qwen.qwen3_vl(out, seed=24, dtype=torch.bfloat16, tied=True,
                                                    max_shard_size=150_000), "pairs.jsonl", None),
    Checkpoint("smolvlm", "parity", lambda out, folder_of: idefics3.smolvlm(out, seed=41), "pairs.jsonl", None),
    Checkpoint("idefics3", "parity", lambda out, folder_of: idefics3.idefics3(out, seed=42), "pairs.jsonl", None),
    Checkpoint("gemma3", "parity", lambda out, folder_of: gemma3.gemma3(out, seed=51), "pairs.jsonl", None),
    Checkpoint("gemma3-bf16", "parity",
               lambda out, folder_of: gemma3.gemma3(out, seed=52, dtype=torch.bfloat16, pan_and_scan=True,
                                                    max_shard_size=150_000), "pairs.jsonl", None),
    # trained (vlmref.train), not built: its weights come from `harness.py train`
    Checkpoint("tiny-llava", "models", None, "toy.jsonl", None),
    Checkpoint("tiny-qwen3-vl", "models", None, "toy-qwen3-vl.jsonl", None),
    Checkpoint("tiny-llava-qwen2-siglip", "models", lambda out, folder_of: llava.tiny_qwen2_siglip(out, seed=11),
               None, None),
    Checkpoint("bench-grid4", "models", lambda out, folder_of: llava.bench(out, seed=12, image_size=64), None, None),
    Checkpoint("bench-grid16", "models", lambda out, folder_of: llava.bench(out, seed=13, image_size=256),
               None, None),
]
BY_NAME = {c.name: c for c in CHECKPOINTS}


def folder(name, models_root=common.MODELS):
    c = BY_NAME[name]
    return os.path.join(models_root, "parity", name) if c.root == "parity" else os.path.join(models_root, name)


def dump_folder(name, dumps_root=common.PARITY_DUMPS):
    c = BY_NAME[name]
    return os.path.join(dumps_root, c.dump_as or name)


def build(names, models_root=common.MODELS):
    """Builds the named checkpoints (in registry order, so a derived one follows its source) under models_root."""
    for c in CHECKPOINTS:
        if c.name in names and c.build is not None:
            c.build(folder(c.name, models_root), lambda other: folder(other, models_root))
            print("built", common.repo_relative(folder(c.name, models_root)), flush=True)
            if c.dump_as:
                same_logits(folder(c.dump_as, models_root), folder(c.name, models_root))


def same_logits(a, b):
    """Both folders load in transformers and give bit-identical logits for the first parity pair."""
    row = common.read_manifest(os.path.join(common.PAIRS, "pairs.jsonl"))[0]
    logits = []
    for checkpoint in (a, b):
        model, processor = dump.load(checkpoint)
        _, inputs = dump.prepare(processor, os.path.join(common.PAIRS, row["image"]), row["question"])
        logits.append(dump.full_forward(model, inputs)[0])
    if not torch.equal(logits[0], logits[1]):
        raise SystemExit("reference harness: %s and %s give different logits (max diff %g)"
                         % (a, b, (logits[0] - logits[1]).abs().max()))


def write_dumps(names, models_root=common.MODELS, dumps_root=common.PARITY_DUMPS, max_new_tokens=3):
    for c in CHECKPOINTS:
        if c.name in names and c.manifest is not None and c.dump_as is None:
            out = dump.write(folder(c.name, models_root), os.path.join(common.PAIRS, c.manifest),
                             dump_folder(c.name, dumps_root), max_new_tokens)
            print("dumped", common.repo_relative(out), flush=True)
