"""The Qwen-VL family: Qwen2-VL, Qwen2.5-VL and Qwen3-VL, built with transformers' own classes and written with
save_pretrained.

Each imitates its released checkpoints at a tiny scale (the real values are in the docstrings):
- dynamic resolution: Qwen2VLImageProcessorPil's smart_resize between min and max pixels (bounds scaled down so the
  parity images land on grids of 1 to 9 merged cells a side, in several aspect ratios), patch rows in 2x2 merge
  order, image_grid_thw;
- vision towers: Conv3d patches, 2-D vision RoPE, 2x2 patch merger; Qwen2.5's window attention with full-attention
  blocks (images large enough for several windows); Qwen3's learned position table (4x4, so every other grid is
  interpolated) and DeepStack mergers whose features are added after the first decoder layers;
- decoders: M-RoPE (chunked sections for 2/2.5, interleaved for 3), q/k/v biases (2/2.5), q/k norms (3);
- the released chat templates and a byte-level BPE tokenizer with Qwen's special tokens.

The 4.x copies (`rewrite_4x`) keep the weights and change what transformers 4 wrote differently: Qwen2-VL's flat
config (text keys at the top, `rope_scaling` {"type": "mrope"}), Qwen3-VL's `rope_scaling` + `rope_theta`, and for
both `preprocessor_config.json` and `chat_template.json`.
"""

import os
import shutil

import torch
from safetensors.torch import load_file, save_file
from transformers import (Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration, Qwen2_5_VLProcessor, Qwen2VLConfig,
                          Qwen2VLForConditionalGeneration, Qwen2VLImageProcessorPil, Qwen2VLProcessor, Qwen3VLConfig,
                          Qwen3VLForConditionalGeneration, Qwen3VLProcessor)

from .. import common, tokenizers_offline as toks
from .llava import init_test_weights, read_template, save

OPENAI_CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_CLIP_STD = [0.26862954, 0.26130258, 0.27577711]

# Qwen's special tokens, in the order of the released vocabulary (151643..151656), then the ids they get here.
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>",
            "<|image_pad|>", "<|video_pad|>"]


def tokenizer(corpus=toks.CORPUS_LINES):
    """Qwen2Tokenizer (byte-level BPE, Qwen2's split regex) with the Qwen-VL special tokens after the vocabulary;
    eos <|im_end|>, pad <|endoftext|>, as the Instruct checkpoints set them."""
    return toks.qwen2_tokenizer(420, specials=SPECIALS, corpus=corpus)


def token_ids(tok):
    ids = dict(zip(SPECIALS, tok.convert_tokens_to_ids(SPECIALS)))
    return dict(image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
                vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"])


def text_config(tok, rope_parameters, vocab_size=448, **extra):
    """hidden 64, 3 layers, 4 heads / 2 KV (head dim 16), ff 128."""
    return dict(vocab_size=vocab_size, hidden_size=64, intermediate_size=128, num_hidden_layers=3,
                num_attention_heads=4, num_key_value_heads=2, hidden_act="silu", rms_norm_eps=1e-6,
                max_position_embeddings=1024, rope_parameters=rope_parameters,
                eos_token_id=tok.convert_tokens_to_ids("<|im_end|>"),
                pad_token_id=tok.convert_tokens_to_ids("<|endoftext|>"), bos_token_id=None, **extra)


def image_processor(patch_size, min_pixels, max_pixels, mean, std):
    """Qwen2VLImageProcessor (all three families use it): smart_resize to multiples of patch_size * 2 within
    [min_pixels, max_pixels], bicubic, patch rows. Released: patch 14, 3136..12845056, CLIP mean/std (2/2.5);
    patch 16, 65536..16777216, mean = std = 0.5 (3)."""
    return Qwen2VLImageProcessorPil(patch_size=patch_size, temporal_patch_size=2, merge_size=2, min_pixels=min_pixels,
                                    max_pixels=max_pixels, image_mean=mean, image_std=std, resample=3)


def processor(processor_class, image_processor_, tok, template):
    """The family's processor with its image processor, tokenizer and released chat template, and no video
    processor (common.image_only_processors: it would need torchvision)."""
    common.image_only_processors()
    return processor_class(image_processor=image_processor_, tokenizer=tok, chat_template=read_template(template))


def build(model_class, config, seed):
    common.seed_everything(seed)
    model = model_class(config).eval()
    init_test_weights(model, seed)
    return model


# ---------------------------------------------------------------------------------------------------------
# parity checkpoints (models/parity/)

def qwen2_vl(out_dir, seed, dtype=torch.float32):
    """Qwen2-VL in small (2B: vision d 1280, 32 blocks, patch 14, LayerNorm, quick_gelu MLP; merger to the text
    width): vision d 32, 2 blocks, 4 heads, mlp_ratio 2; text as text_config() with q/k/v biases, M-RoPE base 1e6,
    sections [2, 3, 3] (chunked); untied; images 3136..12544 pixels (up to 16 merged cells)."""
    tok = tokenizer()
    config = Qwen2VLConfig(
        text_config=text_config(tok, {"rope_type": "default", "rope_theta": 1e6, "mrope_section": [2, 3, 3]}),
        vision_config=dict(depth=2, embed_dim=32, hidden_size=64, num_heads=4, mlp_ratio=2, patch_size=14),
        tie_word_embeddings=False, **token_ids(tok))
    model = build(Qwen2VLForConditionalGeneration, config, seed)
    proc = processor(Qwen2VLProcessor, image_processor(14, 56 * 56, 28 * 28 * 16, OPENAI_CLIP_MEAN, OPENAI_CLIP_STD),
                     tok, "qwen2-vl")
    return save(model, proc, out_dir, dtype)


def qwen2_5_vl(out_dir, seed):
    """Qwen2.5-VL in small, BF16 in 3 shards, tied embeddings (as the 3B): vision d 32, 4 blocks, RMSNorm, SwiGLU MLP
    with biases, window attention in 112-pixel windows (4x4 merged cells) except full-attention blocks [1, 3];
    images up to 31360 pixels, so that the large ones span several windows (2x2 for 640x480, partial at the edges)."""
    tok = tokenizer()
    config = Qwen2_5_VLConfig(
        text_config=text_config(tok, {"rope_type": "default", "rope_theta": 1e6, "mrope_section": [2, 3, 3]}),
        vision_config=dict(depth=4, hidden_size=32, intermediate_size=64, num_heads=4, out_hidden_size=64,
                           patch_size=14, window_size=112, fullatt_block_indexes=[1, 3], hidden_act="silu"),
        tie_word_embeddings=True, **token_ids(tok))
    model = build(Qwen2_5_VLForConditionalGeneration, config, seed)
    proc = processor(Qwen2_5_VLProcessor,
                     image_processor(14, 56 * 56, 28 * 28 * 40, OPENAI_CLIP_MEAN, OPENAI_CLIP_STD), tok, "qwen2.5-vl")
    return save(model, proc, out_dir, torch.bfloat16, max_shard_size=150_000)


def qwen3_vl(out_dir, seed, dtype=torch.float32, tied=False, max_shard_size=None):
    """Qwen3-VL in small (4B: vision d 1024, 24 blocks, patch 16, 48x48 position table, DeepStack from blocks
    [5, 11, 17]; text head dim 128, q/k norms, M-RoPE base 5e6 sections [24, 20, 20] interleaved): vision d 32,
    3 blocks, a 4x4 position table (every grid but 4x4 interpolates it), DeepStack from blocks [0, 1] added after
    decoder layers 0 and 1; text head dim 16, sections [4, 2, 2]; images 4096..16384 pixels."""
    tok = tokenizer()
    config = Qwen3VLConfig(
        text_config=text_config(tok, {"rope_type": "default", "rope_theta": 5e6, "mrope_section": [4, 2, 2]},
                                head_dim=16),
        vision_config=dict(depth=3, hidden_size=32, intermediate_size=64, num_heads=4, out_hidden_size=64,
                           patch_size=16, num_position_embeddings=16, deepstack_visual_indexes=[0, 1]),
        tie_word_embeddings=tied, **token_ids(tok))
    model = build(Qwen3VLForConditionalGeneration, config, seed)
    proc = processor(Qwen3VLProcessor, image_processor(16, 64 * 64, 32 * 32 * 16, [0.5] * 3, [0.5] * 3), tok,
                     "qwen3-vl")
    return save(model, proc, out_dir, dtype, max_shard_size)


def qwen3_vl_4b_widths(out_dir, seed=31):
    """Qwen3-VL-4B's real widths with 2 decoder layers and 2 vision blocks, random weights, BF16 shards as
    save_pretrained writes them (about 1.4 GB): text hidden 2560, 32 heads / 8 KV of 128, MLP 9728, vocabulary
    151936, tied, M-RoPE base 5e6 sections [24, 20, 20]; vision hidden 1024, 16 heads, MLP 4096, patch 16, the
    48x48 position table, DeepStack from both blocks; the released processor bounds (65536..16777216 pixels, so an
    896x896 image is 28x28 = 784 image tokens). For the benchmarks (docs/BENCHMARKS.md); never committed."""
    tok = tokenizer()
    config = Qwen3VLConfig(
        text_config=dict(text_config(tok, {"rope_type": "default", "rope_theta": 5e6, "mrope_section": [24, 20, 20]},
                                     vocab_size=151936, head_dim=128),
                         hidden_size=2560, intermediate_size=9728, num_hidden_layers=2, num_attention_heads=32,
                         num_key_value_heads=8, max_position_embeddings=262144),
        vision_config=dict(depth=2, hidden_size=1024, intermediate_size=4096, num_heads=16, out_hidden_size=2560,
                           patch_size=16, num_position_embeddings=2304, deepstack_visual_indexes=[0, 1]),
        tie_word_embeddings=True, **token_ids(tok))
    model = build(Qwen3VLForConditionalGeneration, config, seed)
    proc = processor(Qwen3VLProcessor, image_processor(16, 65536, 16777216, [0.5] * 3, [0.5] * 3), tok, "qwen3-vl")
    return save(model, proc, out_dir, torch.bfloat16, max_shard_size="400MB")


# ---------------------------------------------------------------------------------------------------------
# the shipped toy model (models/tiny-qwen3-vl), trained by vlmref.train

TOY_QWEN3_VL_CELL = 32  # pixels of one merged cell: patch 16 x merge 2


def toy_qwen3_vl():
    """The architecture of tiny-qwen3-vl (the demo's model): vision d 64, 2 blocks, 4 heads, patch 16, a 12x12
    position table (a 192-pixel toy image's patch grid; other sizes interpolate it), DeepStack from block 0 added
    after decoder layer 0; text d 64, 4 layers, 4 heads / 2 KV, head dim 16, ff 128, M-RoPE base 5e6 sections
    [4, 2, 2] (interleaved), q/k norms, untied; the Qwen-VL BPE trained with the toy sentences, so that every toy
    word is one token; images 4096..147456 pixels (2x2 to 12x12 merged cells; a 192x192 toy image stays 6x6),
    mean = std = 0.5; the Qwen3-VL chat template."""
    tok = tokenizer(toks.TOY_CORPUS_LINES)
    config = Qwen3VLConfig(
        text_config=dict(text_config(tok, {"rope_type": "default", "rope_theta": 5e6, "mrope_section": [4, 2, 2]},
                                     head_dim=16), num_hidden_layers=4),
        vision_config=dict(depth=2, hidden_size=64, intermediate_size=128, num_heads=4, out_hidden_size=64,
                           patch_size=16, num_position_embeddings=144, deepstack_visual_indexes=[0]),
        tie_word_embeddings=False, **token_ids(tok))
    cell = TOY_QWEN3_VL_CELL
    proc = processor(Qwen3VLProcessor, image_processor(16, cell * cell * 4, cell * cell * 144, [0.5] * 3, [0.5] * 3),
                     tok, "qwen3-vl")
    return config, proc


# ---------------------------------------------------------------------------------------------------------
# the 4.x layout

def rewrite_4x(src_dir, out_dir):
    """Copies a 5.x Qwen-VL folder into the layout of the released (4.x-era) checkpoints: the same weight bytes
    (transformers 5 writes the released tensor names already); config.json as transformers 4 wrote it — Qwen2-VL and
    Qwen2.5-VL flat (the text keys at the top, `rope_theta` and `rope_scaling` {"type": "mrope", "mrope_section"}),
    Qwen3-VL nested with `rope_theta` and `rope_scaling` {"rope_type": "default", "mrope_section",
    "mrope_interleaved": true} in text_config — with `torch_dtype` for `dtype` and no vision `rope_parameters`; the image processor settings in
    `preprocessor_config.json` (Qwen2: `min_pixels`/`max_pixels` keys, as released) and the chat template in
    `chat_template.json`."""
    if os.path.exists(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    for name in os.listdir(src_dir):
        if name.endswith(".safetensors") or name in ("model.safetensors.index.json", "generation_config.json",
                                                      "tokenizer.json", "tokenizer_config.json"):
            shutil.copyfile(os.path.join(src_dir, name), os.path.join(out_dir, name))

    config = common.read_json(os.path.join(src_dir, "config.json"))
    for part in (config, config["text_config"], config["vision_config"]):
        if "dtype" in part:
            part["torch_dtype"] = part.pop("dtype")
    config["vision_config"].pop("rope_parameters")       # 4.x hard-coded the vision RoPE base (10000)
    text = config["text_config"]
    rope = dict(text.pop("rope_parameters"))
    text["rope_theta"] = rope.pop("rope_theta")
    if config["model_type"] == "qwen3_vl":
        text["rope_scaling"] = dict(rope, mrope_interleaved=True)
    else:
        del config["text_config"]
        text.pop("model_type")
        text["rope_scaling"] = {"type": "mrope", "mrope_section": rope["mrope_section"]}
        config.update(text)
    common.write_json(os.path.join(out_dir, "config.json"), dict(sorted(config.items())))

    processor_config = common.read_json(os.path.join(src_dir, "processor_config.json"))
    image = dict(processor_config.pop("image_processor"), processor_class=processor_config["processor_class"])
    image["image_processor_type"] = image["image_processor_type"].replace("Pil", "")
    if config["model_type"] != "qwen3_vl":
        size = image.pop("size")
        image.update(min_pixels=size["shortest_edge"], max_pixels=size["longest_edge"])
    common.write_json(os.path.join(out_dir, "preprocessor_config.json"), dict(sorted(image.items())))
    common.write_json(os.path.join(out_dir, "processor_config.json"), processor_config)
    with open(os.path.join(src_dir, "chat_template.jinja"), encoding="utf-8") as f:
        common.write_json(os.path.join(out_dir, "chat_template.json"), {"chat_template": f.read()})
    with open(os.path.join(out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write(COPY_4X_README % os.path.basename(os.path.normpath(src_dir)))
    return out_dir


COPY_4X_README = """# A 4.x-layout copy of %s

Written by `models/reference/vlmref/families/qwen.py: rewrite_4x` (transformers 4.x cannot be installed here), not
by `save_pretrained`: the same weight files; config.json as the released checkpoints have it (Qwen2-VL/2.5-VL flat
with `rope_scaling` {"type": "mrope"}; Qwen3-VL with `rope_scaling` and `rope_theta` in text_config; `torch_dtype`);
the image processor settings in `preprocessor_config.json`; the chat template in `chat_template.json`. transformers
5.17 loads it and gives bit-identical logits (checked by `harness.py build`); its reference dump is its source's.
"""
