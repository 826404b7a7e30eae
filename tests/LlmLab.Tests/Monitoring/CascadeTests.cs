using LlmLab.Monitoring.Caching;
using LlmLab.Monitoring.Cascade;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Monitoring;

public class CascadeTests
{
    /// <summary>Answers from a table; a sample (temperature &gt; 0) gives the seed-th entry of its list; usage is fixed.</summary>
    sealed class Scripted(string id, Func<string, ChatOptions?, string> answer, double[]? logprobs = null) : IChatClient
    {
        public int Calls;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken ct = default)
        {
            Interlocked.Increment(ref Calls);
            var r = new ChatResponse(new ChatMessage(ChatRole.Assistant, answer(messages.Last().Text, options)))
            {
                ModelId = id, Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 2 },
            };
            if (options?.AdditionalProperties?.ContainsKey("logprobs") == true) r.AdditionalProperties = new() { ["logprobs"] = logprobs ?? [] };
            return Task.FromResult(r);
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> m, ChatOptions? o = null, CancellationToken c = default) =>
            throw new NotSupportedException();
        public object? GetService(Type t, object? k = null) => null;
        public void Dispose() { }
    }

    [Fact]
    public async Task Escalates_below_the_threshold_and_prices_tokens()
    {
        var small = new Scripted("s", (q, _) => "small:" + q, logprobs: [-0.1, -0.3]);
        var large = new Scripted("l", (q, _) => "large:" + q);
        var cascade = new CascadeChatClient(small, large, new MeanLogProbScorer(), threshold: 0.9, new ModelPrice(1, 3), new ModelPrice(10, 30));
        var r = await cascade.AnswerAsync([new ChatMessage(ChatRole.User, "q")]);
        Assert.Equal(Math.Exp(-0.2), r.Score.Value, 12);                                 // exp(mean log-prob) = 0.8187 < 0.9
        Assert.True(r.Escalated);
        Assert.Equal("large:q", r.Final.Text);
        Assert.Equal(10 * 1 + 2 * 3, r.SmallCost);
        Assert.Equal(10 * 10 + 2 * 30, r.LargeCost);
        var kept = new CascadeChatClient(small, large, new MeanLogProbScorer(), threshold: 0.8, new ModelPrice(1, 3), new ModelPrice(10, 30));
        var k = await kept.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]);
        Assert.Equal("small:q", k.Text);
        Assert.Equal(false, k.AdditionalProperties!["cascade.escalated"]);
        Assert.Equal(1, large.Calls);
        Assert.Equal((1L, 0L, 16.0), kept.Totals);
    }

    [Fact]
    public async Task Self_consistency_counts_agreeing_samples_and_their_tokens()
    {
        string[] samples = ["42", " 42 ", "41", "42"];                                    // seeds 1..4
        var small = new Scripted("s", (_, o) => o?.Temperature > 0 ? samples[(int)o.Seed!.Value - 1] : "42");
        var scorer = new SelfConsistencyScorer(4);
        var answer = await small.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]);
        var score = await scorer.ScoreAsync(small, [new ChatMessage(ChatRole.User, "q")], null, answer, default);
        Assert.Equal(0.75, score.Value);
        Assert.Equal((40L, 8L), (score.ExtraInputTokens, score.ExtraOutputTokens));
        Assert.Throws<InputException>(() => new SelfConsistencyScorer(0));
        Assert.Throws<InputException>(() => new SelfConsistencyScorer(3, temperature: 0));
    }

    [Fact]
    public async Task Log_prob_scorer_refuses_a_client_without_log_probs()
    {
        var plain = new Scripted("s", (q, _) => q);
        var r = await plain.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]);
        var e = await Assert.ThrowsAsync<InputException>(() => new MeanLogProbScorer().ScoreAsync(plain, [], null, r, default));
        Assert.Contains("self-consistency", e.Message);
    }

    [Fact]
    public void Calibration_matches_brute_force_over_every_candidate_threshold()
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 50; trial++)
        {
            var scores = Enumerable.Range(0, rng.Next(1, 40)).Select(_ => Math.Round(rng.NextDouble(), 1)).ToList();   // ties on purpose
            double target = rng.NextDouble();
            var (t, rate) = ThresholdCalibration.ForEscalationRate(scores, target);
            Assert.Equal(ThresholdCalibration.EscalationRate(scores, t), rate);
            double bestGap = scores.Append(double.PositiveInfinity).Min(c => Math.Abs(ThresholdCalibration.EscalationRate(scores, c) - target));
            Assert.Equal(bestGap, Math.Abs(rate - target), 12);
        }
        Assert.Equal((0.5, 0.5), ThresholdCalibration.ForEscalationRate([0.1, 0.2, 0.5, 0.9], 0.5));
        Assert.Throws<InputException>(() => ThresholdCalibration.ForEscalationRate([], 0.5));
        Assert.Throws<InputException>(() => ThresholdCalibration.ForEscalationRate([0.1], 1.5));
    }

    [Fact]
    public void Compute_price_is_two_flops_per_parameter_per_token()
    {
        var p = ModelPrice.FromParameters(124_000_000);                                   // GPT-2 small: 0.248 GFLOP per token
        Assert.Equal(0.248, p.PerInputToken, 12);
        Assert.Equal(0.248 * 100 + 0.248 * 20, p.Cost(100, 20), 9);
        Assert.Equal(new ModelPrice(0.15, 0.6), ModelPrice.Parse("0.15/0.6", "--price"));
        Assert.Throws<InputException>(() => ModelPrice.Parse("-1", "--price"));
    }

    [Fact]
    public void Probe_sets_pair_every_near_miss_with_another_answer_and_every_paraphrase_with_the_same()
    {
        var probes = CacheProbeSet.Generate(60, 3);
        foreach (var g in probes.GroupBy(p => p.Group))
        {
            var b = g.Single(p => p.Kind == ProbeKind.Base);
            foreach (var p in g.Where(p => p != b))
                Assert.True(p.SameAnswer(b) == p.Kind is ProbeKind.Repeat or ProbeKind.Paraphrase, $"{p.Question} → {p.Answer} vs {b.Question} → {b.Answer}");
            Assert.All(g.Where(p => p.Kind == ProbeKind.Repeat), r => Assert.Equal(CachedPrompt.Normalize(b.Question), CachedPrompt.Normalize(r.Question)));
        }
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{\"group\":\"a\",\"kind\":\"paraphrase\",\"question\":\"q\",\"answer\":\"1\"}\n");
            var e = Assert.Throws<InputException>(() => CacheProbeSet.Load(path));
            Assert.Contains("group 'a' has 0 base", e.Message);
            File.WriteAllText(path, "{\"group\":\"a\",\"kind\":\"maybe\",\"question\":\"q\",\"answer\":\"1\"}\n");
            Assert.Contains(":1: kind 'maybe'", Assert.Throws<InputException>(() => CacheProbeSet.Load(path)).Message);
        }
        finally { File.Delete(path); }
    }
}
