using LlmLab.Inference;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Inference;

/// <summary>The sampling controls the server exposes: logit bias, presence and frequency penalties (OpenAI's formula,
/// applied by brute force here), top_p and min_p never dropping the most likely token, 64-bit seeds.</summary>
public class SamplingControlsTests
{
    public SamplingControlsTests() => TorchRuntime.EnsureLoaded(1);

    static float[] Run(double[] logits, SamplingParams p, IReadOnlyList<int>? output = null)
    {
        using var x = LogitsProcessor.Process(tensor(logits), p, null, output);
        return x.data<float>().ToArray();
    }

    [Fact]
    public void Presence_and_frequency_penalties_follow_openai_s_formula()
    {
        double[] logits = [1.0, 2.0, 3.0, 4.0];
        int[] output = [1, 3, 3, 3];
        var p = new SamplingParams(Temperature: 0, PresencePenalty: 0.5, FrequencyPenalty: 0.25);
        // OpenAI ("Frequency and presence penalties"): mu[j] - c[j] * alpha_frequency - (c[j] > 0) * alpha_presence.
        var expected = logits.Select((l, j) =>
        {
            int c = output.Count(t => t == j);
            return l - c * 0.25 - (c > 0 ? 0.5 : 0);
        }).ToArray();
        var got = Run(logits, p, output);
        for (int j = 0; j < 4; j++) Assert.Equal(expected[j], got[j], 5);
    }

    [Fact]
    public void Logit_bias_is_added_and_minus_100_bans_the_argmax()
    {
        double[] logits = [0.0, 5.0, 1.0];
        var got = Run(logits, new SamplingParams(Temperature: 0, LogitBias: new Dictionary<int, double> { [1] = -100, [2] = 3 }));
        Assert.Equal([0f, -95f, 4f], got);
        Assert.Equal(2, TokenSampler.Pick(tensor(got), greedy: true, new Random(0)));
    }

    [Theory]
    [InlineData(1e-46)]   // rounds to 0 in float32: every token used to be masked and id 0 drawn
    [InlineData(1e-300)]
    public void A_tiny_top_p_keeps_exactly_the_most_likely_token(double topP)
    {
        double[] logits = [0.1, 0.2, 3.0, 0.3];
        var got = Run(logits, new SamplingParams(TopP: topP));
        Assert.Equal([2], Enumerable.Range(0, 4).Where(i => !float.IsNegativeInfinity(got[i])));
        for (int seed = 0; seed < 20; seed++) Assert.Equal(2, TokenSampler.Pick(tensor(got), greedy: false, new Random(seed)));
    }

    [Fact]
    public void Min_p_keeps_the_tokens_within_its_share_of_the_most_likely()
    {
        // p = 0.5, 0.3, 0.15, 0.05; min_p 0.5 keeps p >= 0.25: ids 0 and 1.
        double[] logits = [Math.Log(0.5), Math.Log(0.3), Math.Log(0.15), Math.Log(0.05)];
        var got = Run(logits, new SamplingParams(MinP: 0.5));
        Assert.Equal([0, 1], Enumerable.Range(0, 4).Where(i => !float.IsNegativeInfinity(got[i])));
        Assert.Single(Run(logits, new SamplingParams(MinP: 1.0)), x => !float.IsNegativeInfinity(x));
    }

    [Fact]
    public void Seeds_use_all_64_bits_and_32_bit_seeds_keep_random_s_stream()
    {
        double[] Draws(long seed)
        {
            var r = SeededRandom.Create(seed);
            return Enumerable.Range(0, 8).Select(_ => r.NextDouble()).ToArray();
        }
        var set = new[] { 0L, 1L << 32, 1L << 40, -(1L << 40), long.MaxValue }.Select(s => string.Join(",", Draws(s))).ToList();
        Assert.Equal(set.Count, set.Distinct().Count());
        Assert.Equal(Draws(1L << 40), Draws(1L << 40));
        var legacy = new Random(12345);
        Assert.Equal(Enumerable.Range(0, 8).Select(_ => legacy.NextDouble()), Draws(12345));
        Assert.All(Draws(1L << 50), d => Assert.InRange(d, 0.0, 1.0 - 1e-17));
    }
}
