using LlmLab.Labs.Framework;
using LlmLab.Optim;

namespace LlmLab.Labs.Part02;

public sealed partial class OptimizerComparisonLab
{
    void GridPart(LabContext ctx, OptimizerComparisonConfig cfg, LmData data)
    {
        ctx.Report.Heading("(c) The point of AdamW: learning rate × weight decay");
        bool paper = cfg.AdamwDecayMode == "paper";
        var adam = RunGrid("Adam", cfg.GridAdamDecays, (lr, d) => new OptimizerSpec(OptimizerKind.Adam, lr, WeightDecay: d));
        // In the paper's units the decay is a per-step shrink λ; PyTorch's AdamW shrinks by lr·weight_decay, so weight_decay = λ / lr.
        var adamw = RunGrid("AdamW", cfg.GridAdamwDecays,
            (lr, d) => new OptimizerSpec(OptimizerKind.AdamW, lr, WeightDecay: paper ? d / lr : d));

        LrDecayGrid RunGrid(string name, IReadOnlyList<double> decays, Func<double, double, OptimizerSpec> make)
        {
            var loss = new double[decays.Count, cfg.GridLrs.Count];
            using var bar = ctx.Progress.Begin($"2.3 grid ({name})", decays.Count * cfg.GridLrs.Count);
            for (int d = 0; d < decays.Count; d++)
                for (int l = 0; l < cfg.GridLrs.Count; l++)
                {
                    var spec = make(cfg.GridLrs[l], decays[d]);
                    var r = Train(ctx, cfg, data, spec, cfg.GridSteps);
                    loss[d, l] = r.ValidationLoss;
                    bar.Increment();
                    ctx.Metrics.Log(new { part = "grid", optimizer = name, lr = cfg.GridLrs[l], decay = decays[d],
                        weight_decay = spec.WeightDecay,
                        val_loss = Finite(r.ValidationLoss), diverged = r.Diverged });
                }
            return new LrDecayGrid(cfg.GridLrs, decays, loss);
        }

        ctx.Report.Paragraph($"Every cell is a fresh model trained for {cfg.GridSteps} steps (same weights, same batches) and scored by " +
            "its validation loss. Adam's decay is the L2 coefficient λ added to the gradient (g ← g + λθ). " + (paper
                ? "AdamW's decay is given in the paper's units (Loshchilov & Hutter 2019, Algorithm 2): the fraction λ of every weight " +
                  "removed per step, θ ← θ − λθ, whatever the learning rate — run as PyTorch's AdamW with weight_decay = λ / lr, since " +
                  "PyTorch multiplies its weight_decay by the learning rate. These are the paper's units: its claim is that λ and the " +
                  "learning rate can then be tuned separately. (`--set adamw_decay_mode=pytorch` runs the grid in PyTorch's units " +
                  "instead, where the shrink per step, lr·weight_decay, also grows along each row.)"
                : "AdamW's decay is PyTorch's weight_decay: each step shrinks θ by lr·λ, so the decay per " +
                    "step also changes along each row."));
        foreach (var (name, grid) in new[] { ("Adam (L2 λ)", adam), (paper ? "AdamW (λ per step)" : "AdamW (weight_decay)", adamw) })
            ctx.Report.Table(["decay \\ lr", .. grid.LearningRates.Select(l => F(l))],
                Enumerable.Range(0, grid.Decays.Count)
                    .Select(d => new[] { F(grid.Decays[d]) }.Concat(Enumerable.Range(0, grid.LearningRates.Count)
                    .Select(l => (double.IsFinite(grid.Loss(d, l)) ? F(grid.Loss(d, l), "0.000") : "diverged")
                        + (grid.BestLrIndex(d) == l ? " *" : ""))).ToArray()),
                $"{name}: validation loss (nats per byte); * = the best learning rate of the row");

        double adamSpread = adam.Log10BestLrSpread(), adamwSpread = adamw.Log10BestLrSpread();
        string Row(LrDecayGrid g, int d, out string lr)
        {
            int l = d < g.Decays.Count ? g.BestLrIndex(d) : -1;
            lr = l >= 0 ? F(g.LearningRates[l]) : "—";
            return l >= 0 ? F(g.Loss(d, l), "0.000") : "—";
        }
        ctx.Report.Table(["row", "Adam λ", "Adam: best lr", "loss", paper ? "AdamW λ (per step)" : "AdamW weight_decay", "AdamW: best lr",
            "loss"],
            Enumerable.Range(0, Math.Max(adam.Decays.Count, adamw.Decays.Count)).Select(d =>
            {
                string la = Row(adam, d, out string ba), lw = Row(adamw, d, out string bw);
                return new[] { (d + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    d < adam.Decays.Count ? F(adam.Decays[d]) : "—", ba, la,
                    d < adamw.Decays.Count ? F(adamw.Decays[d]) : "—", bw, lw };
            }),
            $"the best learning rate of each decay row; spread of log10(best lr) across the rows: Adam {F(adamSpread, "0.00")} decades, " +
                $"AdamW {F(adamwSpread, "0.00")} decades");
        ctx.Report.Headline("spread of log10(best lr) across decays, Adam / AdamW",
            $"{F(adamSpread, "0.00")} / {F(adamwSpread, "0.00")} decades");
        // What a row costs: its best loss minus the first (weakest-decay) row's. Rows should be compared at similar cost.
        double Cost(LrDecayGrid g) => Enumerable.Range(0, g.Decays.Count)
            .Select(d => g.BestLrIndex(d) is int l and >= 0 ? g.Loss(d, l) : double.PositiveInfinity).Max()
                                      - (g.BestLrIndex(0) is int l0 and >= 0 ? g.Loss(0, l0) : double.NaN);
        ctx.Report.Paragraph($"Reading the grids. The paper's claim is that with decoupled decay the best learning rate no longer " +
            $"depends on λ. Here Adam's best rate moved {F(adamSpread, "0.00")} decades across its rows and AdamW's " +
            $"{F(adamwSpread, "0.00")}. Compare rows of similar cost, though (a row's best loss minus the first row's): Adam's worst row " +
            $"costs {F(Cost(adam), "0.00")} nats, AdamW's {F(Cost(adamw), "0.00")}. " +
            "In runs this short, decays strong enough to cost several tenths of a nat move AdamW's best rate too — downward in PyTorch's " +
            "units (the shrink per step is lr·λ, so a larger rate decays harder), upward in the paper's units (a fixed shrink " +
            "takes a larger rate to resist). The spread is therefore reported, not checked: it depends on the ranges " +
            "chosen as much as on the optimizer.");
        ctx.Metrics.Log(new { part = "grid_summary", adam_spread = adamSpread, adamw_spread = adamwSpread,
            adam_best = Finite(adam.BestLoss()), adamw_best = Finite(adamw.BestLoss()) });

        // One colour scale for both maps, from the best cell of either grid to the worst finite one (capped at ln 256).
        double lo = Math.Min(adam.BestLoss(), adamw.BestLoss());
        double hi = Math.Min(Math.Log(256), new[] { adam, adamw }.SelectMany(g => Cells(g)).Where(double.IsFinite).DefaultIfEmpty(lo + 1)
            .Max());
        if (!(hi > lo)) hi = lo + 0.1;
        ctx.Plot("grid-adam", OptimizerPlots.GridHeatmap(adam, "Adam: L2 decay λ in the gradient", "λ (L2)", lo, hi),
            "Adam: validation loss over learning rate × L2 decay (○ = best learning rate of each row)", 700, 520);
        ctx.Plot("grid-adamw", OptimizerPlots.GridHeatmap(adamw, paper ? "AdamW: decoupled decay, λ per step"
            : "AdamW: decoupled decay (PyTorch weight_decay)",
            paper ? "λ (per step)" : "weight_decay", lo, hi),
                "AdamW: validation loss over learning rate × decoupled decay, same colour scale (○ = best of each row)", 700, 520);
        ctx.Plot("grid-best-lr", OptimizerPlots.BestLr(adam, adamw),
            "The best learning rate of each decay row, for Adam and AdamW (decays in rank order)", 800, 420);
    }

    static IEnumerable<double> Cells(LrDecayGrid g)
    {
        for (int d = 0; d < g.Decays.Count; d++)
            for (int l = 0; l < g.LearningRates.Count; l++)
                yield return g.Loss(d, l);
    }
}
