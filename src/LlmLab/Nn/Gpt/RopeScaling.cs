using System.Globalization;
using System.Text.Json.Serialization;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// RoPE's long-context rescaling (config key <c>rope_scaling</c>, as Hugging Face writes it), applied to the inverse
/// frequencies θᵢ = base^(−2i/hs) of <see cref="RotaryEmbedding"/>:
/// <list type="bullet">
/// <item><c>linear</c> (position interpolation, Chen et al. 2023): every θᵢ divided by <see cref="Factor"/>, i.e. positions
/// squeezed by the factor.</item>
/// <item><c>llama3</c> (Meta's Llama 3.1 reference, <c>apply_scaling</c>; transformers' <c>_compute_llama3_parameters</c>):
/// with L = <see cref="OriginalMaxPositionEmbeddings"/>, a pair whose wavelength 2π/θᵢ is shorter than L / high_freq_factor
/// keeps θᵢ (it already repeats many times within the trained context); one longer than L / low_freq_factor gets θᵢ /
/// factor; in between the two are blended, θᵢ·((1 − s)/factor + s) with s = (L/wavelength − low) / (high − low).</item>
/// </list>
/// Neither changes the attention scale (both have an attention factor of 1). Immutable.
/// </summary>
public sealed record RopeScaling
{
    /// <summary>The kind: <c>linear</c> or <c>llama3</c> (<c>default</c> = no scaling). Hugging Face's newer spelling.</summary>
    [JsonPropertyName("rope_type")] public string? RopeType { get; init; }

    /// <summary>The kind under its older key (transformers before 4.43 wrote <c>type</c>); either may be given.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }

    /// <summary>The context extension factor (8 for Llama 3.1, 32 for Llama 3.2).</summary>
    [JsonPropertyName("factor")] public double Factor { get; init; } = 1;

    /// <summary>llama3: wavelengths above L / low_freq_factor are fully interpolated (Llama 3.1: 1).</summary>
    [JsonPropertyName("low_freq_factor")] public double? LowFreqFactor { get; init; }

    /// <summary>llama3: wavelengths below L / high_freq_factor are kept (Llama 3.1: 4).</summary>
    [JsonPropertyName("high_freq_factor")] public double? HighFreqFactor { get; init; }

    /// <summary>llama3: L, the context the model was pretrained with before the extension (Llama 3.1: 8,192).</summary>
    [JsonPropertyName("original_max_position_embeddings")] public int? OriginalMaxPositionEmbeddings { get; init; }

    /// <summary>The kind in effect: <see cref="RopeType"/>, else <see cref="Type"/>, else <c>default</c>.</summary>
    [JsonIgnore] public string Kind => RopeType ?? Type ?? "default";

    /// <summary>Rejects a kind we do not compute or parameters the formula cannot use; the message names the key.</summary>
    /// <exception cref="InputException">The problem, naming <c>rope_scaling.…</c>.</exception>
    public void Validate()
    {
        if (RopeType is not null && Type is not null && RopeType != Type)
            throw new InputException($"config rope_scaling.rope_type ('{RopeType}') and rope_scaling.type ('{Type}') disagree; keep one");
        if (Kind is not ("default" or "linear" or "llama3"))
            throw new InputException($"config rope_scaling.rope_type '{Kind}' is not implemented in LlmLab's GPT (linear and " +
                "llama3 are); " +
                "remove rope_scaling only if you stay within the original context");
        if (!(Factor > 0) || double.IsInfinity(Factor))
            throw new InputException(Inv($"config rope_scaling.factor must be a finite number > 0 (got {Factor})"));
        if (Kind != "llama3") return;
        if (LowFreqFactor is not { } low || HighFreqFactor is not { } high || OriginalMaxPositionEmbeddings is not { } original)
            throw new InputException("config rope_scaling of type llama3 needs low_freq_factor, high_freq_factor and " +
                "original_max_position_embeddings");
        if (!(low > 0) || !(high > low) || double.IsInfinity(high))
            throw new InputException(Inv($"config rope_scaling needs 0 < low_freq_factor < high_freq_factor (got {low} and {high})"));
        if (original < 1)
            throw new InputException(Inv($"config rope_scaling.original_max_position_embeddings must be >= 1 (got {original})"));
    }

    /// <summary>θᵢ for the hs/2 pairs of a head: base^(−2i/hs), rescaled by <paramref name="scaling"/> when it is set.</summary>
    /// <param name="headSize">hs, even.</param>
    /// <param name="theta">The base (rope_theta).</param>
    /// <param name="scaling">The rescaling, or null.</param>
    public static double[] InverseFrequencies(int headSize, double theta, RopeScaling? scaling)
    {
        var inv = new double[headSize / 2];
        for (int i = 0; i < inv.Length; i++) inv[i] = Math.Pow(theta, -2.0 * i / headSize);
        switch (scaling?.Kind)
        {
            case "linear":
                for (int i = 0; i < inv.Length; i++) inv[i] /= scaling!.Factor;
                break;
            case "llama3":
                double low = scaling!.LowFreqFactor!.Value, high = scaling.HighFreqFactor!.Value;
                double l = scaling.OriginalMaxPositionEmbeddings!.Value;
                double lowWavelength = l / low, highWavelength = l / high;   // long wavelengths = low frequencies
                for (int i = 0; i < inv.Length; i++)
                {
                    double wavelength = 2 * Math.PI / inv[i];
                    if (wavelength < highWavelength) continue;                               // 1. high frequency: kept
                    if (wavelength > lowWavelength) { inv[i] /= scaling.Factor; continue; } // 2. low frequency: interpolated
                    double s = (l / wavelength - low) / (high - low);                        // 3. in between: blended
                    inv[i] = (1 - s) * inv[i] / scaling.Factor + s * inv[i];
                }
                break;
        }
        return inv;
    }

    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
