#!/usr/bin/env python3
"""The transformers reference harness (see README.md). Run it with the harness's venv python:

    PY=models/reference/.venv/bin/python
    $PY models/reference/harness.py pairs           # parity images and manifests (models/reference/pairs/)
    $PY models/reference/harness.py build [NAME..]  # tiny checkpoints (models/parity/*, models/*)
    $PY models/reference/harness.py train [--model tiny-qwen3-vl]
                                                    # retrains models/tiny-llava (or tiny-qwen3-vl) on the toy task
    $PY models/reference/harness.py dump [NAME..]   # reference dumps (job/src/test/resources/parity/*)
    $PY models/reference/harness.py all             # pairs + build + dump (everything but training)
    $PY models/reference/harness.py check           # regenerates everything in a temp folder and compares
    $PY models/reference/harness.py reference --model DIR --manifest M --out OUT [--pairs N]
                                                    # the dump of any checkpoint (what ./submit.sh parity runs)
    $PY models/reference/harness.py generate --model DIR --manifest M --out JSON [--threads T --max-pixels N]
                                                    # transformers' generate timed (./submit.sh bench vs-transformers)
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from vlmref import common  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("pairs", help="write the parity images and manifests").add_argument("--threads", type=int, default=1)
    for name in ("build", "dump", "all"):
        p = sub.add_parser(name)
        if name != "all":
            p.add_argument("names", nargs="*", help="checkpoints (default: all)")
        p.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    t = sub.add_parser("train", help="retrain a shipped toy model")
    t.add_argument("--model", default="tiny-llava", choices=["tiny-llava", "tiny-qwen3-vl"])
    t.add_argument("--steps", type=int, default=900)
    t.add_argument("--threads", type=int, default=1)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--work", help="folder for the toy data, kept and reused (default: a temporary one)")
    c = sub.add_parser("check", help="regenerate into a temp folder and compare with the committed files")
    c.add_argument("--with-training", action="store_true", help="also retrain tiny-llava and compare its weights")
    c.add_argument("--threads", type=int, default=1)
    r = sub.add_parser("reference", help="the reference dump of any checkpoint, for ./submit.sh parity")
    r.add_argument("--model", required=True, help="a Hugging Face model folder")
    r.add_argument("--manifest", required=True, help="a JSON Lines manifest (pair_id, image, question)")
    r.add_argument("--out", required=True, help="folder for reference.json, reference.safetensors and pairs.jsonl")
    r.add_argument("--pairs", type=int, default=4, help="the manifest's first N pairs")
    r.add_argument("--max-new-tokens", type=int, default=3)
    r.add_argument("--threads", type=int, default=1)
    g = sub.add_parser("generate", help="transformers' greedy generate timed per pair, for ./submit.sh bench vs-transformers")
    g.add_argument("--model", required=True, help="a Hugging Face model folder")
    g.add_argument("--manifest", required=True, help="a JSON Lines manifest (pair_id, image, question); pair 1 warms up")
    g.add_argument("--out", required=True, help="the JSON file to write")
    g.add_argument("--max-new-tokens", type=int, default=3)
    g.add_argument("--max-pixels", type=int, help="the image processor's upper pixel bound (Qwen-VL)")
    g.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    common.require_versions()
    import torch
    torch.set_num_threads(args.threads)
    from vlmref import check, checkpoints, dump, pairs, train

    everything = [c.name for c in checkpoints.CHECKPOINTS]
    if args.command == "pairs":
        pairs.write()
    elif args.command == "build":
        checkpoints.build(args.names or everything)
    elif args.command == "dump":
        checkpoints.write_dumps(args.names or everything)
    elif args.command == "all":
        pairs.write()
        checkpoints.build(everything)
        checkpoints.write_dumps(everything)
    elif args.command == "train":
        train.run(args.model, checkpoints.folder(args.model), steps=args.steps, seed=args.seed, threads=args.threads,
                  work_dir=args.work)
    elif args.command == "reference":
        # The first N pairs, with absolute image paths, so the dump's pairs.jsonl stands on its own.
        base = os.path.dirname(os.path.abspath(args.manifest))
        rows = common.read_manifest(args.manifest)[:args.pairs]
        os.makedirs(args.out, exist_ok=True)
        trimmed = os.path.join(args.out, "pairs.jsonl")
        common.write_manifest(trimmed, [dict(row, image=os.path.join(base, row["image"])) for row in rows])
        dump.write(args.model, trimmed, args.out, max_new_tokens=args.max_new_tokens)
    elif args.command == "generate":
        from vlmref import generate
        generate.run(args.model, args.manifest, args.out, args.max_new_tokens, args.max_pixels)
    elif args.command == "check":
        sys.exit(check.run(with_training=args.with_training, threads=args.threads))


if __name__ == "__main__":
    main()
