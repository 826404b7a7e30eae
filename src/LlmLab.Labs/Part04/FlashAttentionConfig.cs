using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part04;

/// <summary>Settings of lab 4.3 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="Lengths">Sequence lengths T of the benchmark (queries = keys = T).</param>
/// <param name="Batch">B of the benchmark inputs.</param>
/// <param name="Heads">nh of the benchmark inputs.</param>
/// <param name="HeadDim">d of the benchmark inputs.</param>
/// <param name="CausalModes">false (not causal), true (causal), or both.</param>
/// <param name="Tiles">Tile sizes of our kernel, "QUERYxKEY" (one timed variant each).</param>
/// <param name="Repeats">Timed calls per variant after one warm-up round; min and median are reported.</param>
/// <param name="Backward">Also measure forward + backward (what training pays), not only the forward pass.</param>
/// <param name="NaiveMaxLength">Longest T at which the naive kernel runs.</param>
/// <param name="VerifyMaxLength">Longest benchmark T at which outputs and gradients are compared.</param>
/// <param name="FitFromLength">The memory exponents are fitted over the lengths ≥ this one.</param>
public sealed record FlashAttentionConfig(
    IReadOnlyList<int> Lengths,
    int Batch,
    int Heads,
    int HeadDim,
    IReadOnlyList<bool> CausalModes,
    IReadOnlyList<string> Tiles,
    int Repeats,
    bool Backward,
    int NaiveMaxLength,
    int VerifyMaxLength,
    int FitFromLength)
{
    /// <summary>The defaults of a profile.</summary>
    public static FlashAttentionConfig For(Profile profile) => profile switch
    {
        // Smoke: 2 heads × 16 keep the naive kernel's linear terms (q, k, v, gradients ∝ T·d) small next to its T²
        // scores, so the exponents show even at T ≤ 1,024 (fitted from 512: below ~1 MB the memory probe is noise);
        // one repeat; a few seconds on one thread.
        Profile.Smoke => Base with { Lengths = [256, 512, 1024], Heads = 2, HeadDim = 16, Repeats = 1, VerifyMaxLength = 1024 },
        // Quick: the course's shape up to T = 2,048 (naive at 2,048: 67 MB per score matrix, about a second per
        // forward + backward on 2 cores); about a minute.
        Profile.Quick => Base,
        // Full: T up to 16,384 (the naive kernel up to 8,192, where its scores alone are 1.07 GB a copy and its
        // forward + backward holds several), five repeats.
        _ => Base with
        {
            Lengths = [128, 256, 512, 1024, 2048, 4096, 8192, 16384], Repeats = 5, NaiveMaxLength = 8192,
            VerifyMaxLength = 4096, FitFromLength = 1024,
        },
    };

    static readonly FlashAttentionConfig Base = new(
        // Powers of two from 128 (a short prompt) to 2,048 (GPT-2's 1,024 context, twice).
        Lengths: [128, 256, 512, 1024, 2048],
        // Batch 1, as in the FlashAttention paper's sequence-length sweeps of one long sequence.
        Batch: 1,
        // 4 heads × 64: the head dim of GPT-2 and most small models (GPT-2 small has 12 of them; 4 keep the CPU runs short).
        Heads: 4,
        HeadDim: 64,
        // Both: causal (decoders) skips the tiles above the diagonal, non-causal (encoders) computes them all.
        CausalModes: [false, true],
        // 128 × 128: TiledAttentionBlocks.Default (why: see there); add e.g. 64x256 to compare tile shapes.
        Tiles: ["128x128"],
        // 3 repeats after the warm-up: min and median on a noisy shared machine.
        Repeats: 3,
        // Forward + backward too: training pays both, and the backward is where the naive kernel's saved scores hurt.
        Backward: true,
        NaiveMaxLength: 2048,
        // Every benchmark length of the quick profile.
        VerifyMaxLength: 2048,
        // From 512 up each of the naive kernel's (T × T) tensors outweighs a (T × d) one T/d ≥ 8 times, so the fit sees the asymptote.
        FitFromLength: 512);
}
