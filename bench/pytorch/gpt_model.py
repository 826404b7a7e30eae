"""The GPT shape LlmLab's GptModel has, in PyTorch 1.13, for the `llmlab bench generate|train` peers.

Learned positions, pre-norm blocks, multi-head causal attention written out (1.13 has no scaled_dot_product_attention),
GELU MLP 4x wide, LayerNorm with biases, LM head tied to the token embedding; GPT-2's initialisation (N(0, 0.02),
residual projections N(0, 0.02/sqrt(2L))). With `caches` (one (k, v) pair of (B, nh, capacity, hs) tensors per layer)
the forward appends at position `start` and attends over everything stored, for decoding.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, nh):
        super().__init__()
        self.nh = nh
        self.ln_1 = nn.LayerNorm(d)
        self.c_attn = nn.Linear(d, 3 * d)
        self.attn_proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d)
        self.c_fc = nn.Linear(d, 4 * d)
        self.mlp_proj = nn.Linear(4 * d, d)

    def forward(self, x, cache=None, start=0):
        b, t, d = x.shape
        hs = d // self.nh
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        q = q.view(b, t, self.nh, hs).transpose(1, 2)
        k = k.view(b, t, self.nh, hs).transpose(1, 2)
        v = v.view(b, t, self.nh, hs).transpose(1, 2)
        if cache is not None:
            ck, cv = cache
            ck[:, :, start:start + t] = k
            cv[:, :, start:start + t] = v
            k, v = ck[:, :, :start + t], cv[:, :, :start + t]
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)
        mask = torch.ones(t, k.shape[2], dtype=torch.bool).tril(k.shape[2] - t)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, d)
        x = x + self.attn_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))


class Gpt(nn.Module):
    def __init__(self, vocab, context, d, layers, nh):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(context, d)
        self.h = nn.ModuleList([Block(d, nh) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)
        self.nh, self.d = nh, d
        for name, p in self.named_parameters():
            if name.endswith("proj.weight"):
                nn.init.normal_(p, 0, 0.02 / math.sqrt(2 * layers))
            elif name.endswith(".bias") and "ln_" not in name:
                nn.init.zeros_(p)
            elif "ln_" not in name:
                nn.init.normal_(p, 0, 0.02)

    def forward(self, idx, caches=None, start=0, last_only=False):
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(start, start + t))
        for i, block in enumerate(self.h):
            x = block(x, None if caches is None else caches[i], start)
        x = self.ln_f(x[:, -1] if last_only else x)
        return x @ self.wte.weight.t()
