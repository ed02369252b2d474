"""Reference fixtures for the Java forward: job/src/test/resources/fixtures/<model>/reference.{json,safetensors}.

Computed with modeling.py (FAST off: plain torch ops) from the checkpoint files as written (loaded back from
disk, BF16 widened exactly to F32), all maths in float32."""

import hashlib
import json
import os
import shutil

import torch
from PIL import Image

import checkpoints as C
import hf_files as H
import modeling
import toy

GENERATOR = "models/generator/fixtures.py"
MAX_NEW = 8


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


SEMANTICS = {
    "compute": "float32 throughout; checkpoint weights as stored, BF16 widened exactly to F32 (bits << 16)",
    "input_ids.i": "I64 (S): tokenizer(chat_template(one user turn [image, text=question], "
                   "add_generation_prompt=true)) with <s> prepended by the post-processor, then the single <image> "
                   "token replaced by num_image_tokens copies (LlavaProcessor)",
    "pixel_values.i": "F32 (1, 3, H, W): the image processor's output (transformers' slow numpy/PIL path: PIL "
                      "bicubic resize on uint8 with reducing_gap=None if the size differs, centre crop (CLIP), "
                      "x * (1/255) in float64 cast to float32, then (x - mean) / std in float32)",
    "image_features.i": "F32 (N, d_text): projector(vision hidden_states[vision_feature_layer] with the CLS row "
                        "dropped for strategy 'default'), rows in row-major patch order",
    "hidden_states.i": "F32 (L+1, S, d): entry l < L is the INPUT of decoder layer l (entry 0 = inputs_embeds "
                       "with image features merged); entry L is the last layer's output BEFORE the final norm "
                       "(unlike HF's output_hidden_states, whose last entry is after the norm)",
    "logits_last.i": "F32 (V): lm logits at the final prompt position (step 0)",
    "logits_steps.i": "F32 (T, V): lm logits at the final position of step t = prompt + first t greedy tokens "
                      "(row 0 = logits_last)",
    "greedy_ids.i": "I64 (T): greedy tokens, stopping after </s> (included) or at %d tokens" % MAX_NEW,
    "masked_*": "naive masking at ONE decoder layer l, read at the final position of the step: the layer is "
                "recomputed from its cached baseline input with the attention logit (q.k * head_dim^-0.5) of key "
                "column p set to float32 min (-3.4028235e38) before softmax; not propagated to later layers. "
                "Distances between baseline and masked vectors: l2 = ||a - b||, cos = 1 - cos_sim(a, b) "
                "(eps 1e-8). Shapes (L, S) or (L, H, S) over every key position p = 0..S-1",
    "masked_attn_l2.i / masked_attn_cos.i": "'Attn': attention output after o_proj, step 0",
    "masked_full_l2.i / masked_full_cos.i": "'Full': layer output - layer input (resid_post - resid_pre), step 0",
    "masked_head_l2.i / masked_head_cos.i": "'Head_h': head h's output before o_proj (L, H, S), step 0",
    "attn_weights_last.i": "F32 (L, H, S): baseline softmax weights of the final query at step 0 "
                           "('AttnWeight_Head_h'; their mean over heads is 'AttnWeight_Avg')",
    "masked_attn_l2.i.step<t> / masked_full_l2.i.step<t>": "same as step 0 for each later greedy step t >= 1 "
                                                           "(sequence = prompt + first t greedy tokens), (L, S_t)",
}


@torch.no_grad()
def reference(model, ids, px):
    n_layers = len(model.language_model.model.layers)
    e, feats = model.embed(ids, px)
    out = {"image_features": feats[0].clone()}
    gen = []
    logits_steps = []
    seq_embeds = e
    for t in range(MAX_NEW):
        logits, hidden = model.decode(seq_embeds, return_hidden=True)
        last = logits[0, -1].clone()
        logits_steps.append(last)
        if t == 0:
            out["hidden_states"] = torch.stack([h[0] for h in hidden])
            out["logits_last"] = last
        per = {k: [] for k in ["attn_l2", "attn_cos", "full_l2", "full_cos", "head_l2", "head_cos", "weights"]}
        for li in range(n_layers):
            eff = modeling.masked_layer_effects(model, li, hidden[li][0])
            for k in per:
                v = eff[k]
                per[k].append(v.transpose(0, 1) if v.dim() == 2 else v)  # (S) or (H, S)
        if t == 0:
            for k in ["attn_l2", "attn_cos", "full_l2", "full_cos", "head_l2", "head_cos"]:
                out["masked_" + k] = torch.stack(per[k])
            out["attn_weights_last"] = torch.stack(per["weights"])
        else:
            out["masked_attn_l2.step%d" % t] = torch.stack(per["attn_l2"])
            out["masked_full_l2.step%d" % t] = torch.stack(per["full_l2"])
        nxt = int(torch.argmax(last))
        gen.append(nxt)
        if nxt == H.EOS_ID:
            break
        seq_embeds = torch.cat([seq_embeds, model.language_model.model.embed_tokens(torch.tensor([[nxt]]))], dim=1)
    out["logits_steps"] = torch.stack(logits_steps)
    out["greedy_ids"] = torch.tensor(gen, dtype=torch.int64)
    return out


def write(model_dir, model_name, fixture_dir, inputs, preprocess, n_image_tokens, repo_root):
    """inputs: list of (png_path, question). Writes images, reference.safetensors and reference.json."""
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    model = C.load_into(C.build(cfg), model_dir)
    modeling.set_fast(False)
    if os.path.exists(fixture_dir):
        shutil.rmtree(fixture_dir)
    os.makedirs(fixture_dir)
    tensors = {}
    meta_inputs = []
    for i, (png, question) in enumerate(inputs):
        img_name = "input%d.png" % i
        shutil.copyfile(png, os.path.join(fixture_dir, img_name))
        img = Image.open(os.path.join(fixture_dir, img_name))
        px = torch.from_numpy(preprocess(img)).unsqueeze(0)
        prompt = H.render_prompt(question)
        raw_ids = H.encode(prompt)
        ids = H.expand_image_tokens(raw_ids, n_image_tokens)
        ref = reference(model, torch.tensor([ids]), px)
        tensors["input_ids.%d" % i] = torch.tensor(ids, dtype=torch.int64)
        tensors["pixel_values.%d" % i] = px.contiguous()
        for k, v in ref.items():
            name = k.split(".")[0] + ".%d" % i + ("." + k.split(".", 1)[1] if "." in k else "")
            tensors[name] = v.contiguous()
        g = ref["greedy_ids"].tolist()
        first_img = ids.index(H.IMAGE_ID)
        meta_inputs.append({
            "index": i,
            "image": img_name,
            "image_size": list(img.size),
            "question": question,
            "prompt": prompt,
            "prompt_ids_before_image_expansion": raw_ids,
            "num_image_tokens": n_image_tokens,
            "image_token_positions": [first_img, first_img + n_image_tokens],
            "sequence_length": len(ids),
            "greedy_ids": g,
            "greedy_tokens": [H.VOCAB[t] if t < len(H.VOCAB) else None for t in g],
            "decoded_answer": H.decode(g),
            "stopped_at_eos": bool(g and g[-1] == H.EOS_ID),
        })
    H.save_safetensors(os.path.join(fixture_dir, "reference.safetensors"), tensors)
    weight_files = sorted(f for f in os.listdir(model_dir) if f.endswith(".safetensors"))
    meta = {
        "format": "mask-impact-reference",
        "version": 1,
        "generator": GENERATOR,
        "model": os.path.relpath(model_dir, repo_root),
        "model_name": model_name,
        "model_files_sha256": {f: sha256(os.path.join(model_dir, f)) for f in weight_files},
        "tensors_file": "reference.safetensors",
        "dtype": "float32",
        "num_layers": len(model.language_model.model.layers),
        "num_heads": cfg["text_config"]["num_attention_heads"],
        "hidden_states_last_entry": "before_final_norm",
        "mask_value": "float32 min (-3.4028234663852886e38), logit set (not added) before softmax",
        "masked_steps": "step 0 under the plain names; later greedy steps under '.step<t>' suffixes",
        "image_token_id": H.IMAGE_ID,
        "bos_token_id": H.BOS_ID,
        "eos_token_id": H.EOS_ID,
        "semantics": SEMANTICS,
        "inputs": meta_inputs,
    }
    H.write_json(os.path.join(fixture_dir, "reference.json"), meta)
    return meta
