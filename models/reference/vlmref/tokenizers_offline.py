"""Tokenizers built offline with the `tokenizers` library, close to the real families' ones, and wrapped in
the transformers tokenizer class each family uses (so that `save_pretrained` writes what transformers would).

- Llama (llava-1.5): SentencePiece-style BPE: Metaspace "▁", byte fallback over <0x00>..<0xFF>, <unk> <s> </s>,
  <s> prepended; trained here, then handed to transformers' LlamaTokenizer, which defines the pipeline.
- Qwen2 (llava-interleave-qwen): byte-level BPE with Qwen2's split regex and NFC; <|endoftext|>, <|im_start|>,
  <|im_end|>; no BOS; handed to transformers' Qwen2Tokenizer.
- Toy: the WordLevel vocabulary of the toy task (60 tokens), for the shipped tiny models.
"""

import json

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import GemmaTokenizer, LlamaTokenizer, PreTrainedTokenizerFast, Qwen2Tokenizer
from transformers.models.qwen2.tokenization_qwen2 import PRETOKENIZE_REGEX

IMAGE_TOKEN = "<image>"

# Text the BPE tokenizers are trained on: the words of the chat templates, the parity questions and some plain
# sentences. The emoji of the non-ASCII question is left out on purpose: a character the training never saw goes
# through byte fallback (Llama) or stays as raw bytes (Qwen2), as rare characters do in the real tokenizers.
CORPUS_LINES = [
    "USER: ASSISTANT: user assistant system",
    "You are a helpful assistant.",
    "What is in the image?",
    "Describe the picture in one word.",
    "Décris l'image, s'il te plaît : Größe über 中文",
    "How many shapes are there?",
    "What colour is the circle? What color is the square? It is red, green, blue or yellow.",
    "Is it red or blue?  Answer with one word.",
    "Say \"hi\" {twice} \\ please.",
    "The quick brown fox jumps over the lazy dog. A picture of a cat on a mat.",
    "There is a small grey square at the top left and a large white circle in the middle.",
    "über über Größe Größe été café naïve 中文 中文 文字 图片",
]


def _bpe_vocab_and_merges(tokenizer):
    model = json.loads(tokenizer.to_str())["model"]
    return model["vocab"], [tuple(m) for m in model["merges"]]


def _append(vocab, tokens):
    """Gives `tokens` the ids right after the vocabulary, in this order (the class would otherwise add its own
    special tokens first, in another order than the released tokenizer's)."""
    for token in tokens:
        vocab[token] = len(vocab)
    return tokens


def llama_tokenizer(vocab_size, repeat=20):
    """A LlamaTokenizer over a BPE trained on CORPUS_LINES (repeated so that merges have counts >= 2):
    ids 0..2 = <unk> <s> </s>, 3..258 = the byte-fallback tokens, then the alphabet and merges; <image>
    and <pad> are added after the vocabulary, as in llava-1.5 (32000, 32001)."""
    specials = ["<unk>", "<s>", "</s>"] + ["<0x%02X>" % b for b in range(256)]
    bpe = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False)
    bpe.train_from_iterator(CORPUS_LINES * repeat, trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=specials, show_progress=False, min_frequency=2))
    vocab, merges = _bpe_vocab_and_merges(bpe)
    added = _append(vocab, [IMAGE_TOKEN, "<pad>"])
    tok = LlamaTokenizer(vocab=vocab, merges=merges, add_bos_token=True, add_eos_token=False, legacy=False,
                         pad_token="<pad>", extra_special_tokens={"image_token": IMAGE_TOKEN})
    tok.add_tokens(added, special_tokens=True)
    return tok


LLAVA_QWEN_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", IMAGE_TOKEN]


def qwen2_tokenizer(vocab_size, repeat=20, specials=LLAVA_QWEN_SPECIALS, extra_special_tokens=None,
                    corpus=CORPUS_LINES):
    """A Qwen2Tokenizer over a byte-level BPE trained on `corpus` with Qwen2's pre-tokenizer; the special
    tokens follow the vocabulary in the given order: by default <|endoftext|> <|im_start|> <|im_end|> <image>, as
    in Qwen2 (151643..) and llava-interleave-qwen (<image> 151646, also named the tokenizer's image_token)."""
    if extra_special_tokens is None:
        extra_special_tokens = {"image_token": IMAGE_TOKEN} if IMAGE_TOKEN in specials else {}
    bpe = Tokenizer(models.BPE())
    bpe.normalizer = normalizers.NFC()
    bpe.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    bpe.train_from_iterator(corpus * repeat, trainers.BpeTrainer(
        vocab_size=vocab_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False,
        min_frequency=2))
    vocab, merges = _bpe_vocab_and_merges(bpe)
    added = _append(vocab, list(specials))
    tok = Qwen2Tokenizer(vocab=vocab, merges=merges, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                         unk_token=None, extra_special_tokens=extra_special_tokens)
    tok.add_tokens(added, special_tokens=True)
    return tok

# The toy task's sentences, added to CORPUS_LINES for the toy Qwen-VL tokenizer, so that every word of its questions
# and answers is one token (as in the WordLevel vocabulary below): all its prompts then have one length, and the
# colour is one token predicted at one position.
TOY_CORPUS_LINES = CORPUS_LINES + ["what colour is the %s? it is %s" % (shape, colour)
                                   for shape in ("circle", "square", "triangle")
                                   for colour in ("red", "green", "blue", "yellow")] * 10

# ---------------------------------------------------------------------------------------------------------
# The toy task's WordLevel tokenizer (kept from the first generator: the trained tiny-llava depends on its ids)

TOY_SPECIALS = ["<unk>", "<s>", "</s>", "<pad>"]
TOY_WORDS = [
    # chat template and punctuation
    "USER", "ASSISTANT", ":", "?", ".", ",", "!", "'",
    # the task
    "what", "colour", "is", "the", "it", "circle", "square", "triangle", "red", "green", "blue", "yellow",
    # extra common words so that the vocabulary is not exactly the task
    "color", "a", "an", "of", "in", "on", "and", "this", "that", "there", "which", "where", "how", "many",
    "shape", "shapes", "image", "picture", "cell", "left", "right", "top", "bottom", "black", "white",
    "orange", "purple", "star", "yes", "no", "i", "see", "describe", "are", "at",
]
TOY_VOCAB = TOY_SPECIALS + TOY_WORDS + [IMAGE_TOKEN]
TOY_BOS, TOY_EOS, TOY_PAD = 1, 2, 3
TOY_IMAGE_ID = TOY_VOCAB.index(IMAGE_TOKEN)


def toy_tokenizer():
    """WordLevel over TOY_VOCAB with the Whitespace pre-tokenizer (\\w+|[^\\w\\s]+), <s> prepended."""
    wl = Tokenizer(models.WordLevel({t: i for i, t in enumerate(TOY_VOCAB)}, unk_token="<unk>"))
    wl.pre_tokenizer = pre_tokenizers.Whitespace()
    wl.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B",
                                                      special_tokens=[("<s>", TOY_BOS)])
    wl.decoder = decoders.WordPiece(prefix="##", cleanup=False)  # joins words with single spaces
    wl.add_special_tokens(TOY_SPECIALS + [IMAGE_TOKEN])
    return PreTrainedTokenizerFast(tokenizer_object=wl, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>", extra_special_tokens={"image_token": IMAGE_TOKEN},
                                   padding_side="left")


GEMMA_SPECIALS = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>"]


def gemma_tokenizer(vocab_size, specials, extra_special_tokens, repeat=20):
    """A GemmaTokenizer over a BPE trained on CORPUS_LINES as Gemma's pipeline splits text (spaces replaced by "▁",
    split after each), byte fallback over <0x00>..<0xFF>: ids 0..4 = <pad> <eos> <bos> <unk> <mask> as in Gemma,
    then the byte tokens, the alphabet and merges; `specials` follow the vocabulary (special tokens), named in
    `extra_special_tokens` as the released tokenizer names them (boi_token, eoi_token, image_token)."""
    bpe = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    bpe.normalizer = normalizers.Replace(" ", "▁")
    bpe.pre_tokenizer = pre_tokenizers.Split(pattern="▁", behavior="merged_with_previous", invert=False)
    bpe.train_from_iterator(CORPUS_LINES * repeat, trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=GEMMA_SPECIALS + ["<0x%02X>" % b for b in range(256)],
        show_progress=False, min_frequency=2))
    vocab, merges = _bpe_vocab_and_merges(bpe)
    added = _append(vocab, list(specials))
    tok = GemmaTokenizer(vocab=vocab, merges=merges, extra_special_tokens=extra_special_tokens)
    tok.add_tokens(added, special_tokens=True)
    return tok
