"""Toy data via the Java generator (io.maskimpact.toy.ToyData), loaded as tensors."""

import atexit
import json
import os
import shutil
import subprocess
import tempfile

import numpy as np
import torch
from PIL import Image

import hf_files as H

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOY_SRC = os.path.join(REPO, "job", "src", "main", "java", "io", "maskimpact", "toy")
GRID = 6
N_IMAGE_TOKENS = GRID * GRID

_classes_dir = None


def compile_toydata():
    """javac the two JDK-only sources of io.maskimpact.toy into a temp dir (no Maven, no other classes)."""
    global _classes_dir
    if _classes_dir is None:
        d = tempfile.mkdtemp(prefix="toydata-classes-")
        atexit.register(shutil.rmtree, d, True)
        srcs = [os.path.join(TOY_SRC, f) for f in sorted(os.listdir(TOY_SRC)) if f.endswith(".java")]
        subprocess.run(["javac", "--release", "17", "-d", d] + srcs, check=True)
        _classes_dir = d
    return _classes_dir


def run_toydata(seed, n, out_dir):
    cp = compile_toydata()
    subprocess.run(["java", "-cp", cp, "io.maskimpact.toy.ToyData", "--seed", str(seed), "--n", str(n),
                    "--out", out_dir], check=True, stdout=subprocess.DEVNULL)


def read_manifest(out_dir):
    with open(os.path.join(out_dir, "manifest.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_split(seed, n, work_dir):
    """Generates (seed, n) with Java and returns dict: images uint8 (N,96,96,3), rows, plus manifest rows."""
    out = os.path.join(work_dir, "toy-%d-%d" % (seed, n))
    if not os.path.exists(os.path.join(out, "manifest.jsonl")):
        run_toydata(seed, n, out)
    rows = read_manifest(out)
    imgs = np.stack([np.asarray(Image.open(os.path.join(out, r["image"])).convert("RGB")) for r in rows])
    return {"dir": out, "rows": rows, "images": torch.from_numpy(imgs)}


def clip_pixels(images_u8):
    """Batch CLIP normalisation (same maths as hf_files.preprocess_clip for 96x96 inputs)."""
    x = images_u8.permute(0, 3, 1, 2).to(torch.float64).mul(1 / 255).to(torch.float32)
    mean = torch.tensor(H.CLIP_MEAN, dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(H.CLIP_STD, dtype=torch.float32).view(1, 3, 1, 1)
    return (x - mean) / std


def prompt_ids(question, n_image_tokens=N_IMAGE_TOKENS):
    """Chat template -> tokenizer (with <s>) -> <image> expanded to n copies, as the Java side builds it."""
    return H.expand_image_tokens(H.encode(H.render_prompt(question)), n_image_tokens)


def answer_ids(answer):
    return H.encode(answer, add_bos=False) + [H.EOS_ID]
