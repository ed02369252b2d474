"""The Idefics3 family: Idefics3 and SmolVLM (one architecture: a SigLIP tower per tile, the pixel-shuffle connector,
a Llama decoder), built with transformers' own classes and written with save_pretrained.

Each imitates its released checkpoints at a tiny scale (the real values are in the docstrings):
- images split into tiles plus a global image (longest-edge LANCZOS resize, then to multiples of the tile; tiles
  row by row, then the whole image resized to one tile), or only the global image when splitting is off;
- the prompt layout the processors build: per tile `<fake_token_around_image><row_r_col_c>` + `<image>` x N, a
  newline after each row, then `\\n<fake_token_around_image><global-img>` + `<image>` x N + `<fake_token_around_image>`;
- the released chat templates and a byte-level BPE tokenizer with the families' special tokens.
"""

import torch
from transformers import (Idefics3Config, Idefics3ForConditionalGeneration, Idefics3Processor, SmolVLMConfig,
                          SmolVLMForConditionalGeneration, SmolVLMProcessor)
# From their modules: the package-level names of these PIL processors ask for torchvision, which must not be installed.
from transformers.models.idefics3.image_processing_pil_idefics3 import Idefics3ImageProcessorPil
from transformers.models.smolvlm.image_processing_pil_smolvlm import SmolVLMImageProcessorPil

from .. import common, tokenizers_offline as toks
from .llava import read_template, save
from .qwen import build

ROW_COL = ["<row_%d_col_%d>" % (r, c) for r in range(1, 7) for c in range(1, 7)]
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|begin_of_text|>", "<end_of_utterance>",
            "<fake_token_around_image>", "<image>", "<global-img>"] + ROW_COL

# A tile is 48 pixels, 6x6 patches of 8, pixel-shuffled by 2 into 3x3 = 9 image tokens; the longest edge is resized
# to at most 3 tiles (released: 364-pixel tiles of 27x27 patches of 14 (Idefics3) or 512 of 32x32 of 16 (SmolVLM),
# shuffled by 3 or 4 into 81 or 64 tokens; longest edge 4 x 364 or 4 x 512).
TILE, PATCH, SCALE, MAX_TILES = 48, 8, 2, 3
IMAGE_SEQ_LEN = (TILE // PATCH) ** 2 // SCALE ** 2


def tokenizer():
    """Qwen2-style byte-level BPE (SmolLM2's and Llama 3's tokenizers are byte-level BPEs) with the families' special
    tokens after the vocabulary; eos <end_of_utterance>, as the Instruct checkpoints end a turn."""
    tok = toks.qwen2_tokenizer(420, specials=SPECIALS, extra_special_tokens={})
    tok.eos_token = "<end_of_utterance>"
    return tok


def text_config(tok):
    """Llama: hidden 64, 3 layers, 4 heads / 2 KV (head dim 16), ff 128, RoPE base 1e5."""
    return dict(model_type="llama", vocab_size=480, hidden_size=64, intermediate_size=128, num_hidden_layers=3,
                num_attention_heads=4, num_key_value_heads=2, hidden_act="silu", rms_norm_eps=1e-5,
                max_position_embeddings=1024, rope_parameters={"rope_type": "default", "rope_theta": 1e5},
                eos_token_id=tok.convert_tokens_to_ids("<end_of_utterance>"),
                pad_token_id=tok.convert_tokens_to_ids("<|endoftext|>"), bos_token_id=None)


def vision_config():
    """SigLIP: hidden 32, 2 layers, 4 heads, MLP 64, 48-pixel tiles of 8-pixel patches."""
    return dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                image_size=TILE, patch_size=PATCH)


def write(out_dir, seed, family, split, tied, dtype, max_shard_size=None):
    """One checkpoint of the family: its config and model class, its PIL image processor (splitting on or off),
    processor and released chat template. family is (config, model, image processor, processor classes, template)."""
    config_class, model_class, image_processor_class, processor_class, template = family
    common.image_only_processors()
    tok = tokenizer()
    config = config_class(text_config=text_config(tok), vision_config=vision_config(), scale_factor=SCALE,
                          image_token_id=tok.convert_tokens_to_ids("<image>"), tie_word_embeddings=tied,
                          pad_token_id=tok.convert_tokens_to_ids("<|endoftext|>"))
    model = build(model_class, config, seed)
    image_processor = image_processor_class(do_resize=True, size={"longest_edge": MAX_TILES * TILE},
                                            max_image_size={"longest_edge": TILE}, do_image_splitting=split,
                                            resample=1, image_mean=[0.5] * 3, image_std=[0.5] * 3)
    proc = processor_class(image_processor=image_processor, tokenizer=tok, image_seq_len=IMAGE_SEQ_LEN,
                           chat_template=read_template(template))
    return save(model, proc, out_dir, dtype, max_shard_size)


SMOLVLM = (SmolVLMConfig, SmolVLMForConditionalGeneration, SmolVLMImageProcessorPil, SmolVLMProcessor, "smolvlm")
IDEFICS3 = (Idefics3Config, Idefics3ForConditionalGeneration, Idefics3ImageProcessorPil, Idefics3Processor, "idefics3")


def smolvlm(out_dir, seed):
    """SmolVLM with image splitting, F32, untied (released SmolVLM-256M: 512-pixel tiles, 64 tokens each)."""
    return write(out_dir, seed, SMOLVLM, split=True, tied=False, dtype=torch.float32)


def idefics3(out_dir, seed):
    """Idefics3 without image splitting (only the global image), BF16 in shards, tied embeddings."""
    return write(out_dir, seed, IDEFICS3, split=False, tied=True, dtype=torch.bfloat16, max_shard_size=150_000)
