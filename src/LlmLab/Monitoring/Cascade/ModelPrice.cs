using System.Globalization;

namespace LlmLab.Monitoring.Cascade;

/// <summary>What one token costs on a model, in any unit the caller chooses (dollars per token from a price list, or
/// compute). Immutable.</summary>
/// <param name="PerInputToken">Cost of one prompt token.</param>
/// <param name="PerOutputToken">Cost of one generated token.</param>
public sealed record ModelPrice(double PerInputToken, double PerOutputToken)
{
    /// <summary>
    /// The compute price of a decoder of <paramref name="parameters"/> parameters, in GFLOP per token: a forward pass costs
    /// about 2 FLOPs per parameter per token (Kaplan et al. 2020, "Scaling Laws for Neural Language Models", section 2.1:
    /// C_forward ≈ 2N), for a prompt token as for a generated one (the attention term, 2·n_layer·n_ctx·d_attn, is left out:
    /// at our contexts it is a few percent of 2N).
    /// </summary>
    public static ModelPrice FromParameters(long parameters)
    {
        if (parameters < 1) throw new InputException($"a model's parameter count must be >= 1 (got {parameters})");
        double gflop = 2.0 * parameters / 1e9;
        return new ModelPrice(gflop, gflop);
    }

    /// <summary>Reads "IN/OUT" or one number for both (e.g. <c>0.15/0.6</c>).</summary>
    /// <exception cref="InputException">Not one or two non-negative numbers.</exception>
    public static ModelPrice Parse(string text, string what)
    {
        var parts = text.Split('/');
        double[] v = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= 0 && double.IsFinite(d)
            ? d : throw new InputException($"{what}: '{text}' is not a price: give COST_PER_TOKEN or IN/OUT (non-negative numbers)")).ToArray();
        return v.Length switch
        {
            1 => new ModelPrice(v[0], v[0]),
            2 => new ModelPrice(v[0], v[1]),
            _ => throw new InputException($"{what}: '{text}' has {v.Length} parts: give COST_PER_TOKEN or IN/OUT"),
        };
    }

    /// <summary>The cost of a call that read <paramref name="inputTokens"/> and wrote <paramref name="outputTokens"/>.</summary>
    public double Cost(long inputTokens, long outputTokens) => inputTokens * PerInputToken + outputTokens * PerOutputToken;
}
