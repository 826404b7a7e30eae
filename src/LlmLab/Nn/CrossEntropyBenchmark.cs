using System.Diagnostics;
using static TorchSharp.torch;

namespace LlmLab.Nn;

/// <summary>
/// Times the cross-entropy variants on one (N, V) batch of float32 logits ~ N(0, 1) with random class targets: the
/// naive and stable from-scratch versions and libtorch's fused <c>cross_entropy</c>, forward alone and forward plus the
/// gradient with respect to the logits (autograd; and the stable loss with the analytic gradient). Variants are
/// interleaved within each repeat so that machine noise hits all of them alike; the first round only warms up.
/// A measurement, not a check: numbers depend on the machine and on <c>torch.get_num_threads()</c>. Not thread-safe
/// (it times libtorch, which uses its own threads).
/// </summary>
public static class CrossEntropyBenchmark
{
    /// <summary>The variants, in table order: (name, with gradient).</summary>
    public static IReadOnlyList<(string Variant, bool Backward)> Variants { get; } =
    [
        ("naive", false), ("stable", false), ("libtorch", false),
        ("naive", true), ("stable", true), ("stable + analytic gradient", true), ("libtorch", true),
    ];

    public static IReadOnlyList<CrossEntropyTiming> Run(long rows, long vocab, int repeats, long seed)
    {
        if (rows < 1 || vocab < 2 || repeats < 1)
            throw new ArgumentException($"need rows >= 1, vocab >= 2, repeats >= 1 (got {rows}, {vocab}, {repeats})");
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)seed);
        var z = randn([rows, vocab], float32, generator: g);          // (N, V)
        var y = randint(0, vocab, [rows], generator: g);               // (N)
        var zGrad = z.detach().requires_grad_(true);
        var samples = Variants.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r <= repeats; r++)
        {
            for (int v = 0; v < Variants.Count; v++)
            {
                var (name, backward) = Variants[v];
                var sw = Stopwatch.StartNew();
                Call(name, backward, backward ? zGrad : z, y);
                if (r > 0) samples[v].Add(sw.Elapsed.TotalSeconds); // round 0 warms caches, allocator and thread pool
            }
        }
        return Variants.Select((v, i) =>
        {
            var (min, median) = Runtime.SampleStats.MinMedian(samples[i]);
            return new CrossEntropyTiming(v.Variant, v.Backward, rows, vocab, min, median);
        }).ToList();
    }

    /// <summary>One call; everything it allocates is freed before the clock stops (the scope ends inside).</summary>
    static void Call(string variant, bool backward, Tensor z, Tensor y)
    {
        using var scope = NewDisposeScope();
        if (variant == "stable + analytic gradient")
        {
            using var noGrad = no_grad();
            CrossEntropy.Stable(z, y);
            CrossEntropy.Gradient(z, y);
            return;
        }
        Func<Tensor, Tensor, CrossEntropyOptions?, Tensor> loss = variant switch
        {
            "naive" => CrossEntropy.Naive,
            "stable" => CrossEntropy.Stable,
            _ => CrossEntropy.Libtorch,
        };
        if (!backward)
        {
            using var noGrad = no_grad();
            loss(z, y, null);
            return;
        }
        autograd.grad([loss(z, y, null)], [z]);
    }
}
