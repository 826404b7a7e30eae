using LlmLab.Inference;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Inference;

public class LogitsProcessorTests
{
    public LogitsProcessorTests() => TorchRuntime.EnsureLoaded(1);

    static int[] Kept(double[] logits, SamplingParams p, IEnumerable<int>? seen = null)
    {
        using var x = LogitsProcessor.Process(tensor(logits), p, seen);
        var v = x.data<float>().ToArray();
        return Enumerable.Range(0, v.Length).Where(i => !float.IsNegativeInfinity(v[i])).ToArray();
    }

    // Probabilities 0.5, 0.3, 0.15, 0.05 as logits (ln p): the known answers below are sums of these.
    static readonly double[] Four = [Math.Log(0.5), Math.Log(0.3), Math.Log(0.15), Math.Log(0.05)];

    [Theory]
    [InlineData(0.4, new[] { 0 })]           // 0.5 alone reaches 0.4
    [InlineData(0.7, new[] { 0, 1 })]        // 0.5 < 0.7 ≤ 0.8
    [InlineData(0.85, new[] { 0, 1, 2 })]    // 0.8 < 0.85 ≤ 0.95
    [InlineData(0.99, new[] { 0, 1, 2, 3 })]
    [InlineData(1.0, new[] { 0, 1, 2, 3 })]
    public void Top_p_keeps_the_smallest_set_reaching_p(double p, int[] expected) =>
        Assert.Equal(expected, Kept(Four, new SamplingParams(TopP: p)));

    [Fact]
    public void Top_p_is_applied_to_the_tempered_distribution_in_any_order_of_ids()
    {
        // Shuffled ids; at temperature 1 the 0.5 and 0.3 tokens are kept for p = 0.7.
        double[] logits = [Four[2], Four[0], Four[3], Four[1]];
        Assert.Equal([1, 3], Kept(logits, new SamplingParams(TopP: 0.7)));
    }

    [Theory]
    [InlineData(1, new[] { 0 })]
    [InlineData(2, new[] { 0, 1 })]
    [InlineData(3, new[] { 0, 1, 2 })]
    [InlineData(10, new[] { 0, 1, 2, 3 })]
    public void Top_k_keeps_exactly_the_k_most_likely(int k, int[] expected) =>
        Assert.Equal(expected, Kept(Four, new SamplingParams(TopK: k)));

    [Fact]
    public void Top_k_keeps_ties_at_the_cut() => Assert.Equal([0, 1, 2], Kept([3.0, 1.0, 1.0, 0.0], new SamplingParams(TopK: 2)));

    [Theory]
    [InlineData(0.5, new[] { 0, 1 })]        // p ≥ 0.25: 0.5 and 0.3
    [InlineData(0.2, new[] { 0, 1, 2 })]     // p ≥ 0.1
    [InlineData(0.05, new[] { 0, 1, 2, 3 })] // p ≥ 0.025
    public void Min_p_keeps_tokens_at_least_min_p_times_the_top(double minP, int[] expected) =>
        Assert.Equal(expected, Kept(Four, new SamplingParams(MinP: minP)));

    [Fact]
    public void Repetition_penalty_divides_positive_and_multiplies_negative_logits_of_seen_tokens()
    {
        using var x = LogitsProcessor.Process(tensor(new[] { 2.0, -1.0, 3.0, 0.5 }), new SamplingParams(Temperature: 0, RepetitionPenalty: 2), [0, 1, 1]);
        Assert.Equal([1.0f, -2.0f, 3.0f, 0.5f], x.data<float>().ToArray());
    }

    [Fact]
    public void Temperature_divides_the_logits()
    {
        using var x = LogitsProcessor.Process(tensor(new[] { 2.0, -1.0 }), new SamplingParams(Temperature: 0.5));
        Assert.Equal([4.0f, -2.0f], x.data<float>().ToArray());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    public void Top_p_outside_0_1_is_refused_by_name(double p) =>
        Assert.Contains("top_p must be in (0, 1]", Assert.Throws<InputException>(() => new SamplingParams(TopP: p).Validate()).Message);

    [Fact]
    public void Other_bad_parameters_are_refused_by_name()
    {
        Assert.Contains("temperature", Assert.Throws<InputException>(() => new SamplingParams(Temperature: -1).Validate()).Message);
        Assert.Contains("top_k", Assert.Throws<InputException>(() => new SamplingParams(TopK: 0).Validate()).Message);
        Assert.Contains("min_p", Assert.Throws<InputException>(() => new SamplingParams(MinP: 2).Validate()).Message);
        Assert.Contains("max_tokens", Assert.Throws<InputException>(() => new SamplingParams(MaxTokens: -1).Validate()).Message);
        Assert.Contains("stop", Assert.Throws<InputException>(() => new SamplingParams(Stop: [""]).Validate()).Message);
    }

    [Fact]
    public void Draw_follows_the_cumulative_distribution_and_never_picks_zero_mass()
    {
        double[] p = [0.0, 0.25, 0.0, 0.75];
        Assert.Equal(1, TokenSampler.Draw(p, 0.0));
        Assert.Equal(1, TokenSampler.Draw(p, 0.2499));
        Assert.Equal(3, TokenSampler.Draw(p, 0.25));
        Assert.Equal(3, TokenSampler.Draw(p, 0.999999));
    }

    [Fact]
    public void Sampled_frequencies_match_the_processed_distribution()
    {
        // top-k 2 of (0.5, 0.3, 0.15, 0.05) → renormalised (0.625, 0.375); 20,000 seeded draws within 4 standard errors.
        var rng = new Random(7);
        using var x = LogitsProcessor.Process(tensor(Four), new SamplingParams(TopK: 2));
        int n = 20_000, zeros = 0;
        for (int i = 0; i < n; i++)
        {
            int t = TokenSampler.Pick(x, greedy: false, rng);
            Assert.InRange(t, 0, 1);
            if (t == 0) zeros++;
        }
        Assert.InRange(zeros / (double)n, 0.625 - 4 * Math.Sqrt(0.625 * 0.375 / n), 0.625 + 4 * Math.Sqrt(0.625 * 0.375 / n));
    }
}
