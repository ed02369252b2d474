"""Hugging Face file formats written by hand: safetensors, tokenizer.json and friends, configs, and the
image preprocessing of CLIPImageProcessor / SiglipImageProcessor (slow, numpy/PIL path)."""

import json
import os
import struct

import numpy as np
import torch
from PIL import Image

# ----------------------------------------------------------------------------------------------
# vocabulary and tokenizer

SPECIALS = ["<unk>", "<s>", "</s>", "<pad>"]
WORDS = [
    # chat template and punctuation
    "USER", "ASSISTANT", ":", "?", ".", ",", "!", "'",
    # the task
    "what", "colour", "is", "the", "it", "circle", "square", "triangle", "red", "green", "blue", "yellow",
    # extra common words so that the vocabulary is not exactly the task
    "color", "a", "an", "of", "in", "on", "and", "this", "that", "there", "which", "where", "how", "many",
    "shape", "shapes", "image", "picture", "cell", "left", "right", "top", "bottom", "black", "white",
    "orange", "purple", "star", "yes", "no", "i", "see", "describe", "are", "at",
]
IMAGE_TOKEN = "<image>"
VOCAB = SPECIALS + WORDS + [IMAGE_TOKEN]
TOKEN_ID = {t: i for i, t in enumerate(VOCAB)}
UNK_ID, BOS_ID, EOS_ID, PAD_ID = 0, 1, 2, 3
IMAGE_ID = TOKEN_ID[IMAGE_TOKEN]

CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] != 'system' %}{{ message['role'] | upper }}{{ ': ' }}{% endif %}"
    "{% if message['content'] is string %}{{ message['content'] + ' ' }}"
    "{% else %}"
    "{% for content in message['content'] %}{% if content['type'] == 'image' %}{{ '<image>\\n' }}{% endif %}{% endfor %}"
    "{% for content in message['content'] %}{% if content['type'] == 'text' %}{{ content['text'] + ' ' }}{% endif %}{% endfor %}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}"
)


def render_prompt(question):
    """What CHAT_TEMPLATE renders for one user turn [image, text(question)] with add_generation_prompt."""
    return "USER: <image>\n" + question + " ASSISTANT:"


def pre_tokenize(text):
    """tokenizers' Whitespace pre-tokenizer: regex \\w+|[^\\w\\s]+ (ASCII input here)."""
    import re
    return re.findall(r"\w+|[^\w\s]+", text)


def encode(text, add_bos=True):
    """What tokenizer.json does: split out the added token <image> (and other specials), pre-tokenize the
    rest, WordLevel lookup with <unk> fallback, then the TemplateProcessing post-processor prepends <s>."""
    import re
    ids = [BOS_ID] if add_bos else []
    specials = SPECIALS + [IMAGE_TOKEN]
    pattern = "(" + "|".join(re.escape(s) for s in specials) + ")"
    for part in re.split(pattern, text):
        if part == "":
            continue
        if part in specials:
            ids.append(TOKEN_ID[part])
        else:
            ids.extend(TOKEN_ID.get(w, UNK_ID) for w in pre_tokenize(part))
    return ids


def decode(ids, skip_special=True):
    """tokenizers with a null decoder: tokens joined by single spaces; special tokens skipped."""
    toks = []
    for i in ids:
        if i >= len(VOCAB):
            continue
        t = VOCAB[i]
        if skip_special and (t in SPECIALS or t == IMAGE_TOKEN):
            continue
        toks.append(t)
    return " ".join(toks)


def expand_image_tokens(ids, n):
    """LlavaProcessor: the single <image> token becomes n copies."""
    out = []
    for i in ids:
        out.extend([IMAGE_ID] * n if i == IMAGE_ID else [i])
    return out


def tokenizer_json():
    added = [
        {"id": TOKEN_ID[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for t in SPECIALS + [IMAGE_TOKEN]
    ]
    bos = {"SpecialToken": {"id": "<s>", "type_id": 0}}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [bos, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [bos, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [BOS_ID], "tokens": ["<s>"]}},
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": {t: i for i, t in enumerate(VOCAB)}, "unk_token": "<unk>"},
    }


def tokenizer_config(max_len):
    return {
        "add_bos_token": True,
        "add_eos_token": False,
        "added_tokens_decoder": {
            str(TOKEN_ID[t]): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                               "single_word": False, "special": True}
            for t in SPECIALS + [IMAGE_TOKEN]
        },
        "bos_token": "<s>",
        "eos_token": "</s>",
        "pad_token": "<pad>",
        "unk_token": "<unk>",
        "image_token": IMAGE_TOKEN,
        "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "model_max_length": max_len,
        "padding_side": "left",
        "processor_class": "LlavaProcessor",
        "tokenizer_class": "PreTrainedTokenizerFast",
    }


def special_tokens_map():
    tok = lambda t: {"content": t, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False}
    return {"bos_token": tok("<s>"), "eos_token": tok("</s>"), "pad_token": tok("<pad>"), "unk_token": tok("<unk>"),
            "image_token": tok(IMAGE_TOKEN)}


# ----------------------------------------------------------------------------------------------
# image preprocessing

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
SIGLIP_MEAN = [0.5, 0.5, 0.5]
SIGLIP_STD = [0.5, 0.5, 0.5]


def clip_preprocessor_config(size):
    return {
        "crop_size": {"height": size, "width": size},
        "do_center_crop": True,
        "do_convert_rgb": True,
        "do_normalize": True,
        "do_rescale": True,
        "do_resize": True,
        "image_mean": CLIP_MEAN,
        "image_processor_type": "CLIPImageProcessor",
        "image_std": CLIP_STD,
        "processor_class": "LlavaProcessor",
        "resample": 3,
        "rescale_factor": 1 / 255,
        "size": {"shortest_edge": size},
    }


def siglip_preprocessor_config(size):
    return {
        "do_convert_rgb": True,
        "do_normalize": True,
        "do_rescale": True,
        "do_resize": True,
        "image_mean": SIGLIP_MEAN,
        "image_processor_type": "SiglipImageProcessor",
        "image_std": SIGLIP_STD,
        "processor_class": "LlavaProcessor",
        "resample": 3,
        "rescale_factor": 1 / 255,
        "size": {"height": size, "width": size},
    }


def _rescale_normalize(arr_u8, mean, std):
    """HF slow path: rescale in float64 then cast to float32; normalize in float32. HWC -> CHW."""
    x = (arr_u8.astype(np.float64) * (1 / 255)).astype(np.float32)
    m = np.array(mean, dtype=np.float32)
    s = np.array(std, dtype=np.float32)
    x = (x - m) / s
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def _resize_shortest_edge(img, size):
    w, h = img.size
    if min(w, h) == size:
        return img
    # transformers get_resize_output_image_size(default_to_square=False)
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    nw, nh = (new_short, new_long) if w <= h else (new_long, new_short)
    return img.resize((nw, nh), resample=Image.BICUBIC, reducing_gap=None)


def _center_crop(img, size):
    w, h = img.size
    if (w, h) == (size, size):
        return img
    top = (h - size) // 2
    left = (w - size) // 2
    return img.crop((left, top, left + size, top + size))


def preprocess_clip(img, size):
    """CLIPImageProcessor (slow): RGB, resize shortest edge (bicubic), center crop, rescale, normalize."""
    img = img.convert("RGB")
    img = _center_crop(_resize_shortest_edge(img, size), size)
    return _rescale_normalize(np.asarray(img), CLIP_MEAN, CLIP_STD)


def preprocess_siglip(img, size):
    """SiglipImageProcessor (slow): RGB, resize to size x size with PIL bicubic (reducing_gap=None) on uint8,
    rescale, normalize."""
    img = img.convert("RGB")
    if img.size != (size, size):
        img = img.resize((size, size), resample=Image.BICUBIC, reducing_gap=None)
    return _rescale_normalize(np.asarray(img), SIGLIP_MEAN, SIGLIP_STD)


# ----------------------------------------------------------------------------------------------
# safetensors

_DT = {torch.float32: "F32", torch.bfloat16: "BF16", torch.float16: "F16", torch.int64: "I64", torch.int32: "I32"}


def _tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def save_safetensors(path, tensors, metadata=None):
    """tensors: ordered dict name -> torch tensor. Writes the header (keys sorted, as safetensors does),
    data in the same order, header padded with spaces to a multiple of 8."""
    names = sorted(tensors)
    header = {}
    blobs = []
    off = 0
    for n in names:
        b = _tensor_bytes(tensors[n])
        header[n] = {"dtype": _DT[tensors[n].dtype], "shape": list(tensors[n].shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    meta = {"format": "pt"}
    if metadata:
        meta.update(metadata)
    full = {"__metadata__": meta}
    full.update(header)
    hb = json.dumps(full, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)
    return off


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        raw = data[a:b]
        if v["dtype"] == "BF16":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<i2").copy()).view(torch.bfloat16)
        else:
            npdt = {"F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4"}[v["dtype"]]
            t = torch.from_numpy(np.frombuffer(raw, dtype=npdt).copy())
        out[k] = t.reshape(v["shape"])
    return out


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def write_tokenizer_files(model_dir, max_len):
    write_json(os.path.join(model_dir, "tokenizer.json"), tokenizer_json())
    write_json(os.path.join(model_dir, "tokenizer_config.json"), tokenizer_config(max_len))
    write_json(os.path.join(model_dir, "special_tokens_map.json"), special_tokens_map())
    write_json(os.path.join(model_dir, "chat_template.json"), {"chat_template": CHAT_TEMPLATE})
