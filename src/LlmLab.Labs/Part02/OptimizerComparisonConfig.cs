using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part02;

/// <summary>Settings of lab 2.3 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="RosenbrockX">Start x on Rosenbrock's function.</param>
/// <param name="RosenbrockY">Start y.</param>
/// <param name="RosenbrockSteps">Steps of each Rosenbrock run.</param>
/// <param name="RosenbrockSgdLrs">SGD learning rates swept on Rosenbrock.</param>
/// <param name="RosenbrockAdamLrs">Adam and AdamW learning rates swept on Rosenbrock.</param>
/// <param name="RosenbrockDecay">Adam's and AdamW's weight decay on Rosenbrock.</param>
/// <param name="RosenbrockTarget">Each optimizer's best run must bring f below this (from f = 12.5 at the standard start).</param>
/// <param name="Momentum">SGD's momentum μ, in both parts.</param>
/// <param name="TrainBytes">Bytes of the corpus's train split to draw batches from.</param>
/// <param name="ValBytes">Bytes of the validation split.</param>
/// <param name="ValExamples">Windows of the validation set (evenly spaced over the validation bytes).</param>
/// <param name="Context">Bytes of context of the MLP language model.</param>
/// <param name="Embed">Embedding width per context byte.</param>
/// <param name="Hidden">Width of the hidden layers.</param>
/// <param name="Layers">Hidden layers.</param>
/// <param name="Batch">Windows per step.</param>
/// <param name="Steps">Steps of each language-model run of the sweep (part b).</param>
/// <param name="SgdLrs">SGD learning rates of the language-model sweep.</param>
/// <param name="AdamLrs">Adam and AdamW learning rates of the language-model sweep.</param>
/// <param name="AdamwDecay">AdamW's weight decay in the sweep (Adam runs without).</param>
/// <param name="ParitySteps">Steps of the in-lab comparison with libtorch's optimizers.</param>
/// <param name="GridSteps">Steps of each cell of the learning rate × weight decay grid (part c).</param>
/// <param name="GridLrs">Learning rates of the grid (both optimizers).</param>
/// <param name="GridAdamDecays">Adam's L2 weight decays λ (rows of its grid).</param>
/// <param name="GridAdamwDecays">AdamW's decoupled decays (rows of its grid), in the units of <paramref name="AdamwDecayMode"/>.</param>
/// <param name="AdamwDecayMode">"paper": the value is the per-step shrink λ (θ ← θ − λθ, independent of the learning rate, as in
/// Loshchilov &amp; Hutter's Algorithm 2), run as PyTorch's weight_decay = λ/η; "pytorch": the value is PyTorch's weight_decay
/// (shrink η·λ per step).</param>
public sealed record OptimizerComparisonConfig(
    double RosenbrockX,
    double RosenbrockY,
    int RosenbrockSteps,
    IReadOnlyList<double> RosenbrockSgdLrs,
    IReadOnlyList<double> RosenbrockAdamLrs,
    double RosenbrockDecay,
    double RosenbrockTarget,
    double Momentum,
    long TrainBytes,
    long ValBytes,
    int ValExamples,
    int Context,
    int Embed,
    int Hidden,
    int Layers,
    int Batch,
    int Steps,
    IReadOnlyList<double> SgdLrs,
    IReadOnlyList<double> AdamLrs,
    double AdamwDecay,
    int ParitySteps,
    int GridSteps,
    IReadOnlyList<double> GridLrs,
    IReadOnlyList<double> GridAdamDecays,
    IReadOnlyList<double> GridAdamwDecays,
    string AdamwDecayMode)
{
    /// <summary>The defaults of a profile.</summary>
    public static OptimizerComparisonConfig For(Profile profile) => profile switch
    {
        // Smoke: seconds. Short runs, two rates per sweep, a 2 × 2 grid: every code path, none of the conclusions.
        Profile.Smoke => Base with { RosenbrockSteps = 300, RosenbrockSgdLrs = [3e-4, 1e-3], RosenbrockAdamLrs = [3e-2, 1e-1],
                                     RosenbrockTarget = 2, TrainBytes = 200_000, ValBytes = 20_000, ValExamples = 1024, Hidden = 64,
                                     Steps = 60, SgdLrs = [0.1, 0.3], AdamLrs = [3e-3, 1e-2], ParitySteps = 5, GridSteps = 30,
                                     GridLrs = [3e-3, 1e-2], GridAdamDecays = [1e-3, 1e-1], GridAdamwDecays = [1e-4, 1e-2] },
        // Quick: about a minute on 2 cores.
        Profile.Quick => Base,
        // Full: longer runs, finer sweeps and a 6 × 6 grid; 15 MB and 800 kB: nearly all of the default corpus's train and
        // validation splits (16.5 MB and 871 kB on SDK 10).
        _ => Base with { RosenbrockSteps = 10_000, TrainBytes = 15_000_000, ValBytes = 800_000, ValExamples = 16_384, Hidden = 256,
                         Steps = 3000, SgdLrs = [0.01, 0.03, 0.1, 0.3, 1], AdamLrs = [3e-4, 1e-3, 3e-3, 1e-2, 3e-2],
                         ParitySteps = 100, GridSteps = 2000,
                         GridLrs = [3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1], GridAdamDecays = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1],
                         GridAdamwDecays = [1e-6, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3] },
    };

    static readonly OptimizerComparisonConfig Base = new(
        // (−1.5, 2): a standard start on the far side of the valley, f = 12.5; the path must turn the bend to reach (1, 1).
        RosenbrockX: -1.5,
        RosenbrockY: 2,
        // 2,000 steps: enough for every optimizer to reach the valley floor and travel a good part of it.
        RosenbrockSteps: 2000,
        // SGD's stable rates are tiny: the Hessian's largest eigenvalue is ≈ 1,900 at the start, and heavy-ball momentum
        // is stable for η < 2(1 + μ)/λ_max ≈ 2e-3 — so the largest rate of the sweep diverges.
        RosenbrockSgdLrs: [1e-4, 3e-4, 1e-3, 2e-3, 3e-3],
        // Adam's step is ≈ η per coordinate whatever the curvature: rates are distances.
        RosenbrockAdamLrs: [3e-3, 1e-2, 3e-2, 1e-1, 3e-1],
        // A small decay, so that Adam's and AdamW's paths differ (with λ = 0 they are the same algorithm).
        RosenbrockDecay: 0.01,
        // f < 0.1: well inside the valley near (1, 1), 125× below the start.
        RosenbrockTarget: 0.1,
        // μ = 0.9: the usual momentum (Sutskever et al. 2013).
        Momentum: 0.9,
        // 1 MB of the SDK docs: far more windows than the quick runs see (no overfitting: decay only acts as a constraint).
        TrainBytes: 1_000_000,
        // 100 kB of held-out documents.
        ValBytes: 100_000,
        // 4,096 validation windows: a standard error of the mean loss of ≈ 0.02 nats.
        ValExamples: 4096,
        // The MlpLanguageModel's defaults (8 bytes of context, 16-wide embeddings), 2 hidden layers of 128.
        Context: 8,
        Embed: 16,
        Hidden: 128,
        Layers: 2,
        // 64 windows per step: small enough that a quick run takes hundreds of steps.
        Batch: 64,
        // 300 steps: the loss is far below ln 256 and the optimizers have separated.
        Steps: 300,
        // Log-spaced by ~3×: SGD with momentum needs rates 10-100× Adam's.
        SgdLrs: [0.03, 0.1, 0.3, 1],
        AdamLrs: [1e-3, 3e-3, 1e-2, 3e-2],
        // 0.1: the decay of GPT-3 and Llama pretraining (PyTorch's default is 0.01).
        AdamwDecay: 0.1,
        // 20 steps of the lab's own model and batches against libtorch's optimizers.
        ParitySteps: 20,
        // 200 steps per cell, 5 × 5 × 2 cells (10,000 steps): the grid is the expensive part of the lab.
        GridSteps: 200,
        // Half-decade steps from 1e-3 to 0.1: the top rate is already too large for Adam on this model.
        GridLrs: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1],
        // From no effect (1e-5) to large enough to dominate a short run (at λ = 0.1 the L2 term λθ rivals the loss gradient).
        GridAdamDecays: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1],
        // Per-step shrinks from 1e-5 (≈ nothing in 200 steps) to 1e-2 (e^−2 over 200 steps), the range of decays that
        // cost little; stronger ones move AdamW's best rate too (see docs/part-02.md).
        GridAdamwDecays: [1e-5, 1e-4, 1e-3, 3e-3, 1e-2],
        // The paper's parameterisation: the decay does not scale with the learning rate (see the report).
        AdamwDecayMode: "paper");
}
