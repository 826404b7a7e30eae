#!/usr/bin/env python3
"""Writes the GPT golden files that tests/LlmLab.Tests/Nn/GptGoldenTests.cs checks LlmLab's GptModel against (the idea
of llm.c's test_gpt2: fixed weights and tokens in, PyTorch's logits, loss, gradients and training losses out).

    /usr/bin/python3 bench/pytorch/make_gpt_golden.py                 # Debian's python3-torch 1.13; rewrites both files
    /usr/bin/python3 bench/pytorch/make_gpt_golden.py --sensitivity   # prints what the tests' tolerances are set between

Outputs, in tests/LlmLab.Tests/Goldens/:
  gpt-golden.json     what each case is: its config (LlmLab config.json keys), shapes, AdamW settings, the generator
  gpt-golden.tensors  the tensors, in LlmLab's tensor file format (Training/TensorFile.cs: "LLTS", version 1)

Per GPT case "<m>": <m>/idx and <m>/targets (B, T) int64; <m>/param/<name> every weight (fp32, the test loads exactly
these); <m>/logits (B, T, V); <m>/loss (float64) the cross-entropy; for a case with MoE blocks <m>/aux (float64), the sum
of their weighted auxiliary losses; <m>/grad/<name> the gradient of the training objective, loss + aux (aux = 0 for a
dense model); <m>/adamw_losses (10,) float64: the objective before each of 10 AdamW steps on the same batch. Per MoE-layer case "<m>": <m>/x
(B, T, d), <m>/r (B, T, d) a fixed upstream weight, <m>/param/<name>, <m>/y, <m>/aux, and the gradients of
sum(y * r) + aux with respect to x (<m>/grad/x) and every weight.

The reference is computed in float64 from the fp32 weights (then stored as fp32, except the losses), so the golden is
the exact function to ~1e-15 and a test's tolerance measures the C# model's fp32 rounding alone. Case "gpt2" comes from
gpt_model.Gpt, the `llmlab bench` peer, written without our C# in view; the others from gpt_variants.GptVariant, which
is first checked to equal gpt_model.Gpt on GPT-2's shape. Weights are N(0, 0.15) rather than GPT-2's N(0, 0.02), norm
gains 1 + N(0, 0.1) and biases N(0, 0.05), so attention is far from uniform, logits far from flat and every bias and
gain matters: at GPT-2's initialisation a wrong mask or a missing bias would move the outputs by little.
"""
import copy
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

import gpt_model
import gpt_variants

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "tests", "LlmLab.Tests", "Goldens")
B, T, STEPS = 2, 16, 10
# AdamW as LlmLab's trainer uses it (Optim/AdamW.cs, PyTorch's update order): decay on tensors of rank >= 2 only.
ADAMW = {"lr": 1e-2, "beta1": 0.9, "beta2": 0.95, "eps": 1e-8, "weight_decay": 0.1, "decay": "rank >= 2 only"}
BASE = {"vocab_size": 64, "n_positions": 16, "n_embd": 32, "n_layer": 2, "n_head": 4}
GPT_CASES = {
    # GPT-2's shape: learned positions, LayerNorm with biases, GELU 4d, multi-head attention, tied head.
    "gpt2": dict(BASE),
    # Llama's options: RoPE, RMSNorm, SwiGLU (default width 88), grouped-query (2 KV heads), untied head, no biases.
    "llama": dict(BASE, position_embedding="rope", norm="rmsnorm", mlp="swiglu", n_kv_heads=2,
                  tie_word_embeddings=False, bias=False),
    # RoPE with biases and another theta, multi-query attention (1 KV head), LayerNorm with eps 1e-6, GELU, tied.
    "rope-mqa": dict(BASE, position_embedding="rope", rope_theta=500.0, n_kv_heads=1, norm_eps=1e-6),
    # Learned positions with RMSNorm (eps 1e-6) and SwiGLU of explicit width 48, biases on, untied head.
    "swiglu-rmsnorm-bias": dict(BASE, norm="rmsnorm", norm_eps=1e-6, mlp="swiglu", intermediate_size=48,
                                tie_word_embeddings=False),
    # Mixture-of-Experts blocks (top-2 of 4, GELU experts of width 24, both router losses on) with RoPE and 2 KV heads.
    "moe-gpt": dict(BASE, num_local_experts=4, num_experts_per_tok=2, intermediate_size=24, router_aux_loss_coef=0.1,
                    router_z_loss_coef=0.01, position_embedding="rope", n_kv_heads=2),
}
MOE_BASE = dict(BASE, num_local_experts=4, intermediate_size=24, router_aux_loss_coef=0.1, router_z_loss_coef=0.01)
MOE_CASES = {
    # Mixtral: top-2 of 4, weights renormalised over the two; SwiGLU experts without biases.
    "moe-top2": dict(MOE_BASE, num_experts_per_tok=2, mlp="swiglu", bias=False),
    # Switch: top-1, the weight is the raw router probability; GELU experts with biases.
    "moe-top1": dict(MOE_BASE, num_experts_per_tok=1),
}
# gpt_model.Gpt's names -> LlmLab's.
GPT2_NAMES = [("c_attn.", "attn.c_attn."), ("attn_proj.", "attn.c_proj."), ("c_fc.", "mlp.c_fc."), ("mlp_proj.", "mlp.c_proj.")]
DTYPES = {torch.float32: 6, torch.float64: 7, torch.int64: 4}  # libtorch's ScalarType codes


def our_name(name):
    for a, b in GPT2_NAMES:
        if "." + a in name:
            return name.replace("." + a, "." + b)
    return name


def fill(named, seed):
    """Deterministic weights: matrices and embeddings N(0, 0.15), norm gains 1 + N(0, 0.1), biases N(0, 0.05)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in named:
            is_norm = ".ln_" in name or name.startswith("ln_")
            if p.dim() >= 2:
                p.copy_(torch.randn(p.shape, generator=g) * 0.15)
            elif is_norm and name.endswith(".weight"):
                p.copy_(1 + torch.randn(p.shape, generator=g) * 0.1)
            else:
                p.copy_(torch.randn(p.shape, generator=g) * 0.05)


def named(model, rename=lambda n: n):
    return [(rename(n), p) for n, p in model.named_parameters()]


def loss_of(model, idx, targets):
    """Logits, the cross-entropy, and the training objective: cross-entropy + the MoE layers' auxiliary loss (if any)."""
    logits = model(idx)
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    return logits, ce, ce + getattr(model, "aux", 0.0)


def adamw_losses(model64, idx, targets, rename, decays=lambda p: p.dim() >= 2, **overrides):
    """The loss before each of STEPS torch.optim.AdamW steps on one batch (ADAMW's settings, or `overrides`)."""
    h = dict(ADAMW, **overrides)
    params = named(model64, rename)
    decay = [p for _, p in params if decays(p)]
    no_decay = [p for _, p in params if not decays(p)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": h["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=h["lr"], betas=(h["beta1"], h["beta2"]), eps=h["eps"])
    losses = []
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        _, _, objective = loss_of(model64, idx, targets)
        objective.backward()
        opt.step()
        losses.append(objective.item())
    return losses


def gpt_case(name, cfg, seed, out):
    torch.manual_seed(seed)
    if name == "gpt2":
        model, rename = gpt_model.Gpt(cfg["vocab_size"], cfg["n_positions"], cfg["n_embd"], cfg["n_layer"], cfg["n_head"]), our_name
    else:
        model, rename = gpt_variants.GptVariant(cfg), (lambda n: n)
    fill(named(model, rename), seed)
    g = torch.Generator().manual_seed(seed + 1)
    idx = torch.randint(0, cfg["vocab_size"], (B, T), generator=g)
    targets = torch.randint(0, cfg["vocab_size"], (B, T), generator=g)
    if name == "gpt2":
        check_variant_equals_bench_model(model, cfg, idx)
    model64 = copy.deepcopy(model).double()
    logits, loss, objective = loss_of(model64, idx, targets)
    objective.backward()
    out[f"{name}/idx"], out[f"{name}/targets"] = idx, targets
    for n, p in named(model, rename):
        out[f"{name}/param/{n}"] = p.detach().clone()
    out[f"{name}/logits"] = logits.detach().float()
    out[f"{name}/loss"] = loss.detach()
    if "num_local_experts" in cfg:
        out[f"{name}/aux"] = model64.aux.detach()
    for n, p in named(model64, rename):
        out[f"{name}/grad/{n}"] = p.grad.float()
    out[f"{name}/adamw_losses"] = torch.tensor(adamw_losses(copy.deepcopy(model).double(), idx, targets, rename), dtype=torch.float64)
    return {"name": name, "kind": "gpt", "source": "gpt_model.Gpt" if name == "gpt2" else "gpt_variants.GptVariant",
            "config": cfg, "batch": B, "tokens": T, "loss": loss.item(), "aux": float(getattr(model64, "aux", 0.0)),
            "adamw_losses": out[f"{name}/adamw_losses"].tolist()}


def moe_case(name, cfg, seed, out):
    torch.manual_seed(seed)
    layer = gpt_variants.MoeLayer(cfg)
    fill(named(layer), seed)
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(B, T, cfg["n_embd"], generator=g)
    r = torch.randn(B, T, cfg["n_embd"], generator=g)
    layer64 = copy.deepcopy(layer).double()
    x64 = x.double().requires_grad_()
    y, aux = layer64(x64)
    ((y * r.double()).sum() + aux).backward()
    out[f"{name}/x"], out[f"{name}/r"] = x, r
    for n, p in named(layer):
        out[f"{name}/param/{n}"] = p.detach().clone()
    out[f"{name}/y"], out[f"{name}/aux"] = y.detach().float(), aux.detach()
    out[f"{name}/grad/x"] = x64.grad.float()
    for n, p in named(layer64):
        out[f"{name}/grad/{n}"] = p.grad.float()
    return {"name": name, "kind": "moe_layer", "source": "gpt_variants.MoeLayer", "config": cfg, "batch": B, "tokens": T,
            "aux": aux.item()}


def check_variant_equals_bench_model(bench, cfg, idx):
    """GptVariant on GPT-2's shape must be gpt_model.Gpt exactly: the variants start from the bench's model."""
    variant = gpt_variants.GptVariant(cfg).double()
    ours = dict(named(variant))
    with torch.no_grad():
        for n, p in named(bench, our_name):
            ours[n].copy_(p)
        diff = (variant(idx) - copy.deepcopy(bench).double()(idx)).abs().max().item()
    assert diff < 1e-12, f"GptVariant differs from gpt_model.Gpt on GPT-2's shape by {diff}"
    # RoPE turns q and k so that their dot product depends on the distance only: shift both by 3 positions.
    cos, sin = gpt_variants.rope_tables(8, 12, 10000.0, torch.float64)
    q, k = torch.randn(1, 1, 1, 8, dtype=torch.float64), torch.randn(1, 1, 1, 8, dtype=torch.float64)
    dot = lambda m, n: (gpt_variants.rotate(q, cos[m:m + 1], sin[m:m + 1]) * gpt_variants.rotate(k, cos[n:n + 1], sin[n:n + 1])).sum()
    assert abs(dot(7, 2) - dot(10, 5)) < 1e-12, "RoPE: q·k must depend on m - n only"


def write_tensors(path, tensors):
    """LlmLab's tensor file: "LLTS", u32 version 1, u32 count, then per tensor u16 name length + UTF-8 name, u8 dtype,
    u8 rank, i64 dims, i64 payload length, the C-contiguous little-endian bytes."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(b"LLTS" + struct.pack("<II", 1, len(tensors)))
        for name, t in tensors.items():
            t = t.detach().contiguous()
            utf8 = name.encode()
            payload = t.numpy().tobytes()
            f.write(struct.pack("<H", len(utf8)) + utf8 + struct.pack("<BB", DTYPES[t.dtype], t.dim()))
            f.write(struct.pack(f"<{t.dim()}q", *t.shape) + struct.pack("<q", len(payload)) + payload)
    os.replace(tmp, path)


def case_inputs(name):
    """GPT case `name` (not gpt2) as gpt_case builds it: the fp32 model, idx and targets."""
    cfg, seed = GPT_CASES[name], 1000 + list(GPT_CASES).index(name)
    torch.manual_seed(seed)
    model = gpt_variants.GptVariant(cfg)
    fill(named(model), seed)
    g = torch.Generator().manual_seed(seed + 1)
    idx = torch.randint(0, cfg["vocab_size"], (B, T), generator=g)
    return model, idx, torch.randint(0, cfg["vocab_size"], (B, T), generator=g)


def sensitivity():
    """How far PyTorch's own fp32 lands from float64, and how far plausible defects move the golden's quantities: the
    two scales the C# tests' tolerances sit between. Printed only (--sensitivity); the golden files are not touched."""
    torch.set_num_threads(1)
    for name in ["llama", "rope-mqa", "swiglu-rmsnorm-bias", "moe-gpt"]:
        model, idx, targets = case_inputs(name)
        with torch.no_grad():
            d = (model(idx).double() - copy.deepcopy(model).double()(idx)).abs().max().item()
        print(f"{name}: PyTorch fp32 vs float64 logits, max |d| {d:.2e}")

    def rms_eps_outside(self, x):
        return x / (x.pow(2).mean(-1, keepdim=True).sqrt() + self.eps) * self.weight

    def rotate_interleaved(x, cos, sin):
        x1, x2 = x[..., 0::2], x[..., 1::2]
        return torch.stack([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1).flatten(-2)

    gelu = F.gelu
    defects = [("RMSNorm with eps outside the square root", "llama", gpt_variants.Norm, "forward", rms_eps_outside),
               ("GELU's tanh approximation", "rope-mqa", F, "gelu", lambda x: gelu(x, approximate="tanh")),
               ("RoPE pairing neighbours (interleaved)", "llama", gpt_variants, "rotate", rotate_interleaved)]
    for label, name, target, attr, value in defects:
        model, idx, _ = case_inputs(name)
        m64 = copy.deepcopy(model).double()
        with torch.no_grad():
            exact = m64(idx)
            saved = getattr(target, attr)
            setattr(target, attr, value)
            try:
                wrong = m64(idx)
            finally:
                setattr(target, attr, saved)
        print(f"{label} ({name}): logits move by up to {(wrong - exact).abs().max().item():.2e}")
    model, idx, targets = case_inputs("swiglu-rmsnorm-bias")
    base = adamw_losses(copy.deepcopy(model).double(), idx, targets, lambda n: n)
    for label, kwargs in [("weight decay on every tensor", {"decays": lambda p: True}),
                          ("no weight decay", {"weight_decay": 0.0}), ("beta2 0.999", {"beta2": 0.999})]:
        losses = adamw_losses(copy.deepcopy(model).double(), idx, targets, lambda n: n, **kwargs)
        print(f"AdamW with {label} (swiglu-rmsnorm-bias): the 10 losses move by up to "
              f"{max(abs(a - b) for a, b in zip(losses, base)):.2e}")


def main():
    if "--sensitivity" in sys.argv:
        return sensitivity()
    torch.set_num_threads(1)  # one summation order, so a rerun writes the same bytes
    out, cases = {}, []
    for i, (name, cfg) in enumerate(GPT_CASES.items()):
        cases.append(gpt_case(name, cfg, 1000 + i, out))
    for i, (name, cfg) in enumerate(MOE_CASES.items()):
        cases.append(moe_case(name, cfg, 2000 + i, out))
    os.makedirs(OUT, exist_ok=True)
    write_tensors(os.path.join(OUT, "gpt-golden.tensors"), out)
    manifest = {"generator": "bench/pytorch/make_gpt_golden.py", "torch": torch.__version__, "reference_dtype": "float64",
                "adamw": dict(ADAMW, steps=STEPS, batch="the same (idx, targets) every step, no clipping"), "cases": cases}
    with open(os.path.join(OUT, "gpt-golden.json.tmp"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    os.replace(os.path.join(OUT, "gpt-golden.json.tmp"), os.path.join(OUT, "gpt-golden.json"))
    for c in cases:
        print(c["name"], "loss", c.get("loss"), "aux", c.get("aux"), "adamw", [round(x, 4) for x in c.get("adamw_losses", [])])
    print("tensors", len(out), "bytes", os.path.getsize(os.path.join(OUT, "gpt-golden.tensors")))


if __name__ == "__main__":
    main()
