using System.Globalization;
using LlmLab.Labs.Framework;
using LlmLab.Planning;
using LlmLab.Training.Distributed;
using ScottPlot;

namespace LlmLab.Labs.Part06;

/// <summary>Lab 6's sharded-training table, checks and plot, from a <see cref="ShardingReport"/>.</summary>
internal static class ShardingSection
{
    public static void Report(LabContext ctx, ShardingReport r, string how)
    {
        var c = CultureInfo.InvariantCulture;
        var stages = r.Stages;
        int n = stages[0].Ranks;
        long psi = r.Reference.Parameters;
        ctx.Report.Paragraph($"A GPT of {r.Options.Layers} blocks × {r.Options.Width} wide (Ψ = {psi:N0} parameters), {r.Options.Steps} steps of " +
            $"{r.Options.RankBatch} × {r.Options.Context} tokens per rank, on {how}; the reference is one process at the same global batch " +
            $"({r.Options.RankBatch * n} sequences). Each rank keeps its rows of every global batch, reduces gradients with the collectives, and " +
            "(ZeRO) updates only its 1/N shard of the flat, padded parameter buckets before an all-gather; ZeRO-3 keeps only its shards of the " +
            "weights too, all-gathering a block's just before its forward and again in backward (recomputing the block), and reduce-scattering " +
            "its gradients there. Memory is what one rank holds between " +
            "steps, measured from its tensors; the prediction is lab 1.3's estimator (`MemoryEstimator.ModelStatesPerGpu`, fp32: 4Ψ weights, " +
            "4Ψ gradients, 8Ψ Adam moments, the sharded parts ÷ N). Bytes sent are counted by the back-end per call, under ring collectives.");
        static string Kb(double b) => (b / 1024).ToString("N1", CultureInfo.InvariantCulture);
        ctx.Report.Table(["stage", "max |Δloss| vs 1 process", "weights KB", "gradients KB", "Adam moments KB", "shard copy KB", "total KB",
                "predicted KB", "gathered KB (transient)", "sent per step (Ψ)", "paper (Ψ)", "ms/step (loaded)", "comm ms/step"],
            stages.Select(m => new[]
            {
                m.Stage, r.MaxLossDelta(m).ToString("0.0E+0", c), Kb(m.State!.Weights), Kb(m.State.Gradients), Kb(m.State.OptimizerState),
                Kb(m.State.ShardCopies), Kb(m.State.Total), Kb(m.Predicted.TotalBytes), Kb(m.State.Gathered),
                (m.SentBytesPerStep / (psi * 4.0)).ToString("0.000", c), (m.ExpectedSentBytes() / (psi * 4.0)).ToString("0.000", c),
                m.MedianStepMs.ToString("0.0", c), m.CommMsPerStep.ToString("0.0", c),
            }).Append(["one process", "—", "", "", "", "", "", "", "", "0", "0", r.Reference.MedianStepMs.ToString("0.0", c), "0"]),
            "shard copy: the fp32 copy of its 1/N shard that a rank's optimizer updates (ZeRO-1/2) — in mixed precision the paper's sharded master " +
            "weights; in fp32 an overhead of 4Ψ/N that the estimator does not count (under ZeRO-3 the shard is the weights). ZeRO-1 also keeps its " +
            "reduced gradient shard beside the full gradient. Gathered: the most parameter bytes ZeRO-3 held gathered at once during a step (the " +
            "root unit — embeddings and final norm — and one block), freed after use. Paper: 2Ψ(N−1)/N per step for DDP and ZeRO-1/2, " +
            "(3Ψ − Ψ_root)(N−1)/N for ZeRO-3 (the root unit stays gathered from forward to backward, as in FSDP).");
        // ≤ N−1 padding floats in each bucket: two per unit (decay, no_decay), one unit per block plus the root under ZeRO-3.
        long padding = 2L * 4 * n * (r.Options.Layers + 1);
        foreach (var m in stages)
        {
            ctx.Checks.Peer("one process at the same global batch (PyTorch DDP's documented equivalence)")
                .AtMost($"{m.Stage}: the loss of every step at {n} ranks equals one process's (max |Δ| over {m.Losses.Length} steps)", r.MaxLossDelta(m), 1e-5, "nats");
            ctx.Checks.Formula("ZeRO paper §5: Adam moments 8Ψ, ÷ N from stage 1 (MemoryEstimator.ModelStatesPerGpu)")
                .InRange($"{m.Stage}: Adam moments one rank holds", m.State!.OptimizerState, m.Predicted.OptimizerStateBytes,
                    m.Predicted.OptimizerStateBytes + 2 * padding, "bytes");
            if (m.Stage is "ddp" or "zero2" or "zero3")
                ctx.Checks.Formula("ZeRO paper §5: gradients 4Ψ, ÷ N from stage 2 (MemoryEstimator.ModelStatesPerGpu)")
                    .InRange($"{m.Stage}: gradients one rank holds between steps", m.State.Gradients, m.Predicted.GradientBytes,
                        m.Predicted.GradientBytes + padding, "bytes");
            if (m.Stage == "zero3")
            {
                ctx.Checks.Formula("ZeRO paper §5: weights 4Ψ (fp32), ÷ N at stage 3 (MemoryEstimator.ModelStatesPerGpu)")
                    .InRange("zero3: weights one rank holds between steps", m.State.Weights, m.Predicted.WeightBytes,
                        m.Predicted.WeightBytes + padding, "bytes");
                // FSDP's bound: the root unit and one block gathered at once (the blocks are equal, Ψ_block = (Ψ − Ψ_root)/L).
                long unitBytes = 4 * (m.RootParameters + (m.Parameters - m.RootParameters) / r.Options.Layers);
                ctx.Checks.Formula("FSDP: at most the root unit and one block gathered at once, 4(Ψ_root + Ψ_block) bytes")
                    .InRange("zero3: parameter bytes gathered at once during a step", m.State.Gathered, unitBytes, unitBytes + padding,
                        "bytes");
            }
            double paper = m.ExpectedSentBytes() / (psi * 4.0);
            ctx.Checks.Published("ZeRO paper §7.2.1: 2Ψ per step for DDP and ZeRO-1/2, 3Ψ for ZeRO-3 (ring: ×(N−1)/N; ZeRO-3 less the root unit)")
                .InRange($"{m.Stage}: bytes one rank sends per step, in Ψ fp32 bytes", m.SentBytesPerStep / (psi * 4.0), paper, paper * 1.02);
        }
        ctx.Plot("sharding-memory", MemoryPlot(stages), $"Model states one rank holds between steps at N = {n}: measured (stacked; ZeRO-3's " +
            "transiently gathered units on top) and lab 1.3's estimate (diamond)");
        var z2 = stages.FirstOrDefault(s => s.Stage == "zero3") ?? stages.FirstOrDefault(s => s.Stage == "zero2") ?? stages[^1];
        ctx.Report.Headline("sharded training", $"{z2.Stage}: {Kb(z2.State!.Total)} KB per rank vs {Kb(stages[0].State!.Total)} KB (ddp) at N = {n}; " +
            $"max |Δloss| {r.MaxLossDelta(z2).ToString("0.0E+0", c)}");
    }

    static Plot MemoryPlot(IReadOnlyList<ShardingMeasurement> stages)
    {
        var plot = new Plot();
        (string Name, Color Color, Func<ModelStateBytes, long> Bytes)[] parts =
        [
            ("weights", Colors.SteelBlue, s => s.Weights), ("gradients", Colors.Orange, s => s.Gradients),
            ("Adam moments", Colors.SeaGreen, s => s.OptimizerState), ("shard copy", Colors.Gray, s => s.ShardCopies),
            ("gathered during a step (ZeRO-3, transient)", Colors.LightSteelBlue, s => s.Gathered),
        ];
        var bars = new List<Bar>();
        for (int i = 0; i < stages.Count; i++)
        {
            double bottom = 0;
            foreach (var (_, color, bytes) in parts)
            {
                double top = bottom + bytes(stages[i].State!) / 1024.0;
                bars.Add(new Bar { Position = i, ValueBase = bottom, Value = top, FillColor = color });
                bottom = top;
            }
        }
        plot.Add.Bars(bars);
        var predicted = plot.Add.Scatter(Enumerable.Range(0, stages.Count).Select(i => (double)i).ToArray(),
            stages.Select(s => s.Predicted.TotalBytes / 1024.0).ToArray(), Colors.Black);
        predicted.LineWidth = 0;
        predicted.MarkerShape = MarkerShape.FilledDiamond;
        predicted.MarkerSize = 12;
        predicted.LegendText = "estimate (lab 1.3)";
        foreach (var (name, color, _) in parts) plot.Legend.ManualItems.Add(new LegendItem { LabelText = name, FillColor = color });
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, stages.Count).Select(i => (double)i).ToArray(),
            stages.Select(s => s.Stage).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title("Memory per rank by sharding stage");
        plot.YLabel("KB per rank");
        return plot;
    }
}
