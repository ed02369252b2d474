#!/usr/bin/env python3
"""The transformers reference harness (see README.md). Run it with the harness's venv python:

    PY=models/reference/.venv/bin/python
    $PY models/reference/harness.py pairs           # parity images and manifests (models/reference/pairs/)
    $PY models/reference/harness.py build [NAME..]  # tiny checkpoints (models/parity/*, models/*)
    $PY models/reference/harness.py train           # retrains models/tiny-llava on the toy task (minutes)
    $PY models/reference/harness.py dump [NAME..]   # reference dumps (job/src/test/resources/parity/*)
    $PY models/reference/harness.py all             # pairs + build + dump (everything but training)
    $PY models/reference/harness.py check           # regenerates everything in a temp folder and compares
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
    t = sub.add_parser("train", help="retrain models/tiny-llava")
    t.add_argument("--steps", type=int, default=900)
    t.add_argument("--threads", type=int, default=1)
    t.add_argument("--seed", type=int, default=0)
    c = sub.add_parser("check", help="regenerate into a temp folder and compare with the committed files")
    c.add_argument("--with-training", action="store_true", help="also retrain tiny-llava and compare its weights")
    c.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    common.require_versions()
    import torch
    torch.set_num_threads(args.threads)
    from vlmref import check, checkpoints, pairs, train

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
        train.run(checkpoints.folder("tiny-llava"), steps=args.steps, seed=args.seed, threads=args.threads)
    elif args.command == "check":
        sys.exit(check.run(with_training=args.with_training, threads=args.threads))


if __name__ == "__main__":
    main()
