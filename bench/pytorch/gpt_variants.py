"""GPT variants beyond GPT-2's shape, in PyTorch 1.13, as the reference for LlmLab's golden files.

`gpt_model.Gpt` is GPT-2's shape (the `llmlab bench` peer); this file adds the options LlmLab's GptModel has, each written
from its paper or its reference implementation rather than from our C#:

- RoPE (Su et al. 2021, RoFormer §3.4) in the "rotate half" layout of GPT-NeoX and Hugging Face's Llama: channel i of a
  head is paired with channel i + hs/2 (not with its neighbour 2i+1 as in the paper and Meta's complex-number code).
  Pair i at position m turns by m * theta^(-2i/hs).
- RMSNorm (Zhang & Sennrich 2019): x / sqrt(mean(x^2) + eps) * g, no mean subtraction, no bias.
- SwiGLU (Shazeer 2020; Llama): c_proj(silu(c_gate(x)) * c_fc(x)); hidden width `intermediate_size`, or by default 8d/3
  rounded up to a multiple of 8 (GELU's 8d^2 parameters in three matrices).
- Grouped-query attention (Ainslie et al. 2023): nkv key/value heads, query head i reads key/value head i // (nh/nkv)
  (HF's `repeat_kv`); the fused projection c_attn yields [q (nh*hs) | k (nkv*hs) | v (nkv*hs)].
- An untied LM head (`lm_head`), biases on or off, LayerNorm or RMSNorm with a configurable eps.
- A Mixture-of-Experts feed-forward layer (`MoeLayer`): a bias-free router d -> E, softmax over E, top k; weights are
  the top-k probabilities renormalised to sum to 1 for k >= 2 (Mixtral) and the raw probability for k = 1 (Switch);
  dropless. Auxiliary loss alpha * E * sum_i f_i P_i (Switch Transformer eq. 4-6; f_i = share of the N*k assignments
  that chose expert i, P_i = mean router probability) + beta * mean(logsumexp(logits)^2) (ST-MoE router z-loss).
  Computed densely (every expert on every token, combined by a (N, E) weight matrix that is 0 off the top k), which is
  the same function as a dispatch by expert but shares no code or structure with one.

Parameter names are those of LlmLab's GptModel (wte, wpe, h.N.ln_1, h.N.attn.c_attn, h.N.mlp.c_gate, ln_f, lm_head,
h.N.moe.gate, h.N.moe.experts.E.c_fc, ...), and the config is a dict with LlmLab's config.json keys. No dropout (the goldens need none).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def feed_forward_width(cfg):
    """The MLP's hidden width: intermediate_size, else 4d for GELU, else 8d/3 rounded up to a multiple of 8."""
    if cfg.get("intermediate_size") is not None:
        return cfg["intermediate_size"]
    d = cfg["n_embd"]
    return 4 * d if cfg.get("mlp", "gelu") == "gelu" else math.ceil(8 * d / 3 / 8) * 8


class Norm(nn.Module):
    """LayerNorm (weight, and bias when the config has biases) or RMSNorm (weight only)."""

    def __init__(self, cfg):
        super().__init__()
        d = cfg["n_embd"]
        self.kind, self.eps = cfg.get("norm", "layernorm"), cfg.get("norm_eps", 1e-5)
        self.weight = nn.Parameter(torch.ones(d))
        has_bias = self.kind == "layernorm" and cfg.get("bias", True)
        self.bias = nn.Parameter(torch.zeros(d)) if has_bias else None

    def forward(self, x):
        if self.kind == "layernorm":
            return F.layer_norm(x, x.shape[-1:], self.weight, self.bias, self.eps)
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(hs, positions, theta, dtype):
    """cos and sin (positions, hs/2) of the angles m * theta^(-2i/hs), computed in float64."""
    inv = theta ** (-torch.arange(0, hs // 2, dtype=torch.float64) * 2 / hs)
    angles = torch.arange(positions, dtype=torch.float64)[:, None] * inv[None, :]
    return angles.cos().to(dtype), angles.sin().to(dtype)


def rotate(x, cos, sin):
    """x (B, nh, T, hs) rotated pairwise, channel i with channel i + hs/2 (rotate-half layout)."""
    x1, x2 = x.chunk(2, dim=-1)
    rotated_half = torch.cat([-x2, x1], dim=-1)
    return x * torch.cat([cos, cos], -1) + rotated_half * torch.cat([sin, sin], -1)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, self.nh = cfg["n_embd"], cfg["n_head"]
        self.nkv = cfg.get("n_kv_heads") or self.nh
        self.hs = d // self.nh
        bias = cfg.get("bias", True)
        self.c_attn = nn.Linear(d, (self.nh + 2 * self.nkv) * self.hs, bias=bias)
        self.c_proj = nn.Linear(d, d, bias=bias)

    def forward(self, x, rope):
        b, t, d = x.shape
        q, k, v = self.c_attn(x).split([self.nh * self.hs, self.nkv * self.hs, self.nkv * self.hs], dim=-1)
        q = q.view(b, t, self.nh, self.hs).transpose(1, 2)
        k = k.view(b, t, self.nkv, self.hs).transpose(1, 2)
        v = v.view(b, t, self.nkv, self.hs).transpose(1, 2)
        if rope is not None:
            cos, sin = rope[0][:t], rope[1][:t]
            q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        group = self.nh // self.nkv
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.hs)
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        att = att.masked_fill(~causal, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        return self.c_proj(y)


class Mlp(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, i, bias = cfg["n_embd"], feed_forward_width(cfg), cfg.get("bias", True)
        self.swiglu = cfg.get("mlp", "gelu") == "swiglu"
        self.c_fc = nn.Linear(d, i, bias=bias)
        if self.swiglu:
            self.c_gate = nn.Linear(d, i, bias=bias)
        self.c_proj = nn.Linear(i, d, bias=bias)

    def forward(self, x):
        h = F.silu(self.c_gate(x)) * self.c_fc(x) if self.swiglu else F.gelu(self.c_fc(x))
        return self.c_proj(h)


class MoeLayer(nn.Module):
    """Dropless top-k Mixture-of-Experts; forward returns (y, aux) with aux already weighted by alpha and beta."""

    def __init__(self, cfg):
        super().__init__()
        d, self.e = cfg["n_embd"], cfg["num_local_experts"]
        self.k = cfg.get("num_experts_per_tok") or 2
        self.alpha = cfg.get("router_aux_loss_coef", 0.01)
        self.beta = cfg.get("router_z_loss_coef") or 0.0
        self.gate = nn.Linear(d, self.e, bias=False)
        self.experts = nn.ModuleList([Mlp(cfg) for _ in range(self.e)])

    def forward(self, x):
        flat = x.reshape(-1, x.shape[-1])                                        # (N, d)
        n = flat.shape[0]
        logits = self.gate(flat)                                                 # (N, E)
        p = logits.softmax(-1)
        top, chosen = p.topk(self.k, dim=-1)                                     # (N, k)
        w = top / top.sum(-1, keepdim=True) if self.k > 1 else top
        combine = torch.zeros_like(p).scatter(1, chosen, w)                      # (N, E), 0 off the top k
        outputs = torch.stack([expert(flat) for expert in self.experts], 1)      # (N, E, d)
        y = (combine.unsqueeze(-1) * outputs).sum(1).view(x.shape)
        f = torch.bincount(chosen.reshape(-1), minlength=self.e).to(p.dtype) / (n * self.k)
        balance = self.e * (f * p.mean(0)).sum()
        z = logits.logsumexp(-1).square().mean()
        return y, self.alpha * balance + self.beta * z


class Block(nn.Module):
    """Pre-norm block; with num_local_experts the feed-forward layer is a MoeLayer named `moe` (else `mlp`).
    forward returns (x, aux), aux = 0 for a dense block."""

    def __init__(self, cfg):
        super().__init__()
        self.ln_1, self.ln_2 = Norm(cfg), Norm(cfg)
        self.attn = Attention(cfg)
        if cfg.get("num_local_experts") is None:
            self.mlp = Mlp(cfg)
        else:
            self.moe = MoeLayer(cfg)

    def forward(self, x, rope):
        x = x + self.attn(self.ln_1(x), rope)
        if hasattr(self, "mlp"):
            return x + self.mlp(self.ln_2(x)), 0.0
        y, aux = self.moe(self.ln_2(x))
        return x + y, aux


class GptVariant(nn.Module):
    """A decoder-only GPT configured by LlmLab's config.json keys; forward(idx) -> logits (B, T, V), and `aux` the sum
    of the MoE layers' weighted auxiliary losses of that forward (0 for a dense model)."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        v, d, ctx = cfg["vocab_size"], cfg["n_embd"], cfg["n_positions"]
        self.wte = nn.Embedding(v, d)
        self.rope_kind = cfg.get("position_embedding", "learned") == "rope"
        if not self.rope_kind:
            self.wpe = nn.Embedding(ctx, d)
        self.h = nn.ModuleList([Block(cfg) for _ in range(cfg["n_layer"])])
        self.ln_f = Norm(cfg)
        self.tied = cfg.get("tie_word_embeddings", True)
        if not self.tied:
            self.lm_head = nn.Linear(d, v, bias=False)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.wte(idx)
        rope = None
        if self.rope_kind:
            hs = self.cfg["n_embd"] // self.cfg["n_head"]
            rope = rope_tables(hs, t, self.cfg.get("rope_theta", 10000.0), x.dtype)
        else:
            x = x + self.wpe(torch.arange(t))
        self.aux = 0.0
        for block in self.h:
            x, aux = block(x, rope)
            self.aux = self.aux + aux
        x = self.ln_f(x)
        return x @ self.wte.weight.t() if self.tied else self.lm_head(x)
