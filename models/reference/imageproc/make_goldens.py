#!/usr/bin/env python3
"""Golden files for the Java image preprocessing (io.maskimpact.model.image), made by PIL and transformers.

Writes job/src/test/resources/imageproc/:
  resample/cases.json + resample/pixels.bin.gz   PIL Image.resize of random L and RGB images, every filter,
                                                 many sizes and aspect ratios, up and down
  images/*.png, images/*.jpg                      awkward inputs (grey, palette, alpha, 16-bit, JPEG, EXIF)
  sizes.json                                      output sizes by transformers' own size functions
  orientation/cases.json + orientation/pixels.bin.gz
                                                 PIL's exif_transpose for each EXIF orientation
  images/decoded.json + images/decoded.bin.gz     each input as transformers.image_utils.load_image gives it
                                                 (EXIF transpose, then PIL convert("RGB"))
  processors/<name>/{preprocessor,processor}_config.json, expected.json, pixel_values.bin.gz
                                                 transformers' *ImageProcessorPil output for those inputs

Everything is seeded and written byte for byte the same on every run (gzip without a time stamp, sorted
JSON), so `--check` can regenerate into a temporary folder and compare with the committed files.

Run with the transformers reference venv (transformers 5.17.0, Pillow 12.3, no torchvision):
  /tmp/hfref/bin/python models/reference/imageproc/make_goldens.py            # rewrite the goldens
  /tmp/hfref/bin/python models/reference/imageproc/make_goldens.py --check    # exit 1 if they differ
"""

import argparse
import filecmp
import gzip
import io
import json
import struct
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
import PIL
import PIL.ImageOps
import transformers
from PIL import Image
from transformers.image_utils import load_image
# The PIL processors are imported from their modules: transformers' lazy top-level names for some of them
# ask for torchvision, which must not be installed next to the CPU torch wheel.
from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil
from transformers.models.gemma3.image_processing_pil_gemma3 import Gemma3ImageProcessorPil
from transformers.models.idefics3.image_processing_pil_idefics3 import Idefics3ImageProcessorPil
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil
from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil
from transformers.models.smolvlm.image_processing_pil_smolvlm import SmolVLMImageProcessorPil

REPO = Path(__file__).resolve().parents[3]
DEFAULT_OUT = REPO / "job/src/test/resources/imageproc"
VERSIONS = {"transformers": transformers.__version__, "pillow": PIL.__version__, "numpy": np.__version__}

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


# ---------------------------------------------------------------------------------------------- helpers

class Blob:
    """Concatenated little-endian arrays; cases refer to them by offset and length in bytes."""

    def __init__(self):
        self.parts = []
        self.size = 0

    def add(self, array: np.ndarray) -> dict:
        data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        ref = {"offset": self.size, "length": len(data)}
        self.parts.append(data)
        self.size += len(data)
        return ref

    def write(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
            gz.write(b"".join(self.parts))


def write_json(path: Path, value):
    """Sorted keys; a list of dicts under a top-level key gets one item a line (short files, readable diffs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(value, dict) and any(isinstance(v, list) for v in value.values()):
        lines = []
        for key in sorted(value):
            item = value[key]
            if isinstance(item, list):
                body = ",\n".join("  " + json.dumps(entry, sort_keys=True) for entry in item)
                lines.append(f" {json.dumps(key)}: [\n{body}\n ]")
            else:
                lines.append(f" {json.dumps(key)}: {json.dumps(item, sort_keys=True)}")
        path.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    else:
        path.write_text(json.dumps(value, indent=1, sort_keys=True) + "\n")


def photo_like(rng, h, w, channels):
    """Smooth gradients, a few hard edges and mild noise: what photos look like to a resampling filter."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    planes = []
    for _ in range(channels):
        fx, fy, phase = rng.uniform(0.02, 0.4), rng.uniform(0.02, 0.4), rng.uniform(0, 6.3)
        plane = 128 + 90 * np.sin(fx * x + phase) * np.cos(fy * y)
        plane += np.where((x - w * rng.uniform(0.2, 0.8)) * rng.uniform(-1, 1) + (y - h / 2) > 0, 40, -40)
        plane += rng.normal(0, 12, (h, w))
        planes.append(plane)
    img = np.clip(np.rint(np.stack(planes, axis=-1)), 0, 255).astype(np.uint8)
    return img[..., 0] if channels == 1 else img


def noise(rng, h, w, channels):
    shape = (h, w) if channels == 1 else (h, w, channels)
    return rng.integers(0, 256, shape, dtype=np.uint8)


def png_bytes(width, height, bit_depth, color_type, rows: np.ndarray, extra_chunks=()):
    """A PNG written by hand, for what PIL cannot write (16-bit RGB, RGBA and grey+alpha)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + rows[r].astype(">u2" if bit_depth == 16 else "u1").tobytes() for r in range(height))
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    body = chunk(b"IHDR", header) + b"".join(chunk(k, d) for k, d in extra_chunks)
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def save(image: Image.Image, path: Path, **params):
    buf = io.BytesIO()
    image.save(buf, **params)
    path.write_bytes(buf.getvalue())


# ---------------------------------------------------------------------------------------------- resample

FILTERS = [0, 1, 2, 3, 4, 5]  # PIL's ids: NEAREST, LANCZOS, BILINEAR, BICUBIC, BOX, HAMMING


def resample_goldens(out: Path):
    rng = np.random.default_rng(20261211)
    pairs = []
    # random small sizes, up and down, any aspect ratio: noise, the hardest input for clipping and rounding
    for _ in range(40):
        pairs.append(((int(rng.integers(1, 25)), int(rng.integers(1, 25))),
                      (int(rng.integers(1, 25)), int(rng.integers(1, 25))), "noise"))
    pairs += [
        ((100, 73), (76, 56), "photo"),     # issue 11: transformers truncates the long side to 76
        ((9, 7), (40, 31), "photo"),        # strong upscale
        ((151, 107), (51, 36), "photo"),    # non-integer downscale by ~3
        ((128, 96), (32, 24), "photo"),     # integer downscale by 4
        ((20, 30), (20, 17), "noise"),      # height only: the horizontal pass is skipped
        ((20, 30), (33, 30), "noise"),      # width only: the vertical pass is skipped
        ((3, 301), (2, 150), "noise"),      # taller than 100 x width: PIL resizes height first, then width
        ((1, 150), (1, 37), "noise"),       # ... with the width unchanged
        ((2, 250), (5, 240), "noise"),      # tall but upscaled in width
        ((300, 2), (37, 1), "noise"),       # wide: no special path
        ((17, 13), (17, 13), "noise"),      # same size: a copy
        ((1, 1), (7, 5), "noise"),
        ((7, 5), (1, 1), "noise"),
    ]
    blob = Blob()
    cases = []
    for index, ((in_w, in_h), (out_w, out_h), content) in enumerate(pairs):
        for mode in ("RGB", "L"):
            channels = 3 if mode == "RGB" else 1
            pixels = (noise if content == "noise" else photo_like)(rng, in_h, in_w, channels)
            image = Image.fromarray(pixels, mode)
            source = blob.add(pixels)
            for resample in FILTERS:
                resized = np.asarray(image.resize((out_w, out_h), resample=resample))
                cases.append({
                    "id": f"{index:02d}-{mode}-{in_w}x{in_h}-to-{out_w}x{out_h}-f{resample}",
                    "mode": mode, "width": in_w, "height": in_h, "outWidth": out_w, "outHeight": out_h,
                    "resample": resample, "input": source, "expected": blob.add(resized),
                })
    write_json(out / "resample/cases.json", {"versions": VERSIONS, "cases": cases})
    blob.write(out / "resample/pixels.bin.gz")


# ---------------------------------------------------------------------------------------------- inputs

def exif_with_orientation(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def write_inputs(folder: Path):
    """Awkward inputs. Returns the names of the ones that the processors are run on (PNG only: lossless)."""
    rng = np.random.default_rng(7)
    folder.mkdir(parents=True, exist_ok=True)
    save(Image.fromarray(photo_like(rng, 73, 100, 3)), folder / "rgb-100x73.png", format="PNG")
    save(Image.fromarray(photo_like(rng, 23, 37, 3)), folder / "rgb-37x23.png", format="PNG")
    save(Image.fromarray(photo_like(rng, 40, 120, 3)), folder / "rgb-wide-120x40.png", format="PNG")
    save(Image.fromarray(photo_like(rng, 70, 9, 3)), folder / "rgb-tall-9x70.png", format="PNG")
    save(Image.fromarray(photo_like(rng, 41, 19, 1), "L"), folder / "grey-19x41.png", format="PNG")
    rgba = np.concatenate([photo_like(rng, 61, 45, 3), noise(rng, 61, 45, 1)[..., None]], axis=-1)
    rgba[:5, :, 3] = 0
    save(Image.fromarray(rgba, "RGBA"), folder / "rgba-45x61.png", format="PNG")
    la = np.stack([photo_like(rng, 17, 33, 1), noise(rng, 17, 33, 1)], axis=-1)
    save(Image.fromarray(la, "LA"), folder / "grey-alpha-33x17.png", format="PNG")
    palette = Image.fromarray(rng.integers(0, 16, (30, 50), dtype=np.uint8), "P")
    palette.putpalette(rng.integers(0, 256, 48, dtype=np.uint8).tolist())
    save(palette, folder / "palette-transparent-50x30.png", format="PNG", transparency=3)
    save(palette, folder / "palette-4bit-50x30.png", format="PNG", bits=4)
    save(Image.fromarray(noise(rng, 12, 21, 1), "L"), folder / "grey-transparent-21x12.png", format="PNG", transparency=77)
    save(Image.fromarray(noise(rng, 11, 19, 1) > 127), folder / "bilevel-19x11.png", format="PNG")
    grey16 = rng.integers(0, 600, (20, 24), dtype=np.uint16)  # PIL's convert("RGB") clips I;16 at 255
    save(Image.fromarray(grey16), folder / "grey16-24x20.png", format="PNG")
    two_bit = rng.integers(0, 4, (9, 14), dtype=np.uint8)
    (folder / "grey2bit-14x9.png").write_bytes(png_2bit(14, 9, two_bit))
    (folder / "rgb16-30x22.png").write_bytes(png_bytes(30, 22, 16, 2, rng.integers(0, 65536, (22, 30 * 3), dtype=np.uint16)))
    (folder / "rgba16-13x10.png").write_bytes(png_bytes(13, 10, 16, 6, rng.integers(0, 65536, (10, 13 * 4), dtype=np.uint16)))
    (folder / "grey-alpha16-11x8.png").write_bytes(png_bytes(11, 8, 16, 4, rng.integers(0, 65536, (8, 11 * 2), dtype=np.uint16)))
    photo = Image.fromarray(photo_like(rng, 48, 64, 3))
    save(photo, folder / "photo-420-q90.jpg", format="JPEG", quality=90)
    save(photo, folder / "photo-444-q95.jpg", format="JPEG", quality=95, subsampling=0)
    save(photo, folder / "photo-progressive.jpg", format="JPEG", quality=85, progressive=True)
    save(photo, folder / "photo-exif6.jpg", format="JPEG", quality=90, exif=exif_with_orientation(6))
    save(Image.fromarray(photo_like(rng, 77, 101, 3)), folder / "photo-422-q60-101x77.jpg", format="JPEG",
         quality=60, subsampling=1)
    save(Image.fromarray(photo_like(rng, 40, 56, 1), "L"), folder / "grey-q90.jpg", format="JPEG", quality=90)
    save(photo.convert("CMYK"), folder / "cmyk-q90.jpg", format="JPEG", quality=90)
    return ["rgb-100x73.png", "rgb-37x23.png", "rgb-wide-120x40.png", "rgb-tall-9x70.png", "grey-19x41.png",
            "rgba-45x61.png", "grey-alpha-33x17.png", "palette-transparent-50x30.png", "grey16-24x20.png"]


def png_2bit(width, height, values):
    """A 2-bit grey PNG (PIL writes none): four pixels per byte, first pixel in the high bits."""
    packed = []
    for r in range(height):
        row = list(values[r]) + [0] * (-width % 4)
        packed.append([(row[i] << 6) | (row[i + 1] << 4) | (row[i + 2] << 2) | row[i + 3] for i in range(0, len(row), 4)])
    return png_bytes(width, height, 2, 0, np.array(packed, dtype=np.uint8))


def decoded_goldens(folder: Path):
    blob = Blob()
    images = {}
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".png", ".jpg"):
            continue
        with Image.open(path) as opened:
            mode = opened.mode
            rgb = load_image(str(path))
        pixels = np.asarray(rgb)
        images[path.name] = {"pilMode": mode, "width": rgb.width, "height": rgb.height, "pixels": blob.add(pixels)}
    write_json(folder / "decoded.json", {"versions": VERSIONS, "images": images})
    blob.write(folder / "decoded.bin.gz")


def orientation_goldens(out: Path):
    """PIL's exif_transpose of one small image for each EXIF orientation (PNG here; only the pixels matter)."""
    rng = np.random.default_rng(8)
    pixels = noise(rng, 3, 5, 3)
    blob = Blob()
    cases = [{"orientation": 1, "width": 5, "height": 3, "pixels": blob.add(pixels)}]
    for orientation in range(2, 9):
        image = Image.fromarray(pixels)
        exif = image.getexif()
        exif[0x0112] = orientation
        image.info["exif"] = exif.tobytes()
        upright = PIL.ImageOps.exif_transpose(image)
        cases.append({"orientation": orientation, "width": upright.width, "height": upright.height,
                      "pixels": blob.add(np.asarray(upright))})
    write_json(out / "orientation/cases.json", {"versions": VERSIONS, "cases": cases})
    blob.write(out / "orientation/pixels.bin.gz")


def size_goldens(out: Path):
    """Output sizes by transformers' own functions, over random and extreme input sizes."""
    from transformers.image_transforms import get_resize_output_image_size, get_size_with_aspect_ratio
    from transformers.image_utils import SizeDict, get_image_size_for_max_height_width
    from transformers.models.idefics3 import image_processing_pil_idefics3 as idefics3
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import smart_resize

    class CapturesResize:
        """Stands in for the processor: resize_for_vision_encoder's call to resize returns the size it asks for."""

        def resize(self, image, size, resample=None):
            return (size.height, size.width)

    rng = np.random.default_rng(11)
    inputs = [(int(h), int(w)) for h, w in rng.integers(1, 5000, (60, 2))]
    inputs += [(int(h), int(w)) for h, w in rng.integers(1, 120, (30, 2))]
    inputs += [(1, 1), (1, 199), (199, 1), (1, 250), (73, 100), (100, 73), (2, 6000), (6000, 2), (4096, 4097),
               (8000, 7999), (28, 28), (27, 29), (14, 14), (56, 56), (3, 5000)]
    rules = [
        ("shortestEdge", [56]), ("shortestEdge", [336]),
        ("shortestAndLongestEdge", [224, 300]), ("shortestAndLongestEdge", [800, 1333]),
        ("maxHeightWidth", [64, 96]),
        ("smartResize", [28, 56 * 56, 28 * 28 * 1280]), ("smartResize", [32, 65536, 16777216]), ("smartResize", [28, 3136, 12845056]),
        ("longestEdge", [1456]), ("longestEdge", [2048]), ("multiplesOf", [364]), ("multiplesOf", [512]),
    ]
    cases = []
    for rule, params in rules:
        for h, w in inputs:
            image = np.zeros((1, h, w), dtype=np.uint8)
            try:
                if rule == "shortestEdge":
                    size = get_resize_output_image_size(image, params[0], default_to_square=False, input_data_format="channels_first")
                elif rule == "shortestAndLongestEdge":
                    size = get_size_with_aspect_ratio((h, w), params[0], params[1])
                elif rule == "maxHeightWidth":
                    size = get_image_size_for_max_height_width((h, w), params[0], params[1])
                elif rule == "smartResize":
                    size = smart_resize(h, w, factor=params[0], min_pixels=params[1], max_pixels=params[2])
                elif rule == "longestEdge":
                    size = idefics3.get_resize_output_image_size(image, resolution_max_side=params[0])
                else:
                    size = idefics3.Idefics3ImageProcessorPil.resize_for_vision_encoder(CapturesResize(), image, params[0])
                result = {"out": [int(size[0]), int(size[1])]}
            except ValueError as e:
                result = {"error": str(e).split(",")[0]}
            cases.append({"rule": rule, "params": params, "in": [h, w], **result})
    write_json(out / "sizes.json", {"versions": VERSIONS, "cases": cases})


# ---------------------------------------------------------------------------------------------- processors

# Tiny but realistic settings: the released configs' keys and filters, smaller sizes.
PROCESSORS = {
    "clip": ("preprocessor_config.json", CLIPImageProcessorPil, {
        "image_processor_type": "CLIPImageProcessor", "processor_class": "LlavaProcessor",
        "do_resize": True, "size": {"shortest_edge": 32}, "resample": 3,
        "do_center_crop": True, "crop_size": {"height": 30, "width": 30},
        "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
        "image_mean": CLIP_MEAN, "image_std": CLIP_STD, "do_convert_rgb": True}),
    # transformers 5 layout (processor_config.json only), an int size, a crop larger than the resized image
    "clip-pad": ("processor_config.json", CLIPImageProcessorPil, {
        "processor_class": "LlavaProcessor", "image_token": "<image>",
        "image_processor": {
            "image_processor_type": "CLIPImageProcessor", "size": 20, "resample": 2,
            "do_center_crop": True, "crop_size": {"height": 24, "width": 17},
            "image_mean": CLIP_MEAN, "image_std": CLIP_STD}}),
    "siglip": ("preprocessor_config.json", SiglipImageProcessorPil, {
        "image_processor_type": "SiglipImageProcessor", "size": {"height": 24, "width": 24}, "resample": 3,
        "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
        "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}),
    "gemma3": ("processor_config.json", Gemma3ImageProcessorPil, {
        "processor_class": "Gemma3Processor", "image_seq_length": 4,
        "image_processor": {
            "image_processor_type": "Gemma3ImageProcessor", "size": {"height": 28, "width": 28}, "resample": 2,
            "do_pan_and_scan": None, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}}),
    "gemma3-pan-and-scan": ("preprocessor_config.json", Gemma3ImageProcessorPil, {
        "image_processor_type": "Gemma3ImageProcessor", "size": {"height": 16, "width": 16}, "resample": 2,
        "do_pan_and_scan": True, "pan_and_scan_min_crop_size": 8, "pan_and_scan_max_num_crops": 4,
        "pan_and_scan_min_ratio_to_activate": 1.2, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}),
    "qwen2-vl": ("preprocessor_config.json", Qwen2VLImageProcessorPil, {
        "image_processor_type": "Qwen2VLImageProcessor", "patch_size": 14, "merge_size": 2, "temporal_patch_size": 2,
        "size": {"shortest_edge": 56 * 56, "longest_edge": 28 * 28 * 6}, "resample": 3,
        "image_mean": CLIP_MEAN, "image_std": CLIP_STD}),
    # Qwen3-VL's settings, with the legacy top-level min_pixels / max_pixels keys
    "qwen3-vl-legacy": ("processor_config.json", Qwen2VLImageProcessorPil, {
        "processor_class": "Qwen3VLProcessor",
        "image_processor": {
            "image_processor_type": "Qwen2VLImageProcessorFast", "patch_size": 16, "merge_size": 2,
            "temporal_patch_size": 2, "min_pixels": 32 * 32 * 4, "max_pixels": 32 * 32 * 6,
            "size": {"shortest_edge": 65536, "longest_edge": 16777216},
            "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}}),
    "idefics3": ("preprocessor_config.json", Idefics3ImageProcessorPil, {
        "image_processor_type": "Idefics3ImageProcessor", "do_image_splitting": True, "do_pad": True,
        "size": {"longest_edge": 64}, "max_image_size": {"longest_edge": 32}, "resample": 1,
        "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}),
    "smolvlm": ("processor_config.json", SmolVLMImageProcessorPil, {
        "processor_class": "SmolVLMProcessor",
        "image_processor": {
            "image_processor_type": "SmolVLMImageProcessor", "do_image_splitting": True,
            "size": {"longest_edge": 48}, "max_image_size": {"longest_edge": 24}, "resample": 1,
            "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}}),
}

# Construction-time overrides, as a family applies the job's --min-pixels / --max-pixels / --no-image-splitting.
OVERRIDES = {
    "qwen2-vl": [{"min_pixels": 28 * 28 * 5}, {"max_pixels": 28 * 28 * 4}],
    "smolvlm": [{"do_image_splitting": False}],
}


def processor_goldens(out: Path, inputs: Path, names):
    for name, (config_file, cls, config) in PROCESSORS.items():
        folder = out / "processors" / name
        write_json(folder / config_file, config)
        runs = []
        blob = Blob()
        for overrides in [{}] + OVERRIDES.get(name, []):
            processor = cls.from_pretrained(str(folder), **overrides)
            for image_name in names if not overrides else names[:3]:
                result = processor(load_image(str(inputs / image_name)), return_tensors="np",
                                   **({"return_row_col_info": True} if "max_image_size" in processor.to_dict() else {}))
                run = {"image": image_name, "overrides": overrides}
                pixel_values = np.asarray(result["pixel_values"], dtype=np.float32)
                if "image_grid_thw" in result:
                    run["imageGridThw"] = np.asarray(result["image_grid_thw"]).tolist()[0]
                if "rows" in result:
                    run["rows"], run["cols"] = result["rows"][0][0], result["cols"][0][0]
                    pixel_values = pixel_values[0]  # (1, regions, C, H, W): one image per batch
                if "num_crops" in result:
                    run["numCrops"] = int(np.asarray(result["num_crops"]).ravel()[0])
                run["shape"] = list(pixel_values.shape)
                run["pixelValues"] = blob.add(pixel_values)
                runs.append(run)
        write_json(folder / "expected.json", {"versions": VERSIONS, "runs": runs})
        blob.write(folder / "pixel_values.bin.gz")


# ---------------------------------------------------------------------------------------------- main

def generate(out: Path):
    resample_goldens(out)
    size_goldens(out)
    orientation_goldens(out)
    names = write_inputs(out / "images")
    decoded_goldens(out / "images")
    processor_goldens(out, out / "images", names)


def compare(expected: Path, actual: Path) -> list:
    problems = []
    for path in sorted(p for p in actual.rglob("*") if p.is_file()):
        rel = path.relative_to(actual)
        if not (expected / rel).is_file():
            problems.append(f"missing from the committed goldens: {rel}")
        elif not filecmp.cmp(path, expected / rel, shallow=False):
            problems.append(f"differs from a fresh run: {rel}")
    for path in sorted(p for p in expected.rglob("*") if p.is_file()):
        if not (actual / path.relative_to(expected)).is_file():
            problems.append(f"committed but no longer generated: {path.relative_to(expected)}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="golden folder (default: %(default)s)")
    parser.add_argument("--check", action="store_true",
                        help="regenerate into a temporary folder and compare with --out; exit 1 on any difference")
    args = parser.parse_args()
    if not args.check:
        generate(args.out)
        print(f"wrote {args.out}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        problems = compare(args.out, Path(tmp))
    for problem in problems:
        print(problem, file=sys.stderr)
    print("goldens match a fresh run" if not problems else f"{len(problems)} golden file(s) differ", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
