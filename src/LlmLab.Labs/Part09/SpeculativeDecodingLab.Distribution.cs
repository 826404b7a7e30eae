using System.Globalization;
using LlmLab.Inference;
using LlmLab.Inference.Speculative;
using LlmLab.Labs.Framework;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Labs.Part09;

public sealed partial class SpeculativeDecodingLab
{
    /// <summary>The temperature of the distribution check: the models' own distributions, where draft and target differ most.</summary>
    const double CheckTemperature = 1.0;

    /// <summary>
    /// The theorem, end to end: the first token of a speculative generation (γ = 1, so it comes out of the accept/resample
    /// rule) is distributed as the target's own next-token distribution p, not the draft's q. Each token whose expected
    /// count N·p is at least 5 gets a z-score (count − N·p) / √(N·p·(1 − p)), the rest are pooled into one cell; a correct
    /// sampler keeps every |z| below 4 but for a ~0.1% chance at this number of cells.
    /// </summary>
    static void CheckDistribution(LabContext ctx, SpeculativeDecoder decoder, int[] prompt, SpeculativeDecodingConfig cfg)
    {
        var p = NextTokenDistribution(decoder.Target, prompt);
        var q = NextTokenDistribution(decoder.Draft, prompt);
        int n = cfg.DistributionDraws;
        var counts = new int[p.Length];
        var seeds = Seeding.Stream(ctx.Seed, "first-token-draws");
        using (var bar = ctx.Progress.Begin("9.2 sampled first tokens", n))
            for (int i = 0; i < n; i++, bar.Increment())
                counts[decoder.Generate(prompt, new SamplingParams(Temperature: CheckTemperature, MaxTokens: 2, Seed: seeds.Next()),
                    gamma: 1).Tokens[0]]++;

        double maxZ = 0, restP = 0;
        int restCount = 0, cells = 0;
        for (int v = 0; v < p.Length; v++)
        {
            if (n * p[v] < 5) { restP += p[v]; restCount += counts[v]; continue; }
            maxZ = Math.Max(maxZ, Math.Abs(Z(counts[v], n, p[v])));
            cells++;
        }
        if (n * restP >= 5 && restP < 1) { maxZ = Math.Max(maxZ, Math.Abs(Z(restCount, n, restP))); cells++; }
        double tvToTarget = 0.5 * Enumerable.Range(0, p.Length).Sum(v => Math.Abs((double)counts[v] / n - p[v]));
        double tvToDraft = 0.5 * Enumerable.Range(0, p.Length).Sum(v => Math.Abs((double)counts[v] / n - q[v]));
        double tvDraftTarget = 0.5 * Enumerable.Range(0, p.Length).Sum(v => Math.Abs(q[v] - p[v]));

        ctx.Checks.Published("Leviathan et al. 2023, Theorem 1: outputs follow the target's distribution")
            .AtMost($"sampling (T = {F(CheckTemperature)}, γ = 1): the first token follows the target's distribution, max |z| over " +
                $"{cells} cells of {N(n)} draws",
            maxZ, 4.0);
        ctx.Report.Heading("Sampled tokens follow the target");
        ctx.Report.Paragraph($"{N(n)} speculative generations of the first prompt at temperature {F(CheckTemperature)} with γ = 1 (each " +
            $"first token is either the draft's proposal, accepted, or the rule's resample): the largest |z| of a token's count against " +
            $"the target's probability is {F(maxZ, "0.00")} over {cells} cells (tokens with N·p ≥ 5, the rest pooled). Total variation " +
            $"of the sample from the target's p: {F(tvToTarget, "0.000")}; from the draft's q: {F(tvToDraft, "0.000")}; " +
            $"between p and q themselves: {F(tvDraftTarget, "0.000")} (with few draws the sample's own noise dominates these distances; " +
            $"the z-scores account for it). 1 − TV(p, q) = Σ min(p, q) = {F(1 - tvDraftTarget, "0.000")} is this position's " +
            $"exact acceptance probability.");
        ctx.Metrics.Log(new { check = "first-token", draws = n, max_z = maxZ, cells, tv_to_target = tvToTarget, tv_to_draft = tvToDraft,
            tv_draft_target = tvDraftTarget });
    }

    static double Z(int count, int n, double p) => (count - n * p) / Math.Sqrt(n * p * (1 - p));

    /// <summary>The model's next-token distribution after <paramref name="prompt"/> at <see cref="CheckTemperature"/>,
    /// processed as the decoder processes it.</summary>
    static double[] NextTokenDistribution(GptModel model, int[] prompt)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = model.forward(Ids(prompt))[0, -1];                                   // (V)
        var processed = LogitsProcessor.Process(logits, new SamplingParams(Temperature: CheckTemperature));
        return processed.softmax(0).to(ScalarType.Float64).data<double>().ToArray();
    }
}
