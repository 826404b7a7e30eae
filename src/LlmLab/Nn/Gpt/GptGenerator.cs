using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// Autoregressive generation from a <see cref="GptModel"/>, enough for a lab's samples (the inference part builds the
/// real engine): for each new token, (1) run the model on what it has not seen yet — the whole window at first, then
/// only the last token when a KV cache holds the rest — (2) take the last position's logits, (3) pick a token by
/// <see cref="GptSamplingOptions"/> and append it. Past n_positions tokens, the window is the last n_positions tokens
/// (nanoGPT's crop); with a cache that means re-reading the window, so both paths stay equal. One sequence at a time.
/// </summary>
public static class GptGenerator
{
    /// <summary>
    /// <paramref name="count"/> new tokens after <paramref name="prompt"/>. The model runs in evaluation mode without
    /// gradients and is returned to its mode.
    /// </summary>
    /// <exception cref="ArgumentException">An empty prompt, a negative count, or invalid options.</exception>
    public static int[] Generate(GptModel model, IReadOnlyList<int> prompt, int count, GptSamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        if (prompt.Count == 0) throw new ArgumentException("the prompt needs at least one token to start from", nameof(prompt));
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"count must be >= 0 (got {count})");
        options.Validate();
        var rng = new Random(options.Seed);
        var tokens = new List<int>(prompt);
        int context = model.Config.Context;
        bool wasTraining = model.training;
        model.eval();
        using var cache = options.UseKvCache ? ContiguousKvCache.For(model.Config) : null;
        try
        {
            using var noGrad = no_grad();
            for (int i = 0; i < count; i++)
            {
                using var scope = NewDisposeScope();
                int n = tokens.Count;
                bool incremental = cache is not null && cache.Length > 0 && cache.Length == n - 1 && n <= context;
                int start = incremental ? n - 1 : Math.Max(0, n - context);               // 1.
                if (!incremental) cache?.Reset();
                var input = tensor(tokens.Skip(start).Select(t => (long)t).ToArray(), [1, n - start]); // (1, T)
                var logits = model.Forward(input, cache)[0, -1].to(ScalarType.Float64);   // (V)             2.
                tokens.Add(Pick(logits.data<double>().ToArray(), options, rng));          //                 3.
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return tokens.Skip(prompt.Count).ToArray();
    }

    /// <summary>One token from last-position logits: argmax at temperature 0, else a draw from softmax(logits / τ)
    /// over the top k (inverse CDF with <paramref name="rng"/>).</summary>
    internal static int Pick(double[] logits, GptSamplingOptions options, Random rng)
    {
        if (options.Temperature == 0) return Array.IndexOf(logits, logits.Max());
        double cut = double.NegativeInfinity;
        if (options.TopK is { } k && k < logits.Length) cut = logits.OrderDescending().ElementAt(k - 1); // ties at the cut stay in
        double max = logits.Max();
        var p = logits.Select(l => l >= cut ? Math.Exp((l - max) / options.Temperature) : 0).ToArray();
        return Runtime.Categorical.Draw(p, rng.NextDouble());
    }
}
