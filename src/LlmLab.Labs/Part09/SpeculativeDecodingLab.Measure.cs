using System.Diagnostics;
using LlmLab.Inference;
using LlmLab.Inference.Speculative;
using LlmLab.Labs.Framework;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Labs.Part09;

public sealed partial class SpeculativeDecodingLab
{
    /// <summary>Median forward times with a KV cache holding a prompt: the draft over 1 token, the target over n = 1 …
    /// γmax + 1 tokens (index n − 1).</summary>
    internal sealed record ForwardCosts(double DraftMs, IReadOnlyList<double> TargetMs)
    {
        /// <summary>c: a draft forward over one token ÷ a target forward over one token.</summary>
        public double DraftRatio => DraftMs / TargetMs[0];

        /// <summary>A target forward over γ + 1 tokens ÷ one over 1 token (1 when the weights' reading dominates).</summary>
        public double VerifyRatio(int gamma) => TargetMs[Math.Min(gamma, TargetMs.Count - 1)] / TargetMs[0];
    }

    /// <summary>One point of the sweep: every prompt decoded at one temperature and γ (γ = 0: the target alone).</summary>
    internal sealed record SweepPoint(double Temperature, int Gamma, IReadOnlyList<SpeculativeResult> Runs)
    {
        public int Tokens => Runs.Sum(r => r.Tokens.Count);
        public int TargetCalls => Runs.Sum(r => r.TargetCalls);
        public int Accepted => Runs.Sum(r => r.Accepted);
        public int Rejected => Runs.Sum(r => r.Rejected);
        public int Proposed => Runs.Sum(r => r.Proposed);
        public double Seconds => Runs.Sum(r => r.Elapsed.TotalSeconds);

        /// <summary>α over every prompt: accepted / (accepted + rejected), the verified drafts.</summary>
        public double Alpha => Accepted + Rejected == 0 ? 0 : (double)Accepted / (Accepted + Rejected);

        public double TokensPerCall => TargetCalls == 0 ? 0 : (double)Tokens / TargetCalls;

        /// <summary>(1 − α^(γ+1)) / (1 − α), Leviathan et al.'s expected tokens per target call at the measured α.</summary>
        public double ExpectedTokensPerCall => SpeculativeResult.ExpectedTokensPerCall(Alpha, Gamma);

        public double MsPerToken => Seconds * 1e3 / Math.Max(1, Tokens);
    }

    static ForwardCosts MeasureCosts(SpeculativeDecoder decoder, int[] prompt, SpeculativeDecodingConfig cfg)
    {
        int prefill = prompt.Length - 1, most = Math.Min(cfg.Gammas.Max() + 1, decoder.Context - prefill);
        double draft = MedianForwardMs(decoder.Draft, prompt, 1, cfg.CostRepeats);
        var target = Enumerable.Range(1, most).Select(n => MedianForwardMs(decoder.Target, prompt, n, cfg.CostRepeats)).ToList();
        return new ForwardCosts(draft, target);
    }

    /// <summary>The median time of a forward over <paramref name="n"/> tokens after a prefill of all but the prompt's
    /// last token, as the decoder runs it (cache cut back after each call); two untimed calls first.</summary>
    static double MedianForwardMs(GptModel model, int[] prompt, int n, int repeats)
    {
        using var noGrad = no_grad();
        using var cache = ContiguousKvCache.For(model.Config);
        int prefill = prompt.Length - 1;
        using (var scope = NewDisposeScope()) model.Forward(Ids(prompt.Take(prefill)), cache);
        using var input = Ids(Enumerable.Range(0, n).Select(i => prompt[(prefill + i) % prompt.Length]));
        return SampleStats.MedianMilliseconds(repeats, () =>
        {
            using var scope = NewDisposeScope();
            using var logits = model.Forward(input, cache);
            cache.Truncate(prefill);
        });
    }

    static Tensor Ids(IEnumerable<int> tokens)
    {
        var ids = tokens.Select(t => (long)t).ToArray();
        return tensor(ids, [1, ids.Length]);
    }

    /// <summary>Decodes every prompt at every temperature and γ (0 first: the target alone through the same decoder, so
    /// both sides pay the same sampling code). Each prompt has its own seed, the same at every γ.</summary>
    static List<SweepPoint> Sweep(LabContext ctx, SpeculativeDecoder decoder, IReadOnlyList<int[]> prompts, SpeculativeDecodingConfig cfg)
    {
        var seeds = prompts.Select((_, i) => Seeding.DeriveSeed(ctx.Seed, $"prompt-{i}")).ToArray();
        int[] gammas = [0, .. cfg.Gammas.Distinct().Order()];
        decoder.Generate(prompts[0], SamplingParams.Greedy(Math.Min(8, cfg.GenerateTokens)), gamma: gammas[^1]); // warm-up, untimed
        var points = new List<SweepPoint>();
        using var bar = ctx.Progress.Begin("9.2 sweep (temperature × γ)", cfg.Temperatures.Count * gammas.Length);
        foreach (double temperature in cfg.Temperatures.Distinct())
            foreach (int gamma in gammas)
            {
                var runs = prompts.Select((prompt, i) => decoder.Generate(prompt,
                    new SamplingParams(Temperature: temperature, MaxTokens: cfg.GenerateTokens, Seed: seeds[i]), gamma)).ToList();
                var point = new SweepPoint(temperature, gamma, runs);
                points.Add(point);
                ctx.Metrics.Log(new
                {
                    temperature, gamma, tokens = point.Tokens, target_calls = point.TargetCalls, proposed = point.Proposed,
                        accepted = point.Accepted,
                    rejected = point.Rejected, alpha = point.Alpha, tokens_per_call = point.TokensPerCall,
                    expected_tokens_per_call = point.ExpectedTokensPerCall, ms_per_token = point.MsPerToken,
                });
                bar.Increment();
            }
        return points;
    }

    /// <summary>Greedy speculative output = the target alone, decoded by the library's ordinary <see cref="GenerationEngine"/>.</summary>
    static void CheckGreedyIdentity(LabContext ctx, GptModel target, LabCorpus data, IReadOnlyList<int[]> prompts,
        IReadOnlyList<SweepPoint> sweep, SpeculativeDecodingConfig cfg)
    {
        var engine = new GenerationEngine(target, data.Tokenizer);
        var alone = prompts.Select(p => engine.Generate(p, SamplingParams.Greedy(cfg.GenerateTokens)).Tokens).ToList();
        var greedy = sweep.Where(s => s.Temperature == 0).ToList();
        int compared = 0, same = 0;
        foreach (var point in greedy)
            for (int i = 0; i < prompts.Count; i++, compared++)
                if (point.Runs[i].Tokens.SequenceEqual(alone[i])) same++;
        ctx.Checks.SelfConsistency("the target model decoding alone (GenerationEngine)")
            .True($"greedy: speculative output = the target alone (GenerationEngine), {prompts.Count} " +
                $"prompts × γ ∈ {{{string.Join(", ", greedy.Select(g => g.Gamma))}}}",
            same == compared, $"{same} of {compared} generations identical");
        ctx.Report.Heading("Greedy output");
        ctx.Report.Paragraph((same == compared
                ? $"The target alone and speculative decoding at every γ produced the same {cfg.GenerateTokens} tokens for each prompt"
                : $"**Speculative greedy output differs from the target's** in {compared - same} " +
                    $"generation(s): a bug in the decoder or its caches") +
            $" ({same} of {compared} generations identical). The first prompt and the target's continuation (in ⟨⟩):");
        ctx.Report.Code(data.Tokenizer.Decode(prompts[0]) + "⟨" + data.Tokenizer.Decode(alone[0].ToArray()) + "⟩");
    }
}
