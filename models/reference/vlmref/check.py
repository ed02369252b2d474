"""The regeneration check: rebuilds every committed file of the harness in a temp folder with the fixed seeds and
compares it with the committed one; prints one line per difference and returns the number of differences.

- pairs (PNG, manifests), checkpoint folders (weights, configs, tokenizer, processor, template): byte for byte.
  tiny-llava and tiny-qwen3-vl are trained, so without --with-training only their files other than the weights and
  the report are rebuilt (from an untrained model of the same config); with it, the retrained weights must match
  byte for byte too, which holds on the machine kind and thread count they were made with (training amplifies
  rounding).
- dumps: regenerated from the committed checkpoints (the 4.x copy must reproduce the dump of its 5.x source):
  ids, token lists, strings and shapes exactly; floats within |a - b| <= ATOL * max(1, max|b|) + RTOL * |b|
  per tensor. float32 results of the same transformers code differ between machines only in rounding (summation
  order, vector width): the dumps made here with AVX-512 and with scalar kernels (ATEN_CPU_CAPABILITY=default,
  MKL_ENABLE_INSTRUCTIONS=SSE4_2, ONEDNN_MAX_CPU_ISA=SSE41) differ by at most 3.1e-6 * max(1, max|tensor|), with
  the same tokens; ATOL is 10x that. 1 and 2 threads give identical bits at these sizes.
"""

import filecmp
import os
import shutil
import tempfile

import torch
from safetensors.torch import load_file

from . import checkpoints, common, dump, pairs, train
from .families import llava

ATOL = 3e-5
RTOL = 1e-4
# reference.json fields that name the machine rather than the numbers
MACHINE_FIELDS = {"python"}
# training_report.json fields that measure the run rather than the model
TIMINGS = ("seconds", "toy_data_seconds")


class Report:
    def __init__(self):
        self.lines = []

    def diff(self, what, detail):
        self.lines.append("%s: %s" % (what, detail))
        print("DIFF %s: %s" % (what, detail), flush=True)


def compare_trees(report, committed, regenerated, skip=()):
    """Same file names, same bytes."""
    names_c = set(os.listdir(committed)) if os.path.isdir(committed) else set()
    names_r = set(os.listdir(regenerated)) - set(skip)
    names_c -= set(skip)
    for name in sorted(names_c - names_r):
        report.diff(common.repo_relative(os.path.join(committed, name)), "committed but not regenerated")
    for name in sorted(names_r - names_c):
        report.diff(common.repo_relative(os.path.join(committed, name)), "regenerated but not committed")
    for name in sorted(names_c & names_r):
        if not filecmp.cmp(os.path.join(committed, name), os.path.join(regenerated, name), shallow=False):
            report.diff(common.repo_relative(os.path.join(committed, name)), "bytes differ")


def close(a, b, scale):
    return abs(a - b) <= ATOL * max(1.0, scale) + RTOL * abs(b)


def compare_json(report, where, committed, regenerated, scale=1.0):
    if isinstance(committed, dict) and isinstance(regenerated, dict):
        if committed.keys() != regenerated.keys():
            report.diff(where, "keys %s != %s" % (sorted(regenerated), sorted(committed)))
            return
        for k in committed:
            if k not in MACHINE_FIELDS:
                compare_json(report, "%s.%s" % (where, k), committed[k], regenerated[k], scale)
    elif isinstance(committed, list) and isinstance(regenerated, list):
        if len(committed) != len(regenerated):
            report.diff(where, "length %d != committed %d" % (len(regenerated), len(committed)))
            return
        for i, (c, r) in enumerate(zip(committed, regenerated)):
            compare_json(report, "%s[%d]" % (where, i), c, r, scale)
    elif isinstance(committed, float) and isinstance(regenerated, float):
        if not close(regenerated, committed, scale):
            report.diff(where, "%r != committed %r" % (regenerated, committed))
    elif committed != regenerated or type(committed) is not type(regenerated):
        report.diff(where, "%r != committed %r" % (regenerated, committed))


def compare_dump(report, committed_dir, regenerated_dir, ignore=()):
    name = common.repo_relative(committed_dir)
    c = common.read_json(os.path.join(committed_dir, "reference.json"))
    r = common.read_json(os.path.join(regenerated_dir, "reference.json"))
    for key in ignore:
        c.pop(key, None)
        r.pop(key, None)
    compare_json(report, name + "/reference.json", c, r)
    ct = load_file(os.path.join(committed_dir, "reference.safetensors"))
    rt = load_file(os.path.join(regenerated_dir, "reference.safetensors"))
    for key in sorted(ct.keys() - rt.keys()):
        report.diff("%s/reference.safetensors %s" % (name, key), "committed but not regenerated")
    for key in sorted(rt.keys() - ct.keys()):
        report.diff("%s/reference.safetensors %s" % (name, key), "regenerated but not committed")
    for key in sorted(ct.keys() & rt.keys()):
        a, b = rt[key], ct[key]
        if a.shape != b.shape:
            report.diff("%s %s" % (name, key), "shape %s != committed %s" % (tuple(a.shape), tuple(b.shape)))
            continue
        scale = float(b.abs().max()) if b.numel() else 0.0
        bound = ATOL * max(1.0, scale) + RTOL * b.abs()
        excess = (a - b).abs() - bound
        if bool((excess > 0).any()) or not bool(torch.isfinite(a).all()):
            i = int(excess.flatten().argmax())
            report.diff("%s %s" % (name, key), "max |diff| %.3g at flat index %d (bound %.3g)"
                        % (float((a - b).abs().max()), i, float(bound.flatten()[i])))


def untrained(name, out_dir):
    """A trained toy model's config, generation config, tokenizer, processor and template, from an untrained
    model."""
    spec = train.TOY_MODELS[name]
    config, processor = spec.make()
    llava.save(spec.model_class(config), processor, out_dir, torch.float32)


def run(with_training=False, threads=1):
    report = Report()
    root = tempfile.mkdtemp(prefix="reference-check-")
    try:
        print("regenerating pairs", flush=True)
        pairs.write(os.path.join(root, "pairs"))
        compare_trees(report, common.PAIRS, os.path.join(root, "pairs"))

        models = os.path.join(root, "models")
        checkpoints.build([c.name for c in checkpoints.CHECKPOINTS], models_root=models)
        for c in checkpoints.CHECKPOINTS:
            if c.build is not None:
                compare_trees(report, checkpoints.folder(c.name), checkpoints.folder(c.name, models))
        for name in train.TOY_MODELS:
            trained = checkpoints.folder(name)
            tiny = checkpoints.folder(name, models)
            if with_training:
                steps = common.read_json(os.path.join(trained, "training_report.json"))["training"]["steps"]
                train.run(name, tiny, steps=steps, seed=0, threads=threads)
                compare_trees(report, trained, tiny, skip=("training_report.json",))
                reports = [common.read_json(os.path.join(d, "training_report.json")) for d in (trained, tiny)]
                for r in reports:
                    for timing in TIMINGS:
                        r["training"].pop(timing)
                compare_json(report, "models/%s/training_report.json" % name, reports[0], reports[1])
            else:
                untrained(name, tiny)
                compare_trees(report, trained, tiny, skip=("model.safetensors", "training_report.json"))

        dumps = os.path.join(root, "dumps")
        for c in checkpoints.CHECKPOINTS:
            if c.manifest is None:
                continue
            out = dump.write(checkpoints.folder(c.name), os.path.join(common.PAIRS, c.manifest),
                             os.path.join(dumps, c.name))
            print("dumped", c.name, flush=True)
            compare_dump(report, checkpoints.dump_folder(c.name), out,
                         ignore=("checkpoint",) if c.dump_as else ())
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if report.lines:
        print("reference check: %d difference(s)" % len(report.lines))
    else:
        print("reference check: everything regenerated identically (tensors within ATOL %g, RTOL %g)"
              % (ATOL, RTOL))
    return 1 if report.lines else 0
