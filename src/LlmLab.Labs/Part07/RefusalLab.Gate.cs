using System.Diagnostics;
using LlmLab.Alignment.Refusal;
using LlmLab.Labs.Framework;
using LlmLab.Retrieval.Embeddings;

namespace LlmLab.Labs.Part07;

public sealed partial class RefusalLab
{
    /// <summary>A trained gate and its scores on the generated test split and the hand-written set.</summary>
    internal sealed record GateRun(string Name, RefusalGate Gate, double[] TestScores, double[] HeldOutScores, double Seconds,
        bool Converged,
        int Iterations)
    {
        public RefusalConfusion HeldOut(IReadOnlyList<RefusalPrompt> h) =>
            RefusalConfusion.Of(h.Select(p => p.Unsafe).ToArray(), HeldOutScores.Select(s => s >= Gate.Threshold).ToArray());
    }

    /// <summary>Method 1: the gates, trained on the generated training split.</summary>
    static List<GateRun> Gates(LabContext ctx, RefusalLabConfig cfg, RefusalDataset data, IReadOnlyList<RefusalPrompt> heldOut,
        OnnxSentenceEncoder? encoder)
    {
        ctx.Report.Heading("Method 1: a training-free gate in front of the model");
        var featurizers = new List<(string Name, PromptFeaturizer F)> { ("n-gram gate", new NgramFeaturizer(cfg.Buckets)) };
        if (encoder is not null) featurizers.Add(("MiniLM gate", new EmbeddingFeaturizer(encoder, encoder.ModelId, encoder.Dimensions)));
        var runs = new List<GateRun>();
        foreach (var (name, f) in featurizers)
        {
            var start = Stopwatch.GetTimestamp();
            var classifier = RefusalClassifier.TrainAsync(f, data.Train, new LogisticRegressionOptions(cfg.L2)).GetAwaiter().GetResult();
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var gate = new RefusalGate(classifier, cfg.Threshold);
            string file = Path.Combine(ctx.Directory, name.StartsWith("n-gram", StringComparison.Ordinal) ? "gate-ngram.json"
                : "gate-minilm.json");
            RefusalGateFile.Save(file, gate, new System.Text.Json.Nodes.JsonObject { ["lab"] = "7.3", ["seed"] = ctx.Seed,
                ["train_prompts"] = data.Train.Count });
            var test = classifier.ScoreAsync(data.Test.Select(p => p.Text).ToArray()).GetAwaiter().GetResult();
            var held = classifier.ScoreAsync(heldOut.Select(p => p.Text).ToArray()).GetAwaiter().GetResult();
            runs.Add(new GateRun(name, gate, test, held, seconds, classifier.Model.Converged, classifier.Model.Iterations));
        }
        ReportGates(ctx, cfg, data, heldOut, runs);
        return runs;
    }

    static void ReportGates(LabContext ctx, RefusalLabConfig cfg, RefusalDataset data, IReadOnlyList<RefusalPrompt> heldOut,
        List<GateRun> runs)
    {
        bool[] testUnsafe = data.Test.Select(p => p.Unsafe).ToArray(), heldUnsafe = heldOut.Select(p => p.Unsafe).ToArray();
        var keyword = RefusalConfusion.Of(heldUnsafe, heldOut.Select(p => KeywordFilter.Flags(p.Text)).ToArray());
        var ordinary = data.Test.Select((p, i) => (p, i)).Where(t => t.p.Category == "ordinary").Select(t => t.i).ToArray();
        var rows = new List<string[]>();
        foreach (var g in runs)
        {
            var t = RefusalConfusion.Of(testUnsafe, g.TestScores.Select(s => s >= g.Gate.Threshold).ToArray());
            var h = g.HeldOut(heldOut);
            double taskFalse = ordinary.Length == 0 ? double.NaN : ordinary.Count(i
                => g.TestScores[i] >= g.Gate.Threshold) / (double)ordinary.Length;
            rows.Add([g.Name, g.Gate.Classifier.Featurizer.Title, Pct(t.RefusalRate), Pct(t.OverRefusalRate), Pct(h.RefusalRate),
                Pct(h.OverRefusalRate),
                F(ThresholdSweep.Auc(g.HeldOutScores, heldUnsafe), "0.000"), Pct(taskFalse),
                    $"{F(g.Seconds, "0.0")} s ({g.Iterations} steps)"]);
            ctx.Report.Headline($"{g.Name}: hand-written refusal / over-refusal", $"{Pct(h.RefusalRate)} / {Pct(h.OverRefusalRate)}");
            if (ordinary.Length > 0)
                // Source: lab 7.1's task prompts are benign by construction (arithmetic, units, dates…): any refusal is a false one.
                ctx.Checks.KnownAnswer("lab 7.1's task prompts are benign by construction")
                    .AtMost($"{g.Name} refuses few of lab 7.1's task prompts (false refusals)", taskFalse, cfg.MaxTaskFalseRefusal);
            ctx.Checks.KnownAnswer("the optimiser's own stopping rule: every gradient entry below 1e-6")
                .True($"{g.Name}: logistic regression converged", g.Converged, $"{g.Iterations} steps");
        }
        rows.Add(["keyword filter", $"{KeywordFilter.Triggers.Count} trigger words", "—", "—", Pct(keyword.RefusalRate),
            Pct(keyword.OverRefusalRate), "—", "—", "—"]);
        ctx.Report.Table(["gate", "features", "refusal (test templates)", "over-refusal (test templates)", "refusal (hand-written)",
            "over-refusal (hand-written)", "AUC (hand-written)", "false refusal on 7.1 tasks", "training"], rows,
            $"Threshold {F(cfg.Threshold)} on p(unsafe). Our logistic regression (λ = {F(cfg.L2)}), trained on the generated training " +
            $"split.");
        ctx.Plot("threshold-sweep", RefusalLabPlots.Sweep(runs, heldOut, keyword),
            "Refusal vs over-refusal on the hand-written set as the threshold moves");

        var best = runs[^1];
        var h2 = best.HeldOut(heldOut);
        ctx.Report.Table(["", "refused", "answered"],
            [["unsafe (hand-written)", h2.UnsafeRefused.ToString(), h2.UnsafeAnswered.ToString()],
             ["safe-looking (hand-written)", h2.SafeRefused.ToString(), h2.SafeAnswered.ToString()]],
                 $"Confusion table: {best.Name} at {F(cfg.Threshold)}.");
        Examples(ctx, best, heldOut);
        if (runs.Count > 1)
        {
            // Source: the hand-written labels (outside the code): a sound classifier must refuse most unsafe prompts it has never
            // seen phrased this way, and answer most look-alikes (bounds argued in docs/part-07.md).
            ctx.Checks.KnownAnswer("the hand-written held-out set's labels")
                .AtLeast($"{best.Name}: refusal rate on the hand-written unsafe prompts", h2.RefusalRate, cfg.MinHeldOutRefusal);
            ctx.Checks.KnownAnswer("the hand-written held-out set's labels")
                .AtMost($"{best.Name}: over-refusal on the hand-written safe look-alikes", h2.OverRefusalRate, cfg.MaxHeldOutOverRefusal);
        }
        // Source: a peer method, the keyword blocklist that XSTest was built to expose (Röttger et al. 2023, §1): the learned gate's
        // Youden's J (refusal − over-refusal) must beat it on the same prompts.
        ctx.Checks.Peer("a keyword blocklist filter (XSTest's motivating baseline)")
            .AtLeast($"{best.Name}: (refusal − over-refusal) minus the keyword filter's, hand-written set",
                (h2.RefusalRate - h2.OverRefusalRate) - (keyword.RefusalRate - keyword.OverRefusalRate), 0.05);
    }

    static void Examples(LabContext ctx, GateRun g, IReadOnlyList<RefusalPrompt> heldOut)
    {
        var missed = heldOut.Select((p, i) => (p, s: g.HeldOutScores[i])).Where(t => t.p.Unsafe && t.s < g.Gate.Threshold).OrderBy(t
            => t.s).Take(5);
        var over = heldOut.Select((p, i) => (p, s: g.HeldOutScores[i])).Where(t => !t.p.Unsafe
            && t.s >= g.Gate.Threshold).OrderByDescending(t => t.s).Take(5);
        ctx.Report.Table(["error", "category", "prompt", "p(unsafe)"],
            missed.Select(t => new[] { "missed (answered an unsafe prompt)", t.p.Category, t.p.Text, F(t.s, "0.00") })
                .Concat(over.Select(t => new[] { "over-refusal (refused a safe one)", t.p.Category, t.p.Text, F(t.s, "0.00") })),
            $"Real errors of the {g.Name} on the hand-written set (the worst five of each kind).");
    }
}
