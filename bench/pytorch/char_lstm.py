#!/usr/bin/env python3
"""The PyTorch side of `llmlab bench lstm`: the same character-level LSTM language model, trained the same way.

Run by the bench command (never by the tests), which writes the training and validation text to files and passes every
setting; it can also be run by hand. Mirrors LlmLab exactly where it can:
  - vocabulary: the distinct code points of the training text in code-point order, plus <unk> last (CharTokenizer);
  - model: Embedding(V, E) -> nn.LSTM(E, H, layers, batch_first) -> Linear(H, V), PyTorch's default initialisation;
  - training: random windows of `context` characters (targets shifted by one), AdamW (weight decay 0, the given betas),
    global gradient-norm clipping, one step = batch + forward + loss + backward + clip + update + loss.item();
  - evaluation: the same fixed windows as LlmLab's TokenWindows.Evenly (start_i = span * i // count, span = N - T),
    mean cross-entropy per character, before training, every `eval_every` steps and after the last step.
The random batches and the initial weights come from PyTorch's generators, so the two runs' curves agree in
distribution, not value for value. Writes one JSON object to --out.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class CharLstm(nn.Module):
    def __init__(self, vocab, embed, hidden, layers):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.core = nn.LSTM(embed, hidden, layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x):  # (B, T) -> (B, T, V)
        out, _ = self.core(self.embed(x))
        return self.head(out)


def windows(tokens, starts, context):
    x = torch.stack([tokens[s:s + context] for s in starts])
    y = torch.stack([tokens[s + 1:s + context + 1] for s in starts])
    return x, y


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--train", required=True, help="training text, UTF-8")
    p.add_argument("--val", required=True, help="validation text, UTF-8")
    p.add_argument("--out", required=True, help="JSON results file to write")
    p.add_argument("--embed", type=int, default=32)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--context", type=int, default=64)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--lr", type=float, default=4e-3)
    p.add_argument("--beta1", type=float, default=0.9)
    p.add_argument("--beta2", type=float, default=0.99)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--eval-every", type=int, default=25)
    p.add_argument("--eval-batches", type=int, default=4)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=1337)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    with open(a.train, encoding="utf-8") as f:
        train_text = f.read()
    with open(a.val, encoding="utf-8") as f:
        val_text = f.read()
    chars = sorted(set(train_text))
    unk = len(chars)
    stoi = {c: i for i, c in enumerate(chars)}
    vocab = len(chars) + 1
    train = torch.tensor([stoi[c] for c in train_text], dtype=torch.long)
    val = torch.tensor([stoi.get(c, unk) for c in val_text], dtype=torch.long)
    T, B = a.context, a.batch

    model = CharLstm(vocab, a.embed, a.hidden, a.layers)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(a.beta1, a.beta2), weight_decay=0.0)

    span = len(val) - T
    count = min(B * a.eval_batches, span)
    vx, vy = windows(val, [span * i // count for i in range(count)], T)

    def evaluate():
        model.eval()
        total, n = 0.0, 0
        with torch.no_grad():
            for s in range(0, count, B):
                x, y = vx[s:s + B], vy[s:s + B]
                total += F.cross_entropy(model(x).reshape(-1, vocab), y.reshape(-1)).item() * y.numel()
                n += y.numel()
        model.train()
        return total / n

    gen = torch.Generator().manual_seed(a.seed)
    evals = [{"step": 0, "loss": evaluate()}]
    steps = []
    model.train()
    for step in range(1, a.steps + 1):
        t0 = time.perf_counter()
        x, y = windows(train, torch.randint(len(train) - T, (B,), generator=gen).tolist(), T)
        loss = F.cross_entropy(model(x).reshape(-1, vocab), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip if a.clip > 0 else float("inf"))
        opt.step()
        value = loss.item()
        steps.append({"step": step, "loss": value, "ms": (time.perf_counter() - t0) * 1e3})
        if step % a.eval_every == 0:
            evals.append({"step": step, "loss": evaluate()})
    if evals[-1]["step"] != a.steps:
        evals.append({"step": a.steps, "loss": evaluate()})

    with open(a.out, "w", encoding="utf-8") as f:
        json.dump({"implementation": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
                   "vocab": vocab, "parameters": params, "steps": steps, "evals": evals}, f)


if __name__ == "__main__":
    main()
