using static TorchSharp.torch;

namespace LlmLab.Nn.Attention;

/// <summary>
/// A shape on which attention implementations are compared: q (B, nh, Tq, d), k and v (B, nh, Tk, d), N(0, 1) entries.
/// <see cref="Standard"/> holds the shapes that break a tiled kernel if it has a bug: lengths that are not multiples of
/// the tile, fewer queries than keys (decoding with a cache), one head and many, small and large head dims. Immutable.
/// </summary>
/// <param name="Name">A label for reports.</param>
/// <param name="Batch">B.</param>
/// <param name="Heads">nh.</param>
/// <param name="QueryLength">Tq.</param>
/// <param name="KeyLength">Tk (≥ Tq when causal).</param>
/// <param name="HeadDim">d.</param>
/// <param name="Causal">Whether query i sees only keys j ≤ i + Tk − Tq.</param>
public sealed record AttentionCase(string Name, int Batch, int Heads, int QueryLength, int KeyLength, int HeadDim, bool Causal)
{
    /// <summary>Each shape causal and not, except where Tq &lt; Tk (shown both ways once).</summary>
    public static IReadOnlyList<AttentionCase> Standard { get; } =
    [
        new("T = 100, not a multiple of the tile; 4 heads × 64", 1, 4, 100, 100, 64, false),
        new("T = 100, not a multiple of the tile; 4 heads × 64", 1, 4, 100, 100, 64, true),
        new("T = 257, batch 2, 3 heads × 16", 2, 3, 257, 257, 16, false),
        new("T = 257, batch 2, 3 heads × 16", 2, 3, 257, 257, 16, true),
        new("T = 64, one head × 128", 1, 1, 64, 64, 128, true),
        new("Tq = 37 < Tk = 300 (decoding with a cache), 2 heads × 32", 1, 2, 37, 300, 32, true),
        new("Tq = 37 < Tk = 300 (decoding with a cache), 2 heads × 32", 1, 2, 37, 300, 32, false),
        new("Tq = 1, Tk = 129 (one decoding step), 4 heads × 64", 1, 4, 1, 129, 64, true),
    ];

    /// <summary>Seeded q, k, v and an upstream gradient dO ~ N(0, 1), new tensors the caller owns.</summary>
    public (Tensor Q, Tensor K, Tensor V, Tensor Upstream) Inputs(long seed, ScalarType dtype, Device? device = null)
    {
        var g = new Generator((ulong)seed);
        long[] qs = [Batch, Heads, QueryLength, HeadDim], ks = [Batch, Heads, KeyLength, HeadDim];
        var q = randn(qs, float64, generator: g).to(dtype, device ?? CPU);
        var k = randn(ks, float64, generator: g).to(dtype, device ?? CPU);
        var v = randn(ks, float64, generator: g).to(dtype, device ?? CPU);
        var up = randn(qs, float64, generator: g).to(dtype, device ?? CPU);
        g.Dispose();
        return (q, k, v, up);
    }

    public override string ToString() => $"{Name}, {(Causal ? "causal" : "not causal")}";
}
