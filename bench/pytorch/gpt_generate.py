#!/usr/bin/env python3
"""The PyTorch side of `llmlab bench generate`: greedy decoding with a KV cache from a GPT-2-shaped model.

Run by the bench command (never by the tests), which passes every setting; it can also be run by hand. The model is
gpt_model.Gpt (LlmLab's GptModel shape) with random weights (speed does not depend on them); attention is written out,
which for one query per step costs a (1 x S) score row per head.
Per repeat: prefill the (B, P) prompt, then `tokens` steps of one token per sequence, argmax each; the time of the
whole call is what is reported, as on the LlmLab side. Writes one JSON object to --out.
"""
import argparse
import json
import time

import torch

from gpt_model import Gpt


def generate(model, prompt, tokens, context):
    b, p = prompt.shape
    hs = model.d // model.nh
    caches = [(torch.zeros(b, model.nh, context, hs), torch.zeros(b, model.nh, context, hs)) for _ in model.h]
    logits = model(prompt, caches, 0, last_only=True)
    out = []
    for i in range(tokens):
        nxt = logits.argmax(-1, keepdim=True)  # (B, 1)
        out.append(nxt)
        if i + 1 < tokens:
            logits = model(nxt, caches, p + i, last_only=True)
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
