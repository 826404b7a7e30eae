namespace LlmLab.Data.Mixture;

/// <summary>
/// The target proportions of a data mixture: explicit weights normalised to sum to one, or temperature sampling
/// p_i ∝ n_i^(1/T) over the sources' sizes (the rule multilingual models use to up-sample small languages: XLM, Conneau
/// et al. 2020, α = 1/T = 0.3; mT5, Xue et al. 2021, α = 0.3). Pure functions; thread-safe.
/// </summary>
public static class MixtureWeights
{
    /// <summary>
    /// <paramref name="weights"/> divided by their sum. Each weight must be finite and ≥ 0 and their sum positive; the
    /// message of a bad one names the source (<paramref name="names"/>, same order).
    /// </summary>
    /// <exception cref="InputException">A weight is negative or not a number, or they sum to zero.</exception>
    public static double[] Normalise(IReadOnlyList<double> weights, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(names);
        if (weights.Count != names.Count) throw new ArgumentException($"{weights.Count} weights for {names.Count} sources");
        if (weights.Count == 0) throw new InputException("a mixture needs at least one source; give --source NAME=PATH[:WEIGHT]");
        double sum = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            double w = weights[i];
            if (!double.IsFinite(w) || w < 0)
                throw new InputException($"source '{names[i]}': weight {w} must be a finite number >= 0");
            sum += w;
        }
        if (!(sum > 0))
            throw new InputException(
                $"the weights of the sources ({string.Join(", ", names)}) sum to {sum}; give at least one positive weight");
        return weights.Select(w => w / sum).ToArray();
    }

    /// <summary>
    /// Temperature sampling: p_i = n_i^(1/T) / Σ_j n_j^(1/T). T = 1 keeps the natural proportions (p ∝ size), T → ∞
    /// tends to uniform over the non-empty sources (<see cref="double.PositiveInfinity"/> gives it exactly), T &lt; 1
    /// sharpens towards the largest. An empty source (n = 0) gets 0. Computed in log space, so large sizes and small
    /// temperatures do not overflow.
    /// </summary>
    /// <exception cref="InputException">T is not &gt; 0, a size is negative, or every source is empty.</exception>
    public static double[] Temperature(IReadOnlyList<long> sizes, double temperature)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (!(temperature > 0))
            throw new InputException(
                $"--temperature must be > 0 (got {temperature}); 1 keeps the natural proportions, larger flattens them");
        if (sizes.Any(n => n < 0)) throw new ArgumentException("source sizes must be >= 0", nameof(sizes));
        if (sizes.All(n => n == 0)) throw new InputException("every source is empty; give sources with some text");
        double alpha = double.IsPositiveInfinity(temperature) ? 0 : 1 / temperature;
        var logs = sizes.Select(n => n == 0 ? double.NegativeInfinity : alpha * Math.Log(n)).ToArray();
        double max = logs.Max();
        var p = logs.Select(l => Math.Exp(l - max)).ToArray(); // exp(−∞) = 0 for the empty sources
        double sum = p.Sum();
        return p.Select(v => v / sum).ToArray();
    }
}
