"""The toy task's data, from the project's Java generator (io.maskimpact.toy.ToyData, the single source of toy
images), compiled and run with the JDK alone (javac + java; no Maven, no other project class)."""

import os
import shutil
import subprocess
import tempfile

from . import common

TOY_SOURCES = os.path.join(common.REPO, "job", "src", "main", "java", "io", "maskimpact", "toy")
GRID = 6  # cells per side of a toy image = the CLIP patch grid of tiny-llava (96 px / 16)
CELL = 16  # tiny-llava's cell (its patch) in pixels


def generate(seed, n, out_dir, grid=GRID, cell=CELL):
    """Writes ToyData (seed, n) laid out on grid x grid cells of `cell` pixels into out_dir (images/ +
    manifest.jsonl) and returns the manifest rows."""
    classes = tempfile.mkdtemp(prefix="toydata-classes-")
    try:
        sources = [os.path.join(TOY_SOURCES, f) for f in sorted(os.listdir(TOY_SOURCES)) if f.endswith(".java")]
        subprocess.run(["javac", "--release", "17", "-d", classes] + sources, check=True)
        subprocess.run(["java", "-cp", classes, "io.maskimpact.toy.ToyData", "--seed", str(seed), "--n", str(n),
                        "--out", out_dir, "--grid", str(grid), "--cell", str(cell)], check=True, stdout=subprocess.DEVNULL)
    finally:
        shutil.rmtree(classes, ignore_errors=True)
    return common.read_manifest(os.path.join(out_dir, "manifest.jsonl"))
