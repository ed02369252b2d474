#!/usr/bin/env python3
"""Golden index arithmetic of the Qwen-VL family, computed by transformers 5.17's own functions, for the Java unit
tests of io.maskimpact.family.qwen2vl (MropePositions, VisionGeometry):

- get_vision_position_ids: each patch's (row, column) in merge-block order;
- get_vision_window_index: Qwen2.5-VL's window order of merged cells and the window boundaries;
- get_vision_interpolation_indices_and_weights: Qwen3-VL's bilinear taps into the learned position table;
- Qwen2VLModel.get_rope_index: the 3-D positions and rope delta of a prompt with one image.

Writes job/src/test/resources/qwen/geometry.json; --check compares a fresh computation with it instead.
Run with the harness's python: PY=$(models/reference/setup.sh); $PY models/reference/qwen_geometry.py
"""

import json
import os
import sys

import torch
from transformers import Qwen2VLConfig, Qwen2VLModel
from transformers.vision_utils import (get_vision_interpolation_indices_and_weights, get_vision_position_ids,
                                       get_vision_window_index)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "job", "src", "test", "resources", "qwen", "geometry.json")

# patch grids (rows, cols): square, wide, tall, odd cell counts, a single cell
GRIDS = [(2, 2), (4, 4), (6, 10), (10, 18), (18, 10), (2, 16), (14, 6), (12, 20)]
WINDOW_CELLS = [4, 2]              # window_size 112 / merge 2 / patch 14, and a small one
TABLE_SIDES = [4, 48]             # the tiny checkpoints' 4x4 table, Qwen3-VL-4B's 48x48


def rope_index(text_before, grid, text_after):
    """get_rope_index of text_before text tokens, one image over a patch grid, text_after text tokens."""
    gh, gw = grid
    cells = (gh // 2) * (gw // 2)
    types = [0] * text_before + [1] * cells + [0] * text_after
    config = Qwen2VLConfig(text_config=dict(hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                            num_key_value_heads=1, intermediate_size=16, vocab_size=8,
                                            rope_parameters={"rope_type": "default", "mrope_section": [2, 1, 1]}),
                           vision_config=dict(depth=1, embed_dim=8, hidden_size=16, num_heads=2))
    model = Qwen2VLModel(config)
    ids = torch.zeros((1, len(types)), dtype=torch.long)
    positions, delta = model.get_rope_index(ids, mm_token_type_ids=torch.tensor([types]),
                                            image_grid_thw=torch.tensor([[1, gh, gw]]))
    return {"text_before": text_before, "grid": list(grid), "text_after": text_after,
            "positions": positions[:, 0].tolist(), "delta": int(delta[0, 0])}


def compute():
    out = {"generator": {"script": "models/reference/qwen_geometry.py", "transformers": __import__("transformers").__version__},
           "grids": []}
    for gh, gw in GRIDS:
        thw = torch.tensor([[1, gh, gw]])
        entry = {"grid": [gh, gw], "patch_positions": get_vision_position_ids(thw, 2).T.tolist(), "windows": [],
                 "taps": []}
        for cells in WINDOW_CELLS:
            # window_size / merge / patch = cells: pass patch 1 and window 2 * cells
            index, bounds = get_vision_window_index(thw, spatial_merge_size=2, window_size=2 * cells, patch_size=1)
            entry["windows"].append({"window_cells": cells, "cell_order": index.tolist(), "bounds": bounds.tolist()})
        for side in TABLE_SIDES:
            idx, w = get_vision_interpolation_indices_and_weights(thw, side, mode="bilinear", align_corners=True,
                                                                  spatial_merge_size=2)
            entry["taps"].append({"side": side, "indices": idx.flatten().tolist(),
                                  "weights": [float(x) for x in w.flatten()]})
        out["grids"].append(entry)
    out["rope_index"] = [rope_index(44, (10, 18), 52), rope_index(5, (4, 4), 3), rope_index(3, (2, 16), 7),
                         rope_index(9, (14, 6), 1)]
    return out


def main():
    computed = json.loads(json.dumps(compute()))
    if "--check" in sys.argv:
        with open(OUT, encoding="utf-8") as f:
            committed = json.load(f)
        if committed != computed:
            raise SystemExit("qwen geometry goldens: %s differs from transformers' functions (regenerate)" % OUT)
        print("qwen geometry goldens: identical")
        return
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(computed, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
