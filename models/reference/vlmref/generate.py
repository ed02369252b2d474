"""transformers' own greedy generate, timed pair by pair, for `./submit.sh bench vs-transformers`.

The model is loaded as a user loads it (AutoModelForImageTextToText in float32, transformers' default attention
implementation) with its processor (PIL image processor; `max_pixels` replaces the processor's upper pixel bound as
the job's --max-pixels does); each pair is the user turn of dump.prepare; the first pair is a warm-up, untimed.
Output: one JSON object with the load time, the attention implementation, and per pair its generated token ids,
its prompt length, the wall seconds of the processor (image loaded from its path, chat template, tokenizer, image
preprocessing) and those of `model.generate(**inputs, max_new_tokens=N, do_sample=False)` (vision tower included).
"""

import os
import time

import torch

from . import common, dump


def run(model_dir, manifest, out_json, max_new_tokens, max_pixels=None):
    start = time.time()
    model, processor = dump.load(model_dir, attn_implementation=None)
    load_s = time.time() - start
    if max_pixels is not None:
        image_processor = processor.image_processor
        image_processor.size = dict(image_processor.size, longest_edge=max_pixels)
        if hasattr(image_processor, "max_pixels"):
            image_processor.max_pixels = max_pixels
    base = os.path.dirname(os.path.abspath(manifest))
    pairs = []
    with torch.inference_mode():
        for i, row in enumerate(common.read_manifest(manifest)):
            t0 = time.perf_counter()
            _, inputs = dump.prepare(processor, os.path.join(base, row["image"]), row["question"])
            t1 = time.perf_counter()
            out = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False)
            t2 = time.perf_counter()
            prompt = inputs["input_ids"].shape[1]
            pairs.append({"pair_id": row["pair_id"], "prompt_tokens": prompt, "generated": out[0, prompt:].tolist(),
                          "prepare_seconds": t1 - t0, "generate_seconds": t2 - t1, "warm_up": i == 0})
    common.write_json(out_json, {"transformers": common.TRANSFORMERS_VERSION, "torch": torch.__version__,
                                 "threads": torch.get_num_threads(),
                                 "attn_implementation": model.config._attn_implementation,
                                 "load_seconds": load_s, "pairs": pairs})
