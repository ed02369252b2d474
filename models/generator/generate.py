#!/usr/bin/python3
"""Regenerates every shipped tiny checkpoint and the Java reference fixtures, from scratch, with fixed seeds.

    /usr/bin/python3 models/generator/generate.py            # everything (trains tiny-llava)
    /usr/bin/python3 models/generator/generate.py --no-train # keep models/tiny-llava's weights, redo the rest

Needs Debian's python3-torch, python3-numpy, python3-pil and a JDK (javac/java) on PATH. See README.md.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402

import checkpoints as C  # noqa: E402
import fixtures  # noqa: E402
import hf_files as H  # noqa: E402
import modeling  # noqa: E402
import toy  # noqa: E402
import train  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
MODELS = os.path.join(REPO, "models")
FIXTURES = os.path.join(REPO, "job", "src", "test", "resources", "fixtures")

TRAIN_SEED, TRAIN_N = 1, 40000
HELDOUT_SEED, HELDOUT_N = 2, 300
FIXTURE_SEED = 3


def log(*a):
    print(*a, flush=True)


def write_tiny_llava(model, cfg, report):
    d = os.path.join(MODELS, "tiny-llava")
    if os.path.exists(d):
        shutil.rmtree(d)
    C.write_common(d, cfg, H.clip_preprocessor_config(96), {
        "image_token": H.IMAGE_TOKEN, "num_additional_image_tokens": 1, "patch_size": 16,
        "processor_class": "LlavaProcessor", "vision_feature_select_strategy": "default"})
    C.save_fp32_single(model, d)
    H.write_json(os.path.join(d, "training_report.json"), report)
    return d


def write_qwen2_siglip():
    cfg = C.qwen2_siglip_config()
    model = C.build(cfg)
    C.init_random(model, seed=11)
    d = os.path.join(MODELS, "tiny-llava-qwen2-siglip")
    if os.path.exists(d):
        shutil.rmtree(d)
    C.write_common(d, cfg, H.siglip_preprocessor_config(64), {
        "image_token": H.IMAGE_TOKEN, "num_additional_image_tokens": 0, "patch_size": 16,
        "processor_class": "LlavaProcessor", "vision_feature_select_strategy": "full"})
    C.save_bf16_sharded(model, d, tied=True)
    return d


def write_bench(name, image_size, seed):
    cfg = C.tiny_llava_config(image_size=image_size, max_pos=512 if image_size > 128 else 256)
    model = C.build(cfg)
    C.init_random(model, seed=seed)
    d = os.path.join(MODELS, name)
    if os.path.exists(d):
        shutil.rmtree(d)
    C.write_common(d, cfg, H.clip_preprocessor_config(image_size), {
        "image_token": H.IMAGE_TOKEN, "num_additional_image_tokens": 1, "patch_size": 16,
        "processor_class": "LlavaProcessor", "vision_feature_select_strategy": "default"})
    C.save_fp32_single(model, d)
    return d


def check_roundtrip(model, model_dir, cfg):
    """The files on disk give the same forward as the in-memory model (BF16: after rounding)."""
    loaded = C.load_into(C.build(cfg), model_dir)
    n_img = cfg["image_seq_length"]
    ids = torch.tensor([toy.prompt_ids("what colour is the circle?", n_img)])
    size = cfg["vision_config"]["image_size"]
    px = torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(0))
    ref = model.to(torch.float32)
    if cfg["torch_dtype"] == "bfloat16":
        with torch.no_grad():
            for p in ref.parameters():
                p.copy_(p.to(torch.bfloat16).to(torch.float32))
    with torch.no_grad():
        diff = (loaded(ids, px) - ref(ids, px)).abs().max().item()
    assert diff == 0.0, "round trip of %s differs by %g" % (model_dir, diff)


def check_template():
    """Renders the chat template with jinja2 configured as transformers does, if jinja2 is importable."""
    try:
        from jinja2.sandbox import ImmutableSandboxedEnvironment
    except ImportError:
        return "skipped (no jinja2 for this python)"
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    tpl = env.from_string(H.CHAT_TEMPLATE)
    q = "what colour is the circle?"
    got = tpl.render(messages=[{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": q}]}],
                     add_generation_prompt=True)
    assert got == H.render_prompt(q), repr(got)
    return "ok"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-train", action="store_true", help="reuse models/tiny-llava/model.safetensors")
    ap.add_argument("--steps", type=int, default=train.DEFAULT_STEPS)
    ap.add_argument("--work", default=None, help="scratch dir for the toy data (default: a temp dir)")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch intra-op threads (1 is faster on a busy 2-core machine; 2 helps when idle)")
    args = ap.parse_args()

    t_all = time.time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    work = args.work or tempfile.mkdtemp(prefix="mask-impact-gen-")
    if args.work is None:
        import atexit
        atexit.register(shutil.rmtree, work, True)
    os.makedirs(work, exist_ok=True)
    log("work dir:", work)
    log("chat template check:", check_template())

    t = time.time()
    heldout = toy.load_split(HELDOUT_SEED, HELDOUT_N, work)
    fx = toy.load_split(FIXTURE_SEED, 3, work)
    log("toy data (held-out, fixtures) in %.0fs" % (time.time() - t))

    cfg = C.tiny_llava_config()
    if args.no_train:
        model = C.load_into(C.build(cfg), os.path.join(MODELS, "tiny-llava"))
        with open(os.path.join(MODELS, "tiny-llava", "training_report.json")) as f:
            report = json.load(f)
    else:
        t = time.time()
        train_set = toy.load_split(TRAIN_SEED, TRAIN_N, work)
        log("toy training data: %d pairs in %.0fs" % (TRAIN_N, time.time() - t))
        model = C.build(cfg)
        train.init_hf_like(model, seed=0)
        t = time.time()
        train.train(model, train_set, args.steps, seed=0)
        train_s = time.time() - t
        del train_set
        acc = train.accuracy(model, heldout)
        val = train.validity(model, heldout)
        report = {
            "task": "ToyData: 'what colour is the <shape>?' -> 'it is <colour>'",
            "train_data": {"toydata_seed": TRAIN_SEED, "pairs": TRAIN_N},
            "heldout_data": {"toydata_seed": HELDOUT_SEED, "pairs": HELDOUT_N},
            "training": dict(train.HYPERPARAMS, steps=args.steps, seconds=round(train_s),
                             threads=args.threads),
            "heldout_exact_match": {"correct": acc[0], "total": acc[1]},
            "validity_top3": {
                "definition": "step predicting the colour word (prompt + 'it is'); per vision token p, sum over "
                              "decoder layers of ||attn_out - attn_out(p's key masked at that layer only)|| "
                              "at the final position (after o_proj); hit = target cell in the top 3 of 36",
                "hits": val[0], "total": val[1], "top1": val[2].count(0),
                "rank_histogram": [val[2].count(k) for k in range(36)],
            },
        }
        log("held-out exact match: %d/%d; validity top-3: %d/%d, top-1: %d/%d" % (
            acc[0], acc[1], val[0], val[1], val[2].count(0), val[1]))
    d = write_tiny_llava(model, cfg, report)
    check_roundtrip(model, d, cfg)
    log("wrote", d)

    d2 = write_qwen2_siglip()
    check_roundtrip(C.load_into(C.build(C.qwen2_siglip_config()), d2), d2, C.qwen2_siglip_config())
    log("wrote", d2)
    for name, size, seed in [("bench-grid4", 64, 12), ("bench-grid16", 256, 13)]:
        log("wrote", write_bench(name, size, seed))

    # fixtures: three toy images of FIXTURE_SEED; the third question has unknown words and a comma
    rows = fx["rows"]
    inputs = [(os.path.join(fx["dir"], rows[0]["image"]), rows[0]["question"]),
              (os.path.join(fx["dir"], rows[1]["image"]), rows[1]["question"]),
              (os.path.join(fx["dir"], rows[2]["image"]), "What colour is the circle, please?")]
    m1 = fixtures.write(os.path.join(MODELS, "tiny-llava"), "tiny-llava", os.path.join(FIXTURES, "tiny-llava"),
                        inputs, lambda img: H.preprocess_clip(img, 96), 36, REPO)
    m2 = fixtures.write(os.path.join(MODELS, "tiny-llava-qwen2-siglip"), "tiny-llava-qwen2-siglip",
                        os.path.join(FIXTURES, "tiny-llava-qwen2-siglip"), inputs,
                        lambda img: H.preprocess_siglip(img, 64), 16, REPO)
    for m in (m1, m2):
        for inp in m["inputs"]:
            log("fixture %s #%d: %r -> %r" % (m["model_name"], inp["index"], inp["question"], inp["decoded_answer"]))
    log("total %.0fs" % (time.time() - t_all))


if __name__ == "__main__":
    main()
