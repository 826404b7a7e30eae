#!/usr/bin/env python3
"""The PyTorch side of `llmlab bench generate`: greedy decoding with a KV cache from a GPT-2-shaped model.

Run by the bench command (never by the tests), which passes every setting; it can also be run by hand. The model has
LlmLab's GptModel shape (learned positions, pre-norm blocks, GELU MLP 4x wide, LayerNorm with biases, tied head) with
random weights (speed does not depend on them). Attention is written out (PyTorch 1.13 has no
scaled_dot_product_attention), which for one query per step costs a (1 x S) score row per head.
Per repeat: prefill the (B, P) prompt, then `tokens` steps of one token per sequence, argmax each; the time of the
whole call is what is reported, as on the LlmLab side. Writes one JSON object to --out.
"""
import argparse
import json
import math
import time

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

    def forward(self, x, cache_k, cache_v, start):
        b, t, d = x.shape
        hs = d // self.nh
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        q = q.view(b, t, self.nh, hs).transpose(1, 2)
        cache_k[:, :, start:start + t] = k.view(b, t, self.nh, hs).transpose(1, 2)
        cache_v[:, :, start:start + t] = v.view(b, t, self.nh, hs).transpose(1, 2)
        keys, values = cache_k[:, :, :start + t], cache_v[:, :, :start + t]
        att = (q @ keys.transpose(-2, -1)) / math.sqrt(hs)
        mask = torch.ones(t, start + t, dtype=torch.bool).tril(start)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ values).transpose(1, 2).contiguous().view(b, t, d)
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

    def forward(self, idx, caches, start):
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(start, start + t))
        for block, (ck, cv) in zip(self.h, caches):
            x = block(x, ck, cv, start)
        return self.ln_f(x[:, -1]) @ self.wte.weight.t()  # (B, V) last position only


def generate(model, prompt, tokens, context):
    b, p = prompt.shape
    hs = model.d // model.nh
    caches = [(torch.zeros(b, model.nh, context, hs), torch.zeros(b, model.nh, context, hs)) for _ in model.h]
    logits = model(prompt, caches, 0)
    out = []
    for i in range(tokens):
        nxt = logits.argmax(-1, keepdim=True)  # (B, 1)
        out.append(nxt)
        if i + 1 < tokens:
            logits = model(nxt, caches, p + i)
    return torch.cat(out, 1)


def main():
    ap = argparse.ArgumentParser()
    for name in ["vocab", "context", "width", "layers", "heads", "prompt", "tokens", "repeats", "threads", "seed"]:
        ap.add_argument("--" + name, type=int, required=True)
    ap.add_argument("--batches", required=True, help="comma-separated batch sizes")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = Gpt(a.vocab, a.context, a.width, a.layers, a.heads).eval()
    params = sum(p.numel() for p in model.parameters())
    results = []
    with torch.no_grad():
        for b in [int(x) for x in a.batches.split(",")]:
            prompt = torch.randint(0, a.vocab, (b, a.prompt))
            generate(model, prompt, 4, a.context)  # warm-up
            seconds = []
            for _ in range(a.repeats):
                t0 = time.perf_counter()
                generate(model, prompt, a.tokens, a.context)
                seconds.append(time.perf_counter() - t0)
            results.append({"batch": b, "seconds": seconds})
    with open(a.out, "w") as f:
        json.dump({"version": torch.__version__, "parameters": params, "results": results}, f)


if __name__ == "__main__":
    main()
