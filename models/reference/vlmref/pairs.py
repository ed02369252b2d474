"""The parity pairs: awkward images drawn here (deterministic PNGs) and the questions asked about them, written
as manifests in the job's format (pair_id, image relative to the manifest, question).

- pairs.jsonl: every parity checkpoint; sizes around and far from the models' 40-96 px, odd sizes, modes other
  than RGB (grey, palette with a transparent index, RGBA with varying alpha), an EXIF orientation, and questions
  with non-ASCII characters, double spaces and characters that mean something to Jinja or JSON.
- toy.jsonl: tiny-llava, trained on the toy task: three toy images (from the Java ToyData, seed 3, the single
  source of toy images) and two awkward images asked toy questions;
- toy-qwen3-vl.jsonl: tiny-qwen3-vl, the same pairs with the toy images laid out on its grid (32-pixel cells:
  192x192 images, toy-3-I-192.png).
"""

import os
import shutil
import tempfile

import numpy as np
from PIL import Image, ImageDraw

from . import common, toy
from .families import qwen

NON_ASCII_QUESTION = "Décris l'image, s'il te plaît : Größe über 中文 🙂"

# (pair_id, image file, mode, (width, height), question)
PAIRS = [
    ("wide", "wide_101x37.png", "RGB", (101, 37), "What is in the image?"),
    ("tall", "tall_37x163.png", "RGB", (37, 163), NON_ASCII_QUESTION),
    ("small", "small_20x14.png", "RGB", (20, 14), "Describe the picture in one word."),
    ("large", "large_640x480.png", "RGB", (640, 480), "How many shapes are there?"),
    ("grey", "grey_64x48.png", "L", (64, 48), "Is it red or blue?  Answer with one word."),
    ("palette", "palette_45x45.png", "P", (45, 45), "What colour is the circle?"),
    ("rgba", "rgba_50x30.png", "RGBA", (50, 30), "Say \"hi\" {twice} \\ please."),
    ("exif", "exif_rotated_60x40.png", "RGB", (60, 40), "What is in the image?"),
]

TOY_SEED, TOY_COUNT = 3, 3
TOY_EXTRA = [("toy-wide", "wide_101x37.png", "what colour is the square?"),
             ("toy-rgba", "rgba_50x30.png", "What colour is the circle, please?")]

EXIF_ORIENTATION = 0x0112
ROTATE_90_CW = 6  # EXIF: the stored pixels must be turned 90 degrees clockwise to display upright


def draw(size, seed):
    """An RGB picture: a smooth two-axis gradient (so resampling filters matter) with a circle, a rectangle and a
    one-pixel line in flat colours (so edges matter). Flat areas keep the PNGs small."""
    w, h = size
    rng = np.random.default_rng(seed)
    c0, c1, c2 = rng.integers(0, 256, size=(3, 3))
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    fx, fy = x / max(w - 1, 1), y / max(h - 1, 1)
    pixels = (c0 * (1 - fx)[..., None] * (1 - fy)[..., None] + c1 * fx[..., None] + c2 * fy[..., None] * 0.5)
    pixels = np.clip(np.round(pixels / 1.5), 0, 255).astype(np.uint8)
    if w * h > 100_000:  # the large picture: quantised gradient, so that the PNG stays a few kB
        pixels = (pixels // 32) * 32
    image = Image.fromarray(pixels, "RGB")
    d = ImageDraw.Draw(image)
    d.ellipse([w * 0.1, h * 0.15, w * 0.45, h * 0.6], fill=(220, 40, 40))
    d.rectangle([w * 0.55, h * 0.4, w * 0.9, h * 0.85], fill=(40, 80, 220))
    d.line([0, h - 1, w - 1, 0], fill=(250, 250, 250), width=1)
    return image


def make_image(mode, size, seed):
    rgb = draw(size, seed)
    if mode == "RGB":
        return rgb
    if mode == "L":
        return rgb.convert("L")
    if mode == "P":
        image = rgb.quantize(colors=16, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        image.info["transparency"] = 0
        return image
    if mode == "RGBA":
        w, h = size
        alpha = np.tile(np.linspace(0, 255, w).round().astype(np.uint8), (h, 1))
        image = rgb.copy()
        image.putalpha(Image.fromarray(alpha, "L"))
        return image
    raise ValueError(mode)


def write_images(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for i, (pair_id, name, mode, size, _) in enumerate(PAIRS):
        image = make_image(mode, size, seed=i)
        path = os.path.join(out_dir, name)
        if pair_id == "exif":
            exif = Image.Exif()
            exif[EXIF_ORIENTATION] = ROTATE_90_CW
            image.save(path, exif=exif.tobytes())
        else:
            image.save(path, optimize=False)


# toy manifest -> (the toy layout's cell in pixels, the suffix of its image files)
TOY_MANIFESTS = {"toy.jsonl": (toy.CELL, ""), "toy-qwen3-vl.jsonl": (qwen.TOY_QWEN3_VL_CELL, "-192")}


def write_toy_images(out_dir, cell, suffix):
    """ToyData seed 3, pairs 0..2, laid out on cells of `cell` pixels, copied next to the other images with the
    suffix before .png; returns the manifest rows with those file names."""
    work = tempfile.mkdtemp(prefix="toydata-")
    try:
        rows = toy.generate(TOY_SEED, TOY_COUNT, work, cell=cell)
        for row in rows:
            name = os.path.basename(row["image"]).replace(".png", suffix + ".png")
            shutil.copyfile(os.path.join(work, row["image"]), os.path.join(out_dir, name))
            row["image"] = name
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


def write(out_dir=common.PAIRS):
    """Writes every image and the manifests into out_dir."""
    write_images(out_dir)
    common.write_manifest(os.path.join(out_dir, "pairs.jsonl"),
                          [{"pair_id": p, "image": name, "question": q} for p, name, _, _, q in PAIRS])
    for manifest, (cell, suffix) in TOY_MANIFESTS.items():
        toy_pairs = [{"pair_id": r["pair_id"], "image": r["image"], "question": r["question"]}
                     for r in write_toy_images(out_dir, cell, suffix)]
        toy_pairs += [{"pair_id": p, "image": name, "question": q} for p, name, q in TOY_EXTRA]
        common.write_manifest(os.path.join(out_dir, manifest), toy_pairs)
    return out_dir
