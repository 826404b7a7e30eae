using LlmLab.Inference;
using LlmLab.Inference.Speculative;
using LlmLab.Nn.Gpt;
using LlmLab.Tests.Nn;
using LlmLab.Tokenization;
using static TorchSharp.torch;

namespace LlmLab.Tests.Inference;

public class SpeculativeDecodingTests
{
    static GptModel Model(GptConfig c, long seed) => GptTestModels.Build(c, seed);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void Greedy_speculative_output_is_identical_to_the_target_alone(int gamma)
    {
        using var target = Model(GptTestModels.Tiny, 1);
        using var draft = Model(GptTestModels.Tiny with { Layers = 1, Width = 16, Heads = 2 }, 2);
        int[] prompt = [3, 14, 15, 9, 2, 6];
        var chars = CharTokenizer.Build([string.Concat(Enumerable.Range(0, 50).Select(i => (char)('0' + i)))]);
        var alone = new GenerationEngine(target, chars).Generate(prompt, SamplingParams.Greedy(20)).Tokens;
        var spec = new SpeculativeDecoder(target, draft).Generate(prompt, SamplingParams.Greedy(20), gamma);
        Assert.Equal(alone, spec.Tokens);
        Assert.True(spec.TargetCalls <= 20);
        Assert.InRange(spec.AcceptanceRate, 0, 1);
    }

    [Fact]
    public void A_draft_identical_to_the_target_is_always_accepted()
    {
        using var target = Model(GptTestModels.Tiny, 1);
        var spec = new SpeculativeDecoder(target, target).Generate([1, 2, 3], new SamplingParams(MaxTokens: 25, Seed: 4), gamma: 4);
        Assert.Equal(1.0, spec.AcceptanceRate);
        Assert.Equal(5, spec.TargetCalls); // 5 tokens per call
    }

    [Fact]
    public void The_rule_yields_the_target_distribution_whatever_the_draft()
    {
        // Fixed p (target) and q (draft) over 5 tokens; the first token out must follow p. 100,000 seeded draws, chi-square.
        double[] p = [0.4, 0.3, 0.15, 0.1, 0.05], q = [0.05, 0.1, 0.15, 0.3, 0.4], p2 = [0.2, 0.2, 0.2, 0.2, 0.2];
        var rng = new Random(1);
        var counts = new int[5];
        int n = 100_000;
        for (int i = 0; i < n; i++)
        {
            int x = TokenSampler.Draw(q, rng.NextDouble());
            var (accepted, next) = SpeculativeRule.Verify([x], [q], [p, p2], greedy: false, rng);
            counts[accepted == 1 ? x : next]++;
        }
        double chi2 = Enumerable.Range(0, 5).Sum(v => Math.Pow(counts[v] - n * p[v], 2) / (n * p[v]));
        Assert.True(chi2 < 18.47, $"chi-square {chi2:F2} ≥ 18.47 (df 4, p = 0.001): counts {string.Join(", ", counts)}");
    }

    [Fact]
    public void Sampled_speculative_tokens_follow_the_target_s_joint_distribution()
    {
        // A 4-token vocabulary; the exact target joint of the first two tokens is enumerated from its logits.
        var cfg = GptTestModels.Tiny with { VocabSize = 4, Context = 16 };
        using var target = Model(cfg, 3);
        using var draft = Model(cfg with { Layers = 1 }, 9);
        int[] prompt = [1, 3, 2];
        var exact = new double[16];
        using (no_grad())
        {
            var p1 = target.forward(tensor(prompt.Select(t => (long)t).ToArray(), [1, 3]))[0, -1].softmax(0).to(ScalarType.Float64).data<double>().ToArray();
            for (int a = 0; a < 4; a++)
            {
                var p2 = target.forward(tensor(prompt.Append(a).Select(t => (long)t).ToArray(), [1, 4]))[0, -1].softmax(0).to(ScalarType.Float64).data<double>().ToArray();
                for (int b = 0; b < 4; b++) exact[a * 4 + b] = p1[a] * p2[b];
            }
        }
        var dec = new SpeculativeDecoder(target, draft);
        var counts = new int[16];
        int n = 1200;
        for (int s = 0; s < n; s++)
        {
            var r = dec.Generate(prompt, new SamplingParams(MaxTokens: 2, Seed: s), gamma: 2);
            counts[r.Tokens[0] * 4 + r.Tokens[1]]++;
        }
        // Pool cells expected below 5 into one, then chi-square.
        double chi2 = 0, poolE = 0, poolO = 0;
        int df = -1;
        for (int c = 0; c < 16; c++)
        {
            double e = exact[c] * n;
            if (e < 5) { poolE += e; poolO += counts[c]; continue; }
            chi2 += Math.Pow(counts[c] - e, 2) / e;
            df++;
        }
        if (poolE > 0) { chi2 += Math.Pow(poolO - poolE, 2) / Math.Max(poolE, 1e-9); df++; }
        double critical = df + 3.09 * Math.Sqrt(2.0 * df) + 3; // ≈ the 0.001 upper quantile for df in 5…40
        Assert.True(chi2 < critical, $"chi-square {chi2:F1} ≥ {critical:F1} with {df} degrees of freedom");
    }

    [Fact]
    public void Acceptance_rate_counts_only_the_verified_drafts()
    {
        // Sampling over 4 tokens from two differently seeded models: p and q differ, so some drafts are rejected.
        var cfg = GptTestModels.Tiny with { VocabSize = 4, Context = 48 };
        using var target = Model(cfg, 3);
        using var draft = Model(cfg with { Layers = 1 }, 9);
        var r = new SpeculativeDecoder(target, draft).Generate([1, 3, 2], new SamplingParams(MaxTokens: 40, Seed: 5), gamma: 4);
        // Each target call yields its accepted drafts plus one token; a call that rejects stops verifying there.
        Assert.Equal(r.Tokens.Count, r.Accepted + r.TargetCalls);
        Assert.InRange(r.Rejected, 1, r.TargetCalls);
        Assert.True(r.Accepted + r.Rejected <= r.Proposed);
        Assert.Equal((double)r.Accepted / (r.Accepted + r.Rejected), r.AcceptanceRate, 12);
        Assert.Equal((double)r.Accepted / r.Proposed, r.AcceptedFraction, 12);
    }

    [Fact]
    public void Models_with_different_vocabularies_are_refused()
    {
        using var target = Model(GptTestModels.Tiny, 1);
        using var draft = Model(GptTestModels.Tiny with { VocabSize = 40 }, 1);
        Assert.Contains("vocab_size", Assert.Throws<InputException>(() => new SpeculativeDecoder(target, draft)).Message);
    }

    [Fact]
    public void Expected_tokens_per_call_follow_the_paper_s_formula()
    {
        Assert.Equal(1.0, SpeculativeResult.ExpectedTokensPerCall(0, 4), 12);
        Assert.Equal(5.0, SpeculativeResult.ExpectedTokensPerCall(1, 4), 12);
        Assert.Equal((1 - Math.Pow(0.8, 4)) / 0.2, SpeculativeResult.ExpectedTokensPerCall(0.8, 3), 12);
    }
}
