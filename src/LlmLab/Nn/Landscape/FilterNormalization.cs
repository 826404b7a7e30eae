using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn.Landscape;

/// <summary>
/// Filter-normalised random directions, after Li et al. 2018 §4. A plain Gaussian direction d is blind to the
/// scale invariance of a network (multiply a ReLU layer's weights by 10 and divide the next by 10: same function,
/// very different distances), so plots of different networks would not be comparable. The fix: give every filter of
/// d the norm of the matching filter of the weights θ,
/// <code>d_i ← d_i / ‖d_i‖ · ‖θ_i‖</code>
/// where a filter is one slice along dimension 0 of a tensor of rank ≥ 2: a row of a Linear weight (out, in) — one
/// output neuron's weights —, a row of an Embedding (V, E) — one token's vector —, an output channel of a convolution.
/// Tensors of rank ≤ 1 (biases, norm gains) get d = 0: the paper's <c>ignore='biasbn'</c> option, which keeps
/// those parameters at θ* during the scan. Stateless and thread-safe; returned vectors belong to the caller.
/// </summary>
public static class FilterNormalization
{
    /// <summary>Added to ‖d_i‖ before dividing, as in the authors' reference code, so a zero filter cannot divide by
    /// zero. Its effect on a Gaussian filter's norm (≫ 1e-3) is below float32 resolution.</summary>
    public const double Epsilon = 1e-10;

    /// <summary>Whether a tensor is made of filters (rank ≥ 2) or is ignored (rank ≤ 1: biases and norm parameters).</summary>
    public static bool HasFilters(Tensor t) => t.dim() >= 2;

    /// <summary>
    /// A Gaussian direction with the layout of <paramref name="weights"/>, filter-normalised against them. Drawn
    /// from a private generator seeded with <paramref name="seed"/>: the same seed gives the same direction, and
    /// libtorch's global generator is left untouched.
    /// </summary>
    public static ParameterVector RandomDirection(ParameterVector weights, long seed)
    {
        ArgumentNullException.ThrowIfNull(weights);
        using var generator = new Generator(unchecked((ulong)seed));
        using var raw = weights.Select((_, t) => randn(t.shape, dtype: t.dtype, generator: generator));
        return Normalize(raw, weights);
    }

    /// <summary>
    /// <paramref name="direction"/> rescaled filter by filter to the norms of <paramref name="weights"/>' filters,
    /// with every rank ≤ 1 tensor zeroed. A new vector; the inputs are not changed.
    /// </summary>
    public static ParameterVector Normalize(ParameterVector direction, ParameterVector weights)
    {
        ArgumentNullException.ThrowIfNull(direction);
        ArgumentNullException.ThrowIfNull(weights);
        if (direction.Count != weights.Count)
            throw new ArgumentException($"the direction has {direction.Count} tensors, the weights {weights.Count}", nameof(direction));
        return direction.Select((k, d) =>
        {
            var w = weights.Tensors[k];
            if (!d.shape.SequenceEqual(w.shape))
                throw new ArgumentException($"parameter {weights.Names[k]}: the direction's shape differs from the weights'", nameof(direction));
            if (!HasFilters(d)) return zeros_like(d);
            var dNorm = FilterNormTensor(d);                   // (F,)
            var wNorm = FilterNormTensor(w);                   // (F,)
            var scale = wNorm.div(dNorm.add(Epsilon));         // (F,)
            var shape = new long[d.dim()];
            Array.Fill(shape, 1L);
            shape[0] = d.shape[0];
            return d.mul(scale.view(shape));                   // each filter i scaled by ‖θ_i‖ / ‖d_i‖
        });
    }

    /// <summary>The norm of each filter (slice along dimension 0) of a rank ≥ 2 tensor, computed in float64.</summary>
    public static double[] FilterNorms(Tensor t)
    {
        if (!HasFilters(t)) throw new ArgumentException($"a tensor of rank {t.dim()} has no filters; filters need rank >= 2", nameof(t));
        using var scope = NewDisposeScope();
        return FilterNormTensor(t.to_type(ScalarType.Float64)).data<double>().ToArray();
    }

    /// <summary>
    /// Measures how well <paramref name="direction"/> is filter-normalised against <paramref name="weights"/>:
    /// the largest relative gap between a filter's norm in d and in θ, and the largest |d| over the ignored tensors.
    /// </summary>
    public static FilterNormalizationCheck Verify(ParameterVector direction, ParameterVector weights)
    {
        ArgumentNullException.ThrowIfNull(direction);
        ArgumentNullException.ThrowIfNull(weights);
        using var scope = NewDisposeScope();
        double worstRel = 0, worstIgnored = 0;
        int filters = 0, ignored = 0;
        for (int k = 0; k < weights.Count; k++)
        {
            var d = direction.Tensors[k];
            if (!HasFilters(d))
            {
                ignored++;
                if (d.numel() > 0) worstIgnored = Math.Max(worstIgnored, d.abs().max().to_type(ScalarType.Float64).item<double>());
                continue;
            }
            double[] dn = FilterNorms(d), wn = FilterNorms(weights.Tensors[k]);
            filters += dn.Length;
            for (int i = 0; i < dn.Length; i++)
                worstRel = Math.Max(worstRel, Math.Abs(dn[i] - wn[i]) / Math.Max(wn[i], double.Epsilon));
        }
        return new FilterNormalizationCheck(worstRel, worstIgnored, filters, ignored);
    }

    static Tensor FilterNormTensor(Tensor t) => t.flatten(1).norm(1); // (F, rest) → (F,)
}
