"""Paths, seeds and small file helpers shared by every part of the harness."""

import json
import os
import platform
import random
from importlib.metadata import version

import numpy as np
import torch
import transformers

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.dirname(HERE)                       # models/reference
REPO = os.path.dirname(os.path.dirname(REFERENCE))      # the repository root
MODELS = os.path.join(REPO, "models")
PARITY_MODELS = os.path.join(MODELS, "parity")
PAIRS = os.path.join(REFERENCE, "pairs")
TEMPLATES = os.path.join(REFERENCE, "templates")
PARITY_DUMPS = os.path.join(REPO, "job", "src", "test", "resources", "parity")

# The versions every committed file was made with (the pins of setup.sh); another version is refused, because
# its numbers and the bytes it writes may differ: tokenizers trains the BPE vocabularies, Pillow encodes the PNGs.
TRANSFORMERS_VERSION = "5.17.0"
TORCH_VERSION = "2.13.0+cpu"
PINS = {"transformers": TRANSFORMERS_VERSION, "torch": TORCH_VERSION, "tokenizers": "0.23.2",
        "safetensors": "0.8.0", "pillow": "12.3.0", "numpy": "2.4.6", "jinja2": "3.1.6"}


def require_versions():
    """Fails with one line when a package of the running python is not the pinned version."""
    wrong = ["%s %s (needs %s)" % (name, version(name), want) for name, want in PINS.items() if version(name) != want]
    if wrong:
        raise SystemExit("reference harness: wrong versions: %s; run models/reference/setup.sh and use its python"
                         % ", ".join(wrong))


def seed_everything(seed):
    """Seeds every generator transformers or torch may draw from (weights are drawn from explicit
    generators anyway; this keeps any implicit draw reproducible too)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def repo_relative(path):
    """The path relative to the repository root, or absolute when it lies outside (a temp folder)."""
    rel = os.path.relpath(os.path.abspath(path), REPO)
    return os.path.abspath(path) if rel.startswith("..") else rel.replace(os.sep, "/")


def generator_info(script, seed):
    return {"transformers": transformers.__version__, "torch": torch.__version__,
            "python": platform.python_version(), "script": repo_relative(script), "seed": seed}


def write_json(path, obj):
    """JSON as the harness writes it everywhere: UTF-8, 2-space indent, keys in the given order, newline."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_manifest(path):
    """The job's manifest format (JSON Lines): pair_id, image (relative to the manifest), question."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_manifest(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def image_only_processors():
    """Makes transformers' processors treat a video processor as absent (idempotent, for this process).

    The Qwen-VL processors require a video processor, whose only implementation needs torchvision, which must not
    be installed here (its wheels are CUDA builds). Leaving `video_processor` out of ProcessorMixin.get_attributes
    lets the real processor classes be built, saved and loaded (AutoProcessor) with their image processor and
    tokenizer only; everything they compute for images and text is still transformers' own code. Processors without
    a video processor (LLaVA) are unaffected."""
    from transformers.processing_utils import ProcessorMixin
    if getattr(ProcessorMixin, "_image_only", False):
        return
    attributes = ProcessorMixin.get_attributes.__func__
    ProcessorMixin.get_attributes = classmethod(lambda cls: [a for a in attributes(cls) if a != "video_processor"])
    ProcessorMixin._image_only = True
    _idefics3_processors()


def _idefics3_processors():
    """Idefics3's and SmolVLM's PIL image processors work without torchvision, but transformers' package-level
    names for them are placeholders that ask for it, so AutoImageProcessor cannot find them: the names are pointed
    at the classes in their modules. SmolVLMProcessor imports num2words (absent here) for its video prompts and
    reads its video processor's frame settings in apply_chat_template; images use neither, so it is built without
    a video processor and gets a stand-in with no frame settings, and num2words a stand-in that fails if a video prompt ever calls it."""
    import importlib
    import types
    from transformers import SmolVLMProcessor
    for family, name in (("idefics3", "Idefics3ImageProcessorPil"), ("smolvlm", "SmolVLMImageProcessorPil")):
        module = importlib.import_module("transformers.models.%s.image_processing_pil_%s" % (family, family))
        setattr(importlib.import_module("transformers.models." + family), name, getattr(module, name))
    processing_smolvlm = importlib.import_module("transformers.models.smolvlm.processing_smolvlm")

    def no_num2words(n):
        raise RuntimeError("reference harness: num2words is not installed (SmolVLM video prompts need it)")
    if processing_smolvlm.num2words is None:
        processing_smolvlm.num2words = no_num2words
    SmolVLMProcessor.video_processor = types.SimpleNamespace(num_frames=None, fps=None)
    init = SmolVLMProcessor.__init__

    # from_pretrained passes the keys named in __init__'s code (co_varnames): the same names as the original's
    def init_without_video(self, image_processor, tokenizer, video_processor=None, image_seq_len=169,
                           chat_template=None, **kwargs):
        init(self, image_processor, tokenizer, video_processor, image_seq_len=image_seq_len,
             chat_template=chat_template, **kwargs)
    SmolVLMProcessor.__init__ = init_without_video
