using LlmLab.Labs.Framework;
using LlmLab.Nn.Attention;
using LlmLab.Nn.Gpt;

namespace LlmLab.Labs.Part04;

public sealed partial class DenseVsMoeLab
{
    void Introduce(LabContext ctx, DenseVsMoeConfig cfg, GptConfig dense, GptConfig moe, int trainTokens)
    {
        ctx.Report.Paragraph($"Corpus `{ctx.Corpus.Name}`, byte-level BPE (V = {dense.VocabSize}) trained on the training text: " +
            $"{N(trainTokens)} training tokens. Three GPTs ({cfg.Layers} block(s), {cfg.Heads} heads, {cfg.Width} wide, {cfg.Context} " +
            $"tokens of context) trained by the `Trainer` for {N(cfg.Steps)} steps each on the same seeded batches of " +
            $"{cfg.Batch} × {cfg.Context} tokens, AdamW at {F(cfg.Lr)}, from the same initialisation seed: **dense** (a GELU MLP of " +
            $"width {cfg.FfnWidth}), **MoE** ({cfg.Experts} experts of width {cfg.FfnWidth / cfg.ExpertsPerToken}, " +
            $"top-{cfg.ExpertsPerToken}, so a token passes through the same {cfg.FfnWidth} hidden units; load-balancing " +
            $"loss α = {F(cfg.AuxLossCoef)}, z-loss β = {F(cfg.ZLossCoef)}, " +
            (cfg.CapacityFactor > 0 ? $"capacity factor {F(cfg.CapacityFactor)}" : "dropless") + "), and **MoE, no aux loss** (the same " +
            "with α = 0). The router runs in fp32; the experts are dispatched in one batched matmul each (gather → expert → weighted " +
            "scatter-add). Validation loss is the cross-entropy alone (the auxiliary losses are training-only).");
        ctx.Report.Code(moe.ToJson());
    }

    void Summarise(LabContext ctx, DenseVsMoeConfig cfg, IReadOnlyList<ModelRun> runs)
    {
        int half = cfg.Steps / 2 + 1;
        ctx.Report.Heading("Side by side, at equal steps");
        ctx.Report.Table(["model", "total params", "active params", "param MB", "peak activation MB", "train FLOPs/token", "final val loss",
                "train tokens/s", "µs/token (B = 1)", $"µs/token (B = {cfg.LatencyBatch})", $"inference tokens/s (B = {cfg.LatencyBatch})",
                "assignments dropped", "tokens fully dropped", "load CV"],
            runs.Select(r => new[]
            {
                r.Name, N(r.Parameters), N(r.ActiveParameters), F(r.ParameterBytes / 1e6, "0.00"),
                    r.PeakActivationBytes is { } p ? F(p / 1e6, "0.0") : "n/a",
                N(r.FlopsPerToken), F(r.FinalLoss, "0.000"), N(r.Training.TokensPerSecond), F(r.LatencyBatch1 * 1e6, "0.0"),
                F(r.LatencyBatchN * 1e6, "0.00"), N(1 / r.LatencyBatchN),
                r.Load is { } l ? Pct(l.DroppedAssignmentFraction()) : "—", r.Load is { } m ? Pct(m.FullyDroppedTokenFraction()) : "—",
                r.Load is { } c ? F(c.CoefficientOfVariation(half), "0.000") : "—",
            }), $"validation loss in nats per token (same {cfg.EvalBatches} × {cfg.Batch} held-out windows); latencies are medians of " +
                $"{cfg.LatencyRepeats} forwards of {cfg.Context} tokens in evaluation mode; load CV = standard deviation / mean of the " +
                $"experts' assignment counts per layer over steps {half}–{cfg.Steps}");
        ctx.Report.Paragraph($"Peak activation bytes are measured, not estimated: `PeakResidentMemory` (lab 4.3's probe) reads how far " +
            $"one training-mode forward of a {cfg.Batch} × {cfg.Context} batch raises the process's resident peak while autograd holds " +
            $"what the backward needs (no backward runs, so no gradients are counted); good to about " +
            $"±{F(PeakResidentMemory.ResolutionBytes / 1e6, "0.0")} MB on this machine. Latencies and throughputs are " +
            "wall-clock on whatever else the machine was doing: compare ratios within one run, and take " +
            "benchmark figures on a quiet machine.");

        ctx.Plot("val-loss", DenseVsMoePlots.ValidationLoss(runs),
            "Validation loss against training step: dense, MoE, and MoE without the balance loss");
        ctx.Plot("expert-load-over-training", DenseVsMoePlots.LoadOverTraining(runs, cfg.LoadWindow),
            $"Each expert's share of the routing assignments (all layers), per {cfg.LoadWindow} steps: with the balance " +
            $"loss (solid) and without (dashed)");
        ctx.Plot("expert-load", DenseVsMoePlots.LoadHistogram(runs, half),
            $"Load histogram per layer and expert over steps {half}–{cfg.Steps}; the dotted line is perfect balance, 1/E");

        var (dense, moe, noAux) = (runs[0], runs[1], runs[2]);
        ctx.Report.Heading("What it shows");
        double gap = moe.FinalLoss - dense.FinalLoss;
        ctx.Report.Paragraph($"At {N(cfg.Steps)} equal steps the MoE ends at {F(moe.FinalLoss, "0.000")} nats against the dense model's " +
            $"{F(dense.FinalLoss, "0.000")} ({(gap <= 0 ? "better" : "worse")} by {F(Math.Abs(gap), "0.000")} nats), holding " +
            $"{F((double)moe.Parameters / dense.Parameters, "0.00")}× the parameters for " +
            $"{F((double)moe.ActiveParameters / dense.ActiveParameters, "0.000")}× the active ones. Its forward took " +
            $"{F(moe.LatencyBatch1 / dense.LatencyBatch1, "0.00")}× the dense time per token at batch 1 and " +
            $"{F(moe.LatencyBatchN / dense.LatencyBatchN, "0.00")}× at batch {cfg.LatencyBatch}. " +
            "At equal FLOPs, expect the MoE to be slower per token at this size on a quiet CPU: the routing, the sort and one small " +
            "matmul per expert are work the dense model does not do, and small matmuls run below the CPU's peak" +
            (moe.LatencyBatch1 < dense.LatencyBatch1 || moe.LatencyBatchN < dense.LatencyBatchN
                ? " (a faster MoE here is the noise of a busy machine: measure again with nothing else running). "
                : ". ") +
            "The MoE's case is quality per FLOP at scale (Switch Transformer's 7× pre-training speed-up; Mixtral matching a 70B " +
            "dense model with 12.9B active).");
        ctx.Report.Paragraph($"Without the balance loss the load coefficient of variation was " +
            $"{F(noAux.Load!.CoefficientOfVariation(half), "0.000")} against {F(moe.Load!.CoefficientOfVariation(half), "0.000")} with it"
            + (cfg.CapacityFactor > 0
                ? $", and with capacity factor {F(cfg.CapacityFactor)} it dropped {Pct(noAux.Load.DroppedAssignmentFraction())} of its " +
                  $"assignments against {Pct(moe.Load.DroppedAssignmentFraction())}: " +
                  "an unbalanced router wastes the capacity of idle experts and skips tokens at the busy ones."
                : "."));
        ctx.Report.Headline("val loss, dense vs MoE (equal steps)", $"{F(dense.FinalLoss, "0.000")} vs {F(moe.FinalLoss, "0.000")}");
        ctx.Report.Headline("params total / active, MoE", $"{N(moe.Parameters)} / {N(moe.ActiveParameters)}");
        ctx.Report.Headline("load CV with / without aux loss",
            $"{F(moe.Load.CoefficientOfVariation(half), "0.000")} / {F(noAux.Load.CoefficientOfVariation(half), "0.000")}");
    }

    static string Pct(double fraction) => F(100 * fraction, "0.0") + "%";
}
