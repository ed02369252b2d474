"""The LLaVA family: CLIP or SigLIP vision tower + MLP projector + LLaMA or Qwen2 decoder, built with
transformers' own classes and written with save_pretrained.

Two real checkpoints are imitated at a tiny scale:
- llava-1.5 (llava-hf/llava-1.5-7b-hf): CLIP, feature layer -2, strategy "default" (CLS dropped), CLIP image
  processor (shortest-edge bicubic resize + centre crop), LLaMA decoder, SentencePiece-style BPE tokenizer;
- llava-interleave-qwen (llava-hf/llava-interleave-qwen-0.5b-hf): SigLIP, feature layer -1, strategy "full",
  SigLIP image processor (fixed-size bicubic resize), Qwen2 decoder with q/k/v biases and tied embeddings,
  byte-level BPE tokenizer.
"""

import os
import shutil

import torch
from safetensors.torch import load_file, save_file
from transformers import (CLIPImageProcessorPil, CLIPVisionConfig, LlamaConfig, LlavaConfig,
                          LlavaForConditionalGeneration, LlavaProcessor, Qwen2Config, SiglipImageProcessorPil,
                          SiglipVisionConfig)

from .. import common, tokenizers_offline as toks

OPENAI_CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


def read_template(name):
    """A released checkpoint's chat template, as collected in models/reference/templates/<name>.jinja."""
    path = os.path.join(common.TEMPLATES, name + ".jinja")
    if not os.path.exists(path):
        raise SystemExit("reference harness: chat template %s is missing (see templates/SOURCES.md)" % path)
    with open(path, encoding="utf-8") as f:
        return f.read()


def init_test_weights(model, seed):
    """Random weights at a scale that makes attention far from uniform and every weight matter, so that a wrong
    detail in another implementation shows in the numbers (transformers' own init, N(0, 0.02), leaves attention
    nearly uniform and the masking distances near zero). Parameters are drawn in name order from one generator:
    matrices N(0, (1.5 / sqrt(fan_in))^2), biases N(0, 0.05^2), norm weights 1 + N(0, 0.1^2), token embeddings
    N(0, 1), position and class embeddings N(0, 0.5^2)."""
    g = torch.Generator().manual_seed(seed)
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name in sorted(params):
            p = params[name]
            r = torch.randn(p.shape, generator=g, dtype=torch.float32)
            if "norm" in name or "layrnorm" in name or "ln_q" in name:
                p.copy_(1.0 + 0.1 * r if name.endswith("weight") else 0.05 * r)
            elif name.endswith("bias"):
                p.copy_(0.05 * r)
            elif "embed_tokens" in name:
                p.copy_(r)
            elif "position_embedding" in name or "class_embedding" in name:
                p.copy_(0.5 * r)
            else:
                p.copy_(r * (1.5 / p[0].numel() ** 0.5))


def clip_image_processor(size):
    """CLIPImageProcessor of llava-1.5 (336 there): shortest edge to `size` (bicubic), centre crop size x size."""
    return CLIPImageProcessorPil(size={"shortest_edge": size}, crop_size={"height": size, "width": size},
                                 resample=3, do_center_crop=True, image_mean=OPENAI_CLIP_MEAN,
                                 image_std=OPENAI_CLIP_STD)


def siglip_image_processor(size):
    """SiglipImageProcessor of llava-interleave-qwen (384 there): bicubic resize to size x size, mean = std = 0.5."""
    return SiglipImageProcessorPil(size={"height": size, "width": size}, resample=3,
                                   image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5])


def clip_vision(image_size, patch_size, hidden=32, layers=3):
    return CLIPVisionConfig(hidden_size=hidden, intermediate_size=2 * hidden, projection_dim=hidden,
                            num_hidden_layers=layers, num_attention_heads=4, image_size=image_size,
                            patch_size=patch_size, hidden_act="quick_gelu", layer_norm_eps=1e-5)


def siglip_vision(image_size, patch_size, hidden=48, layers=2):
    return SiglipVisionConfig(hidden_size=hidden, intermediate_size=2 * hidden, num_hidden_layers=layers,
                              num_attention_heads=4, image_size=image_size, patch_size=patch_size,
                              hidden_act="gelu_pytorch_tanh", layer_norm_eps=1e-6, vision_use_head=False)


def llama_text(vocab_size, tokenizer, layers, rope_theta, max_pos=256, kv_heads=2):
    return LlamaConfig(vocab_size=vocab_size, hidden_size=64, intermediate_size=128, num_hidden_layers=layers,
                       num_attention_heads=4, num_key_value_heads=kv_heads, head_dim=16, hidden_act="silu",
                       max_position_embeddings=max_pos, rms_norm_eps=1e-5,
                       rope_parameters={"rope_type": "default", "rope_theta": rope_theta},
                       tie_word_embeddings=False, bos_token_id=tokenizer.bos_token_id,
                       eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)


def qwen2_text(vocab_size, tokenizer, layers, rope_parameters, intermediate=160, kv_heads=1, max_pos=512):
    return Qwen2Config(vocab_size=vocab_size, hidden_size=64, intermediate_size=intermediate,
                       num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=kv_heads,
                       hidden_act="silu", max_position_embeddings=max_pos, rms_norm_eps=1e-6,
                       rope_parameters=rope_parameters, use_sliding_window=False, tie_word_embeddings=True,
                       bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                       pad_token_id=tokenizer.pad_token_id)


def llava_config(vision, text, tokenizer, feature_layer, strategy, tied):
    n_patches = (vision.image_size // vision.patch_size) ** 2
    return LlavaConfig(vision_config=vision, text_config=text, image_token_id=tokenizer.image_token_id,
                       vision_feature_layer=feature_layer, vision_feature_select_strategy=strategy,
                       image_seq_length=n_patches, projector_hidden_act="gelu", multimodal_projector_bias=True,
                       tie_word_embeddings=tied)


def processor(image_processor, tokenizer, vision, strategy, template):
    """LlavaProcessor: one <image> becomes (patches + CLS) - 1 copies for "default", patches for "full"."""
    return LlavaProcessor(image_processor=image_processor, tokenizer=tokenizer, patch_size=vision.patch_size,
                          vision_feature_select_strategy=strategy,
                          num_additional_image_tokens=1 if vision.model_type == "clip_vision_model" else 0,
                          chat_template=template)


def save(model, proc, out_dir, dtype, max_shard_size=None):
    """Writes the folder as transformers does: weights in `dtype` (one file, or shards of at most
    max_shard_size bytes with an index), config, generation config, processor, tokenizer, chat template."""
    if os.path.exists(out_dir):
        shutil.rmtree(out_dir)
    model = model.to(dtype)
    model.generation_config.do_sample = False
    kwargs = {"max_shard_size": max_shard_size} if max_shard_size else {}
    model.save_pretrained(out_dir, **kwargs)
    proc.save_pretrained(out_dir)
    return out_dir


def build(config, seed):
    common.seed_everything(seed)
    model = LlavaForConditionalGeneration(config).eval()
    init_test_weights(model, seed)
    return model


# ---------------------------------------------------------------------------------------------------------
# parity checkpoints (models/parity/)

def llama_clip(out_dir, seed, dtype=torch.float32):
    """llava-1.5 in small: CLIP 48 px / patch 8 (36 image tokens), 3 vision layers, LLaMA 3 layers with GQA
    (4 heads / 2 KV), RoPE base 20000 (not the default, so a decoder that ignores it fails), vocab padded past
    the tokenizer like llava-1.5's 32064."""
    tok = toks.llama_tokenizer(420)
    vision = clip_vision(48, 8)
    text = llama_text(448, tok, layers=3, rope_theta=20000.0)
    model = build(llava_config(vision, text, tok, -2, "default", tied=False), seed)
    proc = processor(clip_image_processor(48), tok, vision, "default", read_template("llava-1.5"))
    return save(model, proc, out_dir, dtype)


def qwen2_siglip(out_dir, seed):
    """llava-interleave-qwen in small, BF16 on disk in 3 shards: SigLIP 40 px / patch 8 (25 image tokens, no CLS,
    no pooling head), Qwen2 3 layers with MQA (4 heads / 1 KV), q/k/v biases, tied embeddings, RoPE base 50000
    with linear scaling factor 2 (both in rope_parameters)."""
    tok = toks.qwen2_tokenizer(420)
    vision = siglip_vision(40, 8)
    text = qwen2_text(448, tok, layers=3,
                      rope_parameters={"rope_type": "linear", "factor": 2.0, "rope_theta": 50000.0})
    model = build(llava_config(vision, text, tok, -1, "full", tied=True), seed)
    proc = processor(siglip_image_processor(40), tok, vision, "full", read_template("llava-interleave-qwen"))
    return save(model, proc, out_dir, torch.bfloat16, max_shard_size=250_000)


# ---------------------------------------------------------------------------------------------------------
# the 4.x layout

def rewrite_4x(src_dir, out_dir):
    """Copies a 5.x folder of a LLaMA-decoder LLaVA into the layout of 4.x-era hub checkpoints (llava-1.5):
    weights `vision_tower.vision_model.*` (5.x drops the `vision_model.` level; `language_model.model.*`,
    `language_model.lm_head.weight` and `multi_modal_projector.*` are the same in both), `rope_theta` (and
    `rope_scaling` when not default) at the top of text_config instead of `rope_parameters`, `torch_dtype`
    instead of `dtype`, the image settings in `preprocessor_config.json` with `processor_config.json` keeping
    only the processor's own keys, and the chat template in `chat_template.json`. Tensors keep their bytes."""
    if os.path.exists(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    weights = load_file(os.path.join(src_dir, "model.safetensors"))
    renamed = {}
    for name, tensor in weights.items():
        if name.startswith("vision_tower."):
            name = "vision_tower.vision_model." + name[len("vision_tower."):]
        elif not name.startswith(("language_model.model.", "language_model.lm_head.", "multi_modal_projector.")):
            raise SystemExit("reference harness: unexpected weight %s in %s" % (name, src_dir))
        renamed[name] = tensor
    save_file(renamed, os.path.join(out_dir, "model.safetensors"), metadata={"format": "pt"})

    config = common.read_json(os.path.join(src_dir, "config.json"))
    for part in (config, config["text_config"], config["vision_config"]):
        if "dtype" in part:
            part["torch_dtype"] = part.pop("dtype")
    text = config["text_config"]
    rope = dict(text.pop("rope_parameters"))
    text["rope_theta"] = rope.pop("rope_theta")
    text["rope_scaling"] = None if rope == {"rope_type": "default"} else dict(rope, type=rope["rope_type"])
    common.write_json(os.path.join(out_dir, "config.json"), dict(sorted(config.items())))

    processor_config = common.read_json(os.path.join(src_dir, "processor_config.json"))
    image = dict(processor_config.pop("image_processor"), processor_class="LlavaProcessor")
    common.write_json(os.path.join(out_dir, "preprocessor_config.json"), dict(sorted(image.items())))
    common.write_json(os.path.join(out_dir, "processor_config.json"), processor_config)
    with open(os.path.join(src_dir, "chat_template.jinja"), encoding="utf-8") as f:
        common.write_json(os.path.join(out_dir, "chat_template.json"), {"chat_template": f.read()})
    for name in ("generation_config.json", "tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(os.path.join(src_dir, name), os.path.join(out_dir, name))
    with open(os.path.join(out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write(COPY_4X_README % os.path.basename(os.path.normpath(src_dir)))
    return out_dir


COPY_4X_README = """# A 4.x-layout copy of %s

Written by `models/reference/vlmref/families/llava.py: rewrite_4x` (transformers 4.x cannot be installed here), not
by `save_pretrained`: the same tensor bytes, with the vision tower under `vision_tower.vision_model.*`; top-level
`rope_theta`/`rope_scaling` in `text_config` instead of `rope_parameters`; `torch_dtype` instead of `dtype`; the
image processor settings in `preprocessor_config.json`; the chat template in `chat_template.json`. transformers 5.17
loads it and gives bit-identical logits (checked by `harness.py build`); its reference dump is its source's.
"""


# ---------------------------------------------------------------------------------------------------------
# the shipped tiny models (models/): toy WordLevel tokenizer, llava-1.5 chat template

def toy_llama_clip(image_size=96, max_pos=256):
    """The architecture of tiny-llava and the bench models: CLIP d 64, 2 layers, patch 16; LLaMA d 64, 4 layers,
    4 heads / 2 KV, RoPE base 1e4, untied lm_head; vocabulary = the toy WordLevel one (60)."""
    tok = toks.toy_tokenizer()
    vision = clip_vision(image_size, 16, hidden=64, layers=2)
    text = llama_text(len(toks.TOY_VOCAB), tok, layers=4, rope_theta=10000.0, max_pos=max_pos)
    config = llava_config(vision, text, tok, -2, "default", tied=False)
    proc = processor(clip_image_processor(image_size), tok, vision, "default", read_template("llava-1.5"))
    return config, proc


def toy_qwen2_siglip():
    """tiny-llava-qwen2-siglip: SigLIP d 48, 2 layers, 64 px / patch 16; Qwen2 d 64, 3 layers, 4 heads / 1 KV,
    ff 160, RoPE base 1e4 with linear factor 2, tied, vocab 64 (4 ids past the toy tokenizer)."""
    tok = toks.toy_tokenizer()
    vision = siglip_vision(64, 16, hidden=48, layers=2)
    text = qwen2_text(64, tok, layers=3, rope_parameters={"rope_type": "linear", "factor": 2.0,
                                                          "rope_theta": 10000.0})
    config = llava_config(vision, text, tok, -1, "full", tied=True)
    proc = processor(siglip_image_processor(64), tok, vision, "full", read_template("llava-1.5"))
    return config, proc


def bench(out_dir, seed, image_size):
    config, proc = toy_llama_clip(image_size, max_pos=512 if image_size > 128 else 256)
    return save(build(config, seed), proc, out_dir, torch.float32)


def tiny_qwen2_siglip(out_dir, seed):
    config, proc = toy_qwen2_siglip()
    return save(build(config, seed), proc, out_dir, torch.bfloat16, max_shard_size=250_000)
