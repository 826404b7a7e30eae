#!/usr/bin/env python3
"""The PyTorch side of `llmlab bench train`: training steps of the same GPT shape as LlmLab's, timed the same way.

Run by the bench command (never by the tests), which passes every setting. One step = forward on a (B, T) batch of
random token ids, mean cross-entropy, backward, global gradient-norm clipping at 1.0, AdamW (betas 0.9/0.95, weight
decay 0.1 on the 2-D tensors only, as LlmLab's trainer), zero_grad, loss.item(). Writes the step times to --out.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

from gpt_model import Gpt


def main():
    ap = argparse.ArgumentParser()
    for name in ["vocab", "context", "width", "layers", "heads", "batch", "steps", "threads", "seed"]:
        ap.add_argument("--" + name, type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = Gpt(a.vocab, a.context, a.width, a.layers, a.heads).train()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}], lr=3e-4, betas=(0.9, 0.95))
    ms = []
    for _ in range(a.steps):
        x = torch.randint(0, a.vocab, (a.batch, a.context))
        y = torch.randint(0, a.vocab, (a.batch, a.context))
        t0 = time.perf_counter()
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), y.view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss.item()
        ms.append((time.perf_counter() - t0) * 1e3)
    with open(a.out, "w") as f:
        json.dump({"version": torch.__version__, "parameters": sum(p.numel() for p in model.parameters()), "ms": ms}, f)


if __name__ == "__main__":
    main()
