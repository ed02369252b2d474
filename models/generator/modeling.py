"""Independent PyTorch forward of LLaVA-style models, following Hugging Face transformers' semantics.

Covers: CLIPVisionModel / SiglipVisionModel (vision tower), LlavaMultiModalProjector, LlamaForCausalLM /
Qwen2ForCausalLM (decoder), LlavaForConditionalGeneration (image-token merge). No transformers import:
written from HF's semantics so the Java engine has a second, independent implementation to match.

Module attribute names follow HF's OLD LLaVA state-dict layout exactly, so
``LlavaModel.state_dict()`` keys are the checkpoint keys of the old layout
(``language_model.model.layers.0.self_attn.q_proj.weight``, ``vision_tower.vision_model...``,
``multi_modal_projector.linear_1.weight``, ``language_model.lm_head.weight``).
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


# ----------------------------------------------------------------------------------------------
# activations (transformers.activations.ACT2FN)


def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


def gelu_exact(x):
    return F.gelu(x)  # erf form


def gelu_tanh(x):
    # gelu_pytorch_tanh
    return F.gelu(x, approximate="tanh")


ACT = {"quick_gelu": quick_gelu, "gelu": gelu_exact, "gelu_pytorch_tanh": gelu_tanh, "silu": F.silu}


# ----------------------------------------------------------------------------------------------
# fast path for training on Debian's torch (reference BLAS): the same maths routed through oneDNN
# convolutions and vectorised elementwise ops, ~10x faster here. Off by default; reference outputs
# (fixtures) are always computed with FAST = False.

FAST = False


def set_fast(on):
    global FAST
    FAST = bool(on)


def linear(x, weight, bias=None):
    """F.linear; under FAST a 1x1 convolution (same weights, same maths)."""
    if not FAST:
        return F.linear(x, weight, bias)
    shp = x.shape
    out = weight.shape[0]
    x2 = x.reshape(-1, shp[-1])
    y = F.conv2d(x2.t().reshape(1, shp[-1], -1, 1), weight.reshape(out, -1, 1, 1), bias)
    return y.reshape(out, -1).t().reshape(*shp[:-1], out)


class Linear(nn.Linear):
    def forward(self, x):
        return linear(x, self.weight, self.bias)


def _batched_mm(a, b_t):
    """a @ b_t^T for (..., S, K) x (..., T, K) -> (..., S, T) as one grouped 1x1 convolution."""
    lead = a.shape[:-2]
    g = 1
    for n in lead:
        g *= n
    s_, k_ = a.shape[-2:]
    t_ = b_t.shape[-2]
    inp = a.reshape(g, s_, k_).transpose(1, 2).reshape(1, g * k_, s_, 1)
    w = b_t.reshape(g * t_, k_, 1, 1)
    y = F.conv2d(inp, w, groups=g)  # 1, g*T, S, 1
    return y.reshape(*lead, t_, s_).transpose(-1, -2)


def qk_scores(q, k):
    """q @ k^T over the last two dims: (B, H, S, hd) x (B, H, T, hd) -> (B, H, S, T)."""
    if not FAST:
        return torch.matmul(q, k.transpose(-1, -2))
    return _batched_mm(q, k)


def weighted_values(w, v):
    """w @ v: (B, H, S, T) x (B, H, T, hd) -> (B, H, S, hd)."""
    if not FAST:
        return torch.matmul(w, v)
    return _batched_mm(w, v.transpose(-1, -2))


# ----------------------------------------------------------------------------------------------
# vision towers


class VisionAttention(nn.Module):
    """CLIPAttention / SiglipAttention: non-causal MHA, all projections with bias."""

    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = d // heads
        self.scale = self.head_dim ** -0.5
        self.q_proj = Linear(d, d)
        self.k_proj = Linear(d, d)
        self.v_proj = Linear(d, d)
        self.out_proj = Linear(d, d)

    def forward(self, x):
        b, n, d = x.shape
        q = self.q_proj(x).view(b, n, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, n, self.heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, n, self.heads, self.head_dim).transpose(1, 2)
        w = qk_scores(q, k) * self.scale
        w = torch.softmax(w, dim=-1, dtype=torch.float32).to(q.dtype)
        o = weighted_values(w, v).transpose(1, 2).reshape(b, n, d)
        return self.out_proj(o)


class VisionMLP(nn.Module):
    def __init__(self, d, ff, act):
        super().__init__()
        self.fc1 = Linear(d, ff)
        self.fc2 = Linear(ff, d)
        self.act = ACT[act]

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class VisionEncoderLayer(nn.Module):
    def __init__(self, vc):
        super().__init__()
        d = vc["hidden_size"]
        self.layer_norm1 = nn.LayerNorm(d, eps=vc["layer_norm_eps"])
        self.self_attn = VisionAttention(d, vc["num_attention_heads"])
        self.layer_norm2 = nn.LayerNorm(d, eps=vc["layer_norm_eps"])
        self.mlp = VisionMLP(d, vc["intermediate_size"], vc["hidden_act"])

    def forward(self, x):
        x = x + self.self_attn(self.layer_norm1(x))
        return x + self.mlp(self.layer_norm2(x))


class VisionEncoder(nn.Module):
    def __init__(self, vc):
        super().__init__()
        self.layers = nn.ModuleList([VisionEncoderLayer(vc) for _ in range(vc["num_hidden_layers"])])

    def forward(self, x, upto=None):
        """Returns HF's hidden_states tuple: [inputs, after layer 1, ..., after layer N].

        ``upto``: stop after that many layers (later entries are not needed by LLaVA)."""
        hs = [x]
        for i, layer in enumerate(self.layers):
            if upto is not None and i >= upto:
                break
            x = layer(x)
            hs.append(x)
        return hs


class ClipEmbeddings(nn.Module):
    def __init__(self, vc):
        super().__init__()
        d = vc["hidden_size"]
        p = vc["patch_size"]
        self.num_patches = (vc["image_size"] // p) ** 2
        self.class_embedding = nn.Parameter(torch.zeros(d))
        self.patch_embedding = nn.Conv2d(vc["num_channels"], d, kernel_size=p, stride=p, bias=False)
        self.position_embedding = nn.Embedding(self.num_patches + 1, d)

    def forward(self, pixel_values):
        b = pixel_values.shape[0]
        patches = self.patch_embedding(pixel_values).flatten(2).transpose(1, 2)  # B, N, D (row-major grid)
        cls = self.class_embedding.expand(b, 1, -1)
        x = torch.cat([cls, patches], dim=1)
        return x + self.position_embedding.weight.unsqueeze(0)


class SiglipEmbeddings(nn.Module):
    def __init__(self, vc):
        super().__init__()
        d = vc["hidden_size"]
        p = vc["patch_size"]
        self.num_patches = (vc["image_size"] // p) ** 2
        self.patch_embedding = nn.Conv2d(vc["num_channels"], d, kernel_size=p, stride=p, bias=True)
        self.position_embedding = nn.Embedding(self.num_patches, d)

    def forward(self, pixel_values):
        patches = self.patch_embedding(pixel_values).flatten(2).transpose(1, 2)
        return patches + self.position_embedding.weight.unsqueeze(0)


class ClipVisionTransformer(nn.Module):
    def __init__(self, vc):
        super().__init__()
        d = vc["hidden_size"]
        self.embeddings = ClipEmbeddings(vc)
        self.pre_layrnorm = nn.LayerNorm(d, eps=vc["layer_norm_eps"])  # sic, HF's spelling
        self.encoder = VisionEncoder(vc)
        self.post_layernorm = nn.LayerNorm(d, eps=vc["layer_norm_eps"])

    def hidden_states(self, pixel_values, upto=None):
        x = self.pre_layrnorm(self.embeddings(pixel_values))
        return self.encoder(x, upto)


class SiglipVisionTransformer(nn.Module):
    def __init__(self, vc):
        super().__init__()
        d = vc["hidden_size"]
        self.embeddings = SiglipEmbeddings(vc)
        self.encoder = VisionEncoder(vc)
        self.post_layernorm = nn.LayerNorm(d, eps=vc["layer_norm_eps"])

    def hidden_states(self, pixel_values, upto=None):
        return self.encoder(self.embeddings(pixel_values), upto)


class VisionTower(nn.Module):
    """CLIPVisionModel / SiglipVisionModel wrapper (attribute ``vision_model`` as in HF)."""

    def __init__(self, vc):
        super().__init__()
        if vc["model_type"] == "clip_vision_model":
            self.vision_model = ClipVisionTransformer(vc)
        elif vc["model_type"] == "siglip_vision_model":
            self.vision_model = SiglipVisionTransformer(vc)
        else:
            raise ValueError(vc["model_type"])


class Projector(nn.Module):
    """LlavaMultiModalProjector: linear_1 -> act -> linear_2."""

    def __init__(self, dv, dt, act):
        super().__init__()
        self.linear_1 = Linear(dv, dt)
        self.linear_2 = Linear(dt, dt)
        self.act = ACT[act]

    def forward(self, x):
        return self.linear_2(self.act(self.linear_1(x)))


# ----------------------------------------------------------------------------------------------
# decoder (LLaMA / Qwen2)


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        dt = x.dtype
        h = x.to(torch.float32)
        var = h.pow(2).mean(-1, keepdim=True)
        h = h * torch.rsqrt(var + self.eps)
        return self.weight * h.to(dt)


def rope_inv_freq(tc):
    d = tc["hidden_size"] // tc["num_attention_heads"]
    d = tc.get("head_dim") or d
    base = tc.get("rope_theta", 10000.0)
    inv = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    rs = tc.get("rope_scaling")
    if rs:
        kind = rs.get("rope_type", rs.get("type"))
        if kind == "linear":
            inv = inv / rs["factor"]
        elif kind != "default":
            raise ValueError("unsupported rope_scaling " + str(rs))
    return inv


def rope_cos_sin(inv_freq, positions):
    """HF LlamaRotaryEmbedding: float32 freqs = pos x inv_freq, emb = cat(freqs, freqs)."""
    freqs = positions.float()[:, None] * inv_freq[None, :]
    emb = torch.cat([freqs, freqs], dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


def apply_rope(x, cos, sin):
    # x: B, H, S, hd; cos/sin: S, hd
    return x * cos + rotate_half(x) * sin


class DecoderAttention(nn.Module):
    def __init__(self, tc, qkv_bias):
        super().__init__()
        d = tc["hidden_size"]
        self.heads = tc["num_attention_heads"]
        self.kv_heads = tc["num_key_value_heads"]
        self.head_dim = tc.get("head_dim") or d // self.heads
        self.scale = self.head_dim ** -0.5
        self.q_proj = Linear(d, self.heads * self.head_dim, bias=qkv_bias)
        self.k_proj = Linear(d, self.kv_heads * self.head_dim, bias=qkv_bias)
        self.v_proj = Linear(d, self.kv_heads * self.head_dim, bias=qkv_bias)
        self.o_proj = Linear(self.heads * self.head_dim, d, bias=False)
        self.capture = False  # training aid: keep the attention weights of the last forward
        self.last_weights = None

    def qkv(self, x, cos, sin):
        """Projected, rotated q (B,H,S,hd) and k, v repeated to H heads (repeat_interleave = HF repeat_kv)."""
        b, s, _ = x.shape
        q = self.q_proj(x).view(b, s, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)
        rep = self.heads // self.kv_heads
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        return q, k, v

    def forward(self, x, cos, sin, return_weights=False):
        b, s, _ = x.shape
        q, k, v = self.qkv(x, cos, sin)
        w = qk_scores(q, k) * self.scale
        causal = torch.triu(torch.full((s, s), torch.finfo(w.dtype).min, dtype=w.dtype), diagonal=1)
        w = torch.softmax(w + causal, dim=-1, dtype=torch.float32).to(q.dtype)
        if self.capture:
            self.last_weights = w
        o = weighted_values(w, v).transpose(1, 2).reshape(b, s, -1)
        out = self.o_proj(o)
        return (out, w) if return_weights else out


class DecoderMLP(nn.Module):
    def __init__(self, tc):
        super().__init__()
        d, ff = tc["hidden_size"], tc["intermediate_size"]
        self.gate_proj = Linear(d, ff, bias=False)
        self.up_proj = Linear(d, ff, bias=False)
        self.down_proj = Linear(ff, d, bias=False)
        self.act = ACT[tc.get("hidden_act", "silu")]

    def forward(self, x):
        return self.down_proj(self.act(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, tc, qkv_bias):
        super().__init__()
        d = tc["hidden_size"]
        self.input_layernorm = RMSNorm(d, tc["rms_norm_eps"])
        self.self_attn = DecoderAttention(tc, qkv_bias)
        self.post_attention_layernorm = RMSNorm(d, tc["rms_norm_eps"])
        self.mlp = DecoderMLP(tc)

    def forward(self, x, cos, sin):
        h = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return h + self.mlp(self.post_attention_layernorm(h))


class DecoderModel(nn.Module):
    def __init__(self, tc, qkv_bias):
        super().__init__()
        self.embed_tokens = nn.Embedding(tc["vocab_size"], tc["hidden_size"])
        self.layers = nn.ModuleList([DecoderLayer(tc, qkv_bias) for _ in range(tc["num_hidden_layers"])])
        self.norm = RMSNorm(tc["hidden_size"], tc["rms_norm_eps"])


class CausalLM(nn.Module):
    def __init__(self, tc):
        super().__init__()
        qkv_bias = tc["model_type"] == "qwen2" or bool(tc.get("attention_bias", False))
        self.model = DecoderModel(tc, qkv_bias)
        self.tied = bool(tc.get("tie_word_embeddings", False))
        if not self.tied:
            self.lm_head = Linear(tc["hidden_size"], tc["vocab_size"], bias=False)

    def logits(self, h):
        w = self.model.embed_tokens.weight if self.tied else self.lm_head.weight
        return linear(h, w)


# ----------------------------------------------------------------------------------------------
# LLaVA


class LlavaModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        vc, tc = cfg["vision_config"], cfg["text_config"]
        self.vision_tower = VisionTower(vc)
        self.multi_modal_projector = Projector(vc["hidden_size"], tc["hidden_size"], cfg["projector_hidden_act"])
        self.language_model = CausalLM(tc)
        self.image_token_id = cfg.get("image_token_id", cfg.get("image_token_index"))
        self.register_buffer("inv_freq", rope_inv_freq(tc), persistent=False)

    # -- vision
    def image_features(self, pixel_values):
        """LlavaForConditionalGeneration.get_image_features: hidden_states[feature_layer], strategy, projector."""
        vm = self.vision_tower.vision_model
        layer = self.cfg["vision_feature_layer"]
        n = len(vm.encoder.layers)
        idx = layer if layer >= 0 else n + 1 + layer  # index into [emb, l1, ..., lN]
        hs = vm.hidden_states(pixel_values, upto=idx)
        feats = hs[idx]
        if self.cfg["vision_feature_select_strategy"] == "default":
            feats = feats[:, 1:]
        elif self.cfg["vision_feature_select_strategy"] != "full":
            raise ValueError(self.cfg["vision_feature_select_strategy"])
        return self.multi_modal_projector(feats)

    def embed(self, input_ids, pixel_values):
        """inputs_embeds with the image-token rows replaced by the image features, in order."""
        e = self.language_model.model.embed_tokens(input_ids)
        if pixel_values is None:
            return e, None
        feats = self.image_features(pixel_values)  # B, N, D
        mask = input_ids == self.image_token_id
        assert int(mask.sum()) == feats.shape[0] * feats.shape[1], "image token count != feature count"
        e = e.clone()
        e[mask] = feats.reshape(-1, feats.shape[-1]).to(e.dtype)
        return e, feats

    # -- decoder
    def decode(self, embeds, return_hidden=False):
        """Full causal forward from inputs_embeds. Returns (logits, hidden list) where hidden[l] is the input
        of layer l and hidden[L] the last layer's output BEFORE the final norm."""
        s = embeds.shape[1]
        cos, sin = rope_cos_sin(self.inv_freq, torch.arange(s))
        x = embeds
        hidden = [x]
        for layer in self.language_model.model.layers:
            x = layer(x, cos, sin)
            hidden.append(x)
        logits = self.language_model.logits(self.language_model.model.norm(x))
        return (logits, hidden) if return_hidden else logits

    def forward(self, input_ids, pixel_values):
        e, _ = self.embed(input_ids, pixel_values)
        return self.decode(e)


# ----------------------------------------------------------------------------------------------
# analysis helpers: the naive masking semantics at the final position


@torch.no_grad()
def masked_layer_effects(model, layer_idx, x, positions=None):
    """Naive masking at one decoder layer, read at the final position.

    x: (S, D) the baseline INPUT hidden states of layer ``layer_idx`` (a single sequence).
    For every key column p in ``positions`` (default: all S), the layer's attention is recomputed with the
    logit of column p set to the float32 minimum (for every query; only the final query matters), and the
    final position's vectors are compared with the unmasked baseline computed by the same code.

    Returns a dict of tensors over p (shape (P,) or (P, H)):
      attn_l2, attn_cos  : attention output after o_proj                      ("Attn")
      full_l2, full_cos  : layer output - layer input (residual update)       ("Full")
      head_l2, head_cos  : each head's output before o_proj, (P, H)          ("Head_h")
      weights            : baseline attention weight of each head on p, (P, H)
    cos = 1 - cosine similarity.
    """
    layer = model.language_model.model.layers[layer_idx]
    attn = layer.self_attn
    s, d = x.shape
    if positions is None:
        positions = torch.arange(s)
    cos_t, sin_t = rope_cos_sin(model.inv_freq, torch.arange(s))
    xn = layer.input_layernorm(x.unsqueeze(0))
    q, k, v = attn.qkv(xn, cos_t, sin_t)  # 1,H,S,hd
    q_last = q[0, :, -1, :]  # H, hd
    logits = torch.einsum("hd,hsd->hs", q_last, k[0]) * attn.scale  # H, S (final query sees every key)
    p_n = len(positions)
    # batch: index 0 = baseline, 1.. = masked p
    lg = logits.unsqueeze(0).repeat(p_n + 1, 1, 1)  # P+1, H, S
    minv = torch.finfo(torch.float32).min
    for i, p in enumerate(positions.tolist()):
        lg[i + 1, :, p] = minv
    w = torch.softmax(lg, dim=-1, dtype=torch.float32)
    heads = torch.einsum("bhs,hsd->bhd", w, v[0])  # P+1, H, hd
    a = attn.o_proj(heads.reshape(p_n + 1, -1))  # P+1, D
    h = x[-1].unsqueeze(0) + a
    out = h + layer.mlp(layer.post_attention_layernorm(h))
    full = out - x[-1].unsqueeze(0)

    def l2(t):
        return (t[1:] - t[0:1]).norm(dim=-1)

    def cosd(t):
        return 1.0 - F.cosine_similarity(t[1:], t[0:1].expand_as(t[1:]), dim=-1, eps=1e-8)

    return {
        "attn_l2": l2(a), "attn_cos": cosd(a),
        "full_l2": l2(full), "full_cos": cosd(full),
        "head_l2": l2(heads), "head_cos": cosd(heads),
        "weights": w[0, :, positions].transpose(0, 1),
    }


@torch.no_grad()
def greedy(model, input_ids, pixel_values, eos_id, max_new=8):
    """Greedy decoding (full re-forward per step; fine for these tiny models). Returns (new ids, per-step
    hidden lists, per-step logits of the last position)."""
    e, _ = model.embed(input_ids, pixel_values)
    ids = []
    steps = []
    for _ in range(max_new):
        logits, hidden = model.decode(e, return_hidden=True)
        last = logits[0, -1]
        steps.append((hidden, last))
        t = int(torch.argmax(last))
        ids.append(t)
        if t == eos_id:
            break
        e = torch.cat([e, model.language_model.model.embed_tokens(torch.tensor([[t]]))], dim=1)
    return ids, steps
