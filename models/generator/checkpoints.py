"""Configs and checkpoint writers for the shipped models."""

import json
import os

import torch

import hf_files as H
from modeling import LlavaModel

OLD_TRANSFORMERS = "4.46.3"  # last layout with language_model.model.* keys
NEW_TRANSFORMERS = "4.56.1"  # model.language_model.* keys


def llama_text_config(max_pos=256):
    return {
        "model_type": "llama",
        "architectures": ["LlamaForCausalLM"],
        "vocab_size": len(H.VOCAB),
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "hidden_act": "silu",
        "max_position_embeddings": max_pos,
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        "rope_scaling": None,
        "attention_bias": False,
        "mlp_bias": False,
        "attention_dropout": 0.0,
        "pretraining_tp": 1,
        "initializer_range": 0.02,
        "tie_word_embeddings": False,
        "use_cache": True,
        "bos_token_id": H.BOS_ID,
        "eos_token_id": H.EOS_ID,
        "pad_token_id": H.PAD_ID,
        "torch_dtype": "float32",
    }


def clip_vision_config(image_size, layers=2):
    return {
        "model_type": "clip_vision_model",
        "hidden_size": 64,
        "intermediate_size": 128,
        "projection_dim": 64,
        "num_hidden_layers": layers,
        "num_attention_heads": 4,
        "image_size": image_size,
        "patch_size": 16,
        "num_channels": 3,
        "hidden_act": "quick_gelu",
        "layer_norm_eps": 1e-5,
        "attention_dropout": 0.0,
        "initializer_factor": 1.0,
        "initializer_range": 0.02,
        "torch_dtype": "float32",
    }


def tiny_llava_config(image_size=96, vision_layers=2, max_pos=256):
    n_img = (image_size // 16) ** 2
    return {
        "architectures": ["LlavaForConditionalGeneration"],
        "model_type": "llava",
        "ignore_index": -100,
        "image_token_index": H.IMAGE_ID,
        "image_token_id": H.IMAGE_ID,
        "image_seq_length": n_img,
        "projector_hidden_act": "gelu",
        "multimodal_projector_bias": True,
        "vision_feature_layer": -2,
        "vision_feature_select_strategy": "default",
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
        "transformers_version": OLD_TRANSFORMERS,
        "vision_config": clip_vision_config(image_size, vision_layers),
        "text_config": llama_text_config(max_pos),
    }


QWEN2_VOCAB = 64  # > tokenizer size (padded, like real Qwen2 checkpoints): ids >= len(VOCAB) have no token


def qwen2_siglip_config():
    return {
        "architectures": ["LlavaForConditionalGeneration"],
        "model_type": "llava",
        "ignore_index": -100,
        "image_token_id": H.IMAGE_ID,
        "image_seq_length": 16,
        "projector_hidden_act": "gelu",
        "multimodal_projector_bias": True,
        "vision_feature_layer": -1,
        "vision_feature_select_strategy": "full",
        "tie_word_embeddings": True,
        "torch_dtype": "bfloat16",
        "transformers_version": NEW_TRANSFORMERS,
        "vision_config": {
            "model_type": "siglip_vision_model",
            "hidden_size": 48,
            "intermediate_size": 96,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "image_size": 64,
            "patch_size": 16,
            "num_channels": 3,
            "hidden_act": "gelu_pytorch_tanh",
            "layer_norm_eps": 1e-6,
            "attention_dropout": 0.0,
            "vision_use_head": False,
            "torch_dtype": "bfloat16",
        },
        "text_config": {
            "model_type": "qwen2",
            "architectures": ["Qwen2ForCausalLM"],
            "vocab_size": QWEN2_VOCAB,
            "hidden_size": 64,
            "intermediate_size": 160,
            "num_hidden_layers": 3,
            "num_attention_heads": 4,
            "num_key_value_heads": 1,
            "hidden_act": "silu",
            "max_position_embeddings": 512,
            "rms_norm_eps": 1e-6,
            "rope_theta": 10000.0,
            "rope_scaling": {"type": "linear", "rope_type": "linear", "factor": 2.0},
            "use_sliding_window": False,
            "sliding_window": None,
            "max_window_layers": 3,
            "attention_dropout": 0.0,
            "initializer_range": 0.02,
            "tie_word_embeddings": True,
            "use_cache": True,
            "bos_token_id": H.BOS_ID,
            "eos_token_id": H.EOS_ID,
            "pad_token_id": H.PAD_ID,
            "torch_dtype": "bfloat16",
        },
    }


def build(cfg):
    return LlavaModel(cfg).eval()


def init_random(model, seed):
    """Random weights at a scale that makes attention non-uniform and every weight matter (for tests):
    weights N(0, (1.5 / sqrt(fan_in))^2), biases N(0, 0.05^2), norm weights 1 + N(0, 0.1^2), LayerNorm
    biases N(0, 0.05^2), token embeddings N(0, 1), position/class embeddings N(0, 0.5^2)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            r = torch.randn(p.shape, generator=g)
            if "norm" in name or "layrnorm" in name:
                p.copy_(1.0 + 0.1 * r if name.endswith("weight") else 0.05 * r)
            elif name.endswith("bias"):
                p.copy_(0.05 * r)
            elif "embed_tokens" in name:
                p.copy_(r)
            elif "position_embedding" in name or "class_embedding" in name:
                p.copy_(0.5 * r)
            else:
                fan_in = p[0].numel()
                p.copy_(r * (1.5 / fan_in ** 0.5))


def old_layout(sd):
    return dict(sd)


def new_layout(sd, tied):
    out = {}
    for k, v in sd.items():
        if k.startswith("language_model.model."):
            nk = "model.language_model." + k[len("language_model.model."):]
        elif k.startswith("language_model.lm_head."):
            if tied:
                continue
            nk = "lm_head." + k[len("language_model.lm_head."):]
        elif k.startswith("vision_tower.") or k.startswith("multi_modal_projector."):
            nk = "model." + k
        else:
            raise KeyError(k)
        out[nk] = v
    return out


def state_dict_for_save(model, vision_unused_ok=True):
    sd = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    return sd


def write_common(model_dir, cfg, preprocessor, processor):
    os.makedirs(model_dir, exist_ok=True)
    H.write_json(os.path.join(model_dir, "config.json"), cfg)
    tc = cfg["text_config"]
    H.write_json(os.path.join(model_dir, "generation_config.json"), {
        "_from_model_config": True, "bos_token_id": H.BOS_ID, "eos_token_id": H.EOS_ID, "pad_token_id": H.PAD_ID,
        "transformers_version": cfg["transformers_version"]})
    H.write_tokenizer_files(model_dir, tc["max_position_embeddings"])
    H.write_json(os.path.join(model_dir, "preprocessor_config.json"), preprocessor)
    H.write_json(os.path.join(model_dir, "processor_config.json"), processor)


def save_fp32_single(model, model_dir):
    sd = state_dict_for_save(model)
    H.save_safetensors(os.path.join(model_dir, "model.safetensors"), sd)


def save_bf16_sharded(model, model_dir, tied):
    """NEW layout, BF16, two shards + model.safetensors.index.json (vision+projector+embeddings in shard 1,
    decoder layers and norm in shard 2)."""
    sd = new_layout(state_dict_for_save(model), tied)
    sd = {k: v.to(torch.bfloat16) for k, v in sd.items()}
    s1 = {k: v for k, v in sd.items() if not k.startswith("model.language_model.layers.")
          and k != "model.language_model.norm.weight"}
    s2 = {k: v for k, v in sd.items() if k not in s1}
    names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    total = 0
    weight_map = {}
    for name, part in zip(names, [s1, s2]):
        total += H.save_safetensors(os.path.join(model_dir, name), part)
        for k in part:
            weight_map[k] = name
    H.write_json(os.path.join(model_dir, "model.safetensors.index.json"),
                 {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))})


def load_into(model, model_dir):
    """Loads a directory written above back into a LlavaModel (either layout, F32 or BF16 widened to F32)."""
    idx = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(idx):
        with open(idx) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    sd = {}
    for f in files:
        sd.update(H.load_safetensors(os.path.join(model_dir, f)))
    out = {}
    for k, v in sd.items():
        if k.startswith("model.language_model."):
            k = "language_model.model." + k[len("model.language_model."):]
        elif k.startswith("model."):
            k = k[len("model."):]
        elif k.startswith("lm_head."):
            k = "language_model." + k
        out[k] = v.to(torch.float32)
    missing, unexpected = model.load_state_dict(out, strict=False)
    if unexpected or [m for m in missing if "lm_head" not in m or not model.language_model.tied]:
        raise RuntimeError("load mismatch: missing %s unexpected %s" % (missing, unexpected))
    return model
