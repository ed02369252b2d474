"""Gemma 3 (image-text-to-text), built with transformers' own classes and written with save_pretrained.

It imitates gemma-3-4b-it at a tiny scale (the real values are in the docstrings):
- a SigLIP tower whose last hidden state is average-pooled to a square of tokens, normalized (Gemma's RMSNorm,
  x (1 + w)) and projected; text embeddings scaled by sqrt(hidden); the image features scattered in unscaled;
- decoder layers with sandwich norms, q/k norms, query_pre_attn_scalar, local (sliding-window) and global layers
  with their own RoPE (global: linear scaling, as the 4B's x8);
- bidirectional attention among one image's tokens during the prefill (the processor's token_type_ids);
- the released chat template and a Gemma-style BPE tokenizer (byte fallback) with Gemma's special tokens.

Pan and scan: Gemma3Processor's call defaults (`do_pan_and_scan: False`) override the image processor's saved
setting, so a processor called as the harness (and transformers' own examples) call it never makes crops; the
BF16 checkpoint saves `do_pan_and_scan: true` to show that the engine follows the processor there.
"""

import torch
from transformers import Gemma3Config, Gemma3ForConditionalGeneration, Gemma3Processor
from transformers.models.gemma3.image_processing_pil_gemma3 import Gemma3ImageProcessorPil

from .. import common, tokenizers_offline as toks
from .llava import read_template, save
from .qwen import build

SPECIALS = ["<start_of_turn>", "<end_of_turn>", "<start_of_image>", "<end_of_image>", "<image_soft_token>"]
# Vision: 32-pixel images, 8x8 patches of 4, pooled 2x2 into 4x4 = 16 image tokens (4B: 896 pixels, 64x64 patches
# of 14, pooled 4x4 into 256 tokens).
IMAGE, PATCH, TOKENS = 32, 4, 16


def tokenizer():
    return toks.gemma_tokenizer(420, SPECIALS, {"boi_token": "<start_of_image>", "eoi_token": "<end_of_image>",
                                                "image_token": "<image_soft_token>"})


def config(tok, layer_types, sliding_window):
    """Text: hidden 64, 4 heads / 2 KV of head dim 16, query_pre_attn_scalar 24 (another value than head_dim, so
    that the scale is the config's), ff 128, gelu_tanh; global layers RoPE 1e6 with linear scaling x8 (as the 4B),
    local layers 1e4; stops at <eos> and <end_of_turn> (4B: 34 layers, every 6th global, window 1024, hidden 2560,
    8 heads / 4 KV of 256, query_pre_attn_scalar 256). Vision: SigLIP hidden 32, 2 layers, 4 heads, MLP 64."""
    ids = tok.convert_tokens_to_ids
    text = dict(vocab_size=448, hidden_size=64, intermediate_size=128, num_hidden_layers=len(layer_types),
                num_attention_heads=4, num_key_value_heads=2, head_dim=16, query_pre_attn_scalar=24,
                hidden_activation="gelu_pytorch_tanh", rms_norm_eps=1e-6, max_position_embeddings=1024,
                layer_types=layer_types, sliding_window=sliding_window,
                rope_parameters={"full_attention": {"rope_type": "linear", "factor": 8.0, "rope_theta": 1e6},
                                 "sliding_attention": {"rope_type": "default", "rope_theta": 1e4}},
                eos_token_id=[ids("<eos>"), ids("<end_of_turn>")], pad_token_id=ids("<pad>"), bos_token_id=ids("<bos>"))
    vision = dict(model_type="siglip_vision_model", hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                  num_attention_heads=4, image_size=IMAGE, patch_size=PATCH, vision_use_head=False)
    return Gemma3Config(text_config=text, vision_config=vision, mm_tokens_per_image=TOKENS,
                        boi_token_index=ids("<start_of_image>"), eoi_token_index=ids("<end_of_image>"),
                        image_token_index=ids("<image_soft_token>"), tie_word_embeddings=True)


def gemma3(out_dir, seed, dtype=torch.float32, pan_and_scan=False, max_shard_size=None):
    """Layers [local, global, local, local] with a window of 12 tokens, so that the image's 16 tokens and the
    question lie partly outside it; tied embeddings as released. With pan_and_scan the saved image processor asks
    for crops (2 of at least 8 pixels from aspect ratio 1.2), which the processor's call defaults turn off."""
    common.image_only_processors()
    tok = tokenizer()
    cfg = config(tok, ["sliding_attention", "full_attention", "sliding_attention", "sliding_attention"], 12)
    model = build(Gemma3ForConditionalGeneration, cfg, seed)
    scan = dict(do_pan_and_scan=True, pan_and_scan_min_crop_size=8, pan_and_scan_max_num_crops=2,
                pan_and_scan_min_ratio_to_activate=1.2) if pan_and_scan else {}
    image_processor = Gemma3ImageProcessorPil(size={"height": IMAGE, "width": IMAGE}, resample=2,
                                              image_mean=[0.5] * 3, image_std=[0.5] * 3, **scan)
    proc = Gemma3Processor(image_processor=image_processor, tokenizer=tok, image_seq_length=TOKENS,
                           chat_template=read_template("gemma-3"))
    return save(model, proc, out_dir, dtype, max_shard_size)
