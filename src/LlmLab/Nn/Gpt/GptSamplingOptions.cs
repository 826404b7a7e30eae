namespace LlmLab.Nn.Gpt;

/// <summary>
/// How <see cref="GptGenerator"/> picks each next token. Immutable.
/// </summary>
/// <param name="Temperature">Logits are divided by it before the softmax: &lt; 1 sharpens, &gt; 1 flattens; 0 = greedy
/// (always the most likely token, no randomness).</param>
/// <param name="TopK">Keep only the k most likely tokens before drawing (Fan et al. 2018); null = all.</param>
/// <param name="Seed">Seeds the draws (a <see cref="Random"/>, not libtorch's generator), so the same model, prompt
/// and options give the same tokens.</param>
/// <param name="UseKvCache">Decode incrementally with a <see cref="ContiguousKvCache"/> (one token's forward per step)
/// instead of re-running the whole window each step; both give the same tokens.</param>
public sealed record GptSamplingOptions(double Temperature = 1.0, int? TopK = null, int Seed = 0, bool UseKvCache = true)
{
    /// <summary>Greedy decoding: temperature 0.</summary>
    public static GptSamplingOptions Greedy { get; } = new(Temperature: 0);

    /// <summary>Rejects options no sampler can use.</summary>
    /// <exception cref="ArgumentException">A negative or non-finite temperature, or top-k below 1.</exception>
    public void Validate()
    {
        if (!(Temperature >= 0) || double.IsInfinity(Temperature))
            throw new ArgumentException($"temperature must be a finite number >= 0 (got {Temperature}); 0 = greedy");
        if (TopK is < 1) throw new ArgumentException($"top-k must be >= 1 or null for no cut (got {TopK})");
    }
}
