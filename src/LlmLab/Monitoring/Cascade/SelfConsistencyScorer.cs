using Microsoft.Extensions.AI;
using LlmLab.Monitoring.Caching;

namespace LlmLab.Monitoring.Cascade;

/// <summary>
/// Confidence = the share of <c>k</c> sampled answers (temperature <see cref="Temperature"/>, seeds 1…k) that agree with
/// the greedy answer after normalisation (self-consistency, Wang et al. 2023; used as a cascade's decision rule by
/// Yue et al. 2024, "Large Language Model Cascades with Mixture of Thoughts Representations"). Works with any
/// <see cref="IChatClient"/>; costs k extra calls of the small model, which the cascade counts. Thread-safe.
/// </summary>
/// <param name="k">Samples drawn (≥ 1).</param>
/// <param name="temperature">Their temperature (&gt; 0).</param>
/// <param name="canonical">Maps an answer to what must agree (null: <see cref="CachedPrompt.Normalize"/>, lower case).</param>
public sealed class SelfConsistencyScorer(int k, double temperature = 0.8, Func<string, string>? canonical = null) : IConfidenceScorer
{
    readonly Func<string, string> _canonical = canonical ?? (s => CachedPrompt.Normalize(s).ToLowerInvariant());

    public int K { get; } = k >= 1 ? k : throw new InputException($"self-consistency needs k >= 1 samples (got {k})");
    public double Temperature { get; } = temperature > 0 ? temperature : throw new InputException($"self-consistency samples need a temperature > 0 (got {temperature})");
    public string Name => $"self-consistency-{K}";

    public async Task<ConfidenceScore> ScoreAsync(IChatClient small, IReadOnlyList<ChatMessage> messages, ChatOptions? options, ChatResponse answer,
        CancellationToken ct)
    {
        string target = _canonical(answer.Text);
        int agree = 0;
        long input = 0, output = 0;
        for (int i = 1; i <= K; i++)
        {
            var o = options?.Clone() ?? new ChatOptions();
            (o.Temperature, o.Seed) = ((float)Temperature, i);
            var r = await small.GetResponseAsync(messages, o, ct).ConfigureAwait(false);
            if (_canonical(r.Text) == target) agree++;
            input += r.Usage?.InputTokenCount ?? 0;
            output += r.Usage?.OutputTokenCount ?? 0;
        }
        return new ConfidenceScore((double)agree / K, input, output);
    }
}
