using System.Diagnostics;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Nn.Attention;

/// <summary>
/// Times the naive, tiled and SDPA attention kernels across sequence lengths on fp32 inputs ~ N(0, 1) of shape
/// (B, nh, T, d), forward alone and forward + backward, measures each call's peak memory, and checks that the
/// variants agree. Within each repeat the variants run one after the other, so that machine noise hits them alike;
/// the first round only warms up (allocator, thread pool, caches). Every call frees what it allocated before the clock
/// stops. A measurement, not a check: figures depend on the machine and on <c>torch.get_num_threads()</c>. Not
/// thread-safe (libtorch runs its own threads, and the memory probe counts the whole process).
/// </summary>
public static class AttentionBenchmark
{
    /// <summary>Runs the benchmark; <paramref name="progress"/> hears one line per (T, causal) point done.</summary>
    public static AttentionBenchmarkResult Run(AttentionBenchmarkOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var timings = new List<AttentionTiming>();
        var agreements = new List<AttentionAgreement>();
        foreach (int t in options.Lengths)
            foreach (bool causal in options.CausalModes)
            {
                using var scope = NewDisposeScope();
                var shape = new AttentionCase($"T = {t:N0}", options.Batch, options.Heads, t, t, options.HeadDim, causal);
                var (q, k, v, upstream) = shape.Inputs(Seeding.DeriveSeed(options.Seed, $"attention T={t}"), float32);
                var variants = options.VariantsAt(t);
                foreach (var pass in options.Passes)
                {
                    var samples = Time(variants, pass, options.Repeats, q, k, v, causal, upstream);
                    for (int i = 0; i < variants.Count; i++)
                    {
                        var variant = variants[i];
                        long? peak = options.Memory ? Peak(() => Call(variant, pass, q, k, v, causal, upstream)) : null;
                        var (min, median) = Runtime.SampleStats.MinMedian(samples[i]);
                        timings.Add(new(t, causal, pass, variant.Name, min, median, peak));
                    }
                }
                if (t <= options.VerifyMaxLength)
                {
                    var reference = variants[0].Kernel == AttentionKernel.Naive ? variants[0] : AttentionVariant.Sdpa;
                    foreach (var variant in variants.Where(x => x != reference))
                        agreements.Add(AttentionAgreement.Of(shape.ToString(), variant, reference, q, k, v, causal, upstream));
                }
                progress?.Report($"T = {t:N0}, {(causal ? "causal" : "not causal")}");
            }
        return new(options, timings, agreements);
    }

    /// <summary>
    /// The smaller peak of <see cref="MemoryRepeats"/> measured calls: from one call to the next libtorch sometimes
    /// frees a buffer a moment later (seen as one more (T × T) buffer in the naive kernel's backward at T = 512, every
    /// other call), which only ever adds to a figure.
    /// </summary>
    static long? Peak(Action call)
    {
        long? best = null;
        for (int i = 0; i < MemoryRepeats; i++)
            if (PeakResidentMemory.Measure(call) is { } b && (best is null || b < best)) best = b;
        return best;
    }

    /// <summary>Measured calls per memory figure (the smallest is kept).</summary>
    public const int MemoryRepeats = 2;

    /// <summary>Seconds per call of each variant: one warm-up round, then <paramref name="repeats"/> interleaved rounds.</summary>
    static List<double>[] Time(IReadOnlyList<AttentionVariant> variants, AttentionPass pass, int repeats, Tensor q, Tensor k, Tensor v,
                               bool causal, Tensor upstream)
    {
        var samples = variants.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r <= repeats; r++)
            for (int i = 0; i < variants.Count; i++)
            {
                var sw = Stopwatch.StartNew();
                Call(variants[i], pass, q, k, v, causal, upstream);
                if (r > 0) samples[i].Add(sw.Elapsed.TotalSeconds);
            }
        return samples;
    }

    /// <summary>One call; everything it allocates is freed before it returns (the scope ends inside).</summary>
    static void Call(AttentionVariant variant, AttentionPass pass, Tensor q, Tensor k, Tensor v, bool causal, Tensor upstream)
    {
        using var scope = NewDisposeScope();
        if (pass == AttentionPass.Forward)
        {
            using var noGrad = no_grad();
            variant.Run(q, k, v, causal);
            return;
        }
        AttentionAgreement.OutputAndGradients(variant, q, k, v, causal, upstream);
    }
}
