using LlmLab.Alignment;
using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part07;

public sealed partial class SftLab
{
    static void Summarise(LabContext ctx, SftLabConfig cfg, Compared compared, IReadOnlyList<Variant> scaling, long baseParameters,
        double bytesPerToken)
    {
        var (baseline, full, variants) = (compared.Baseline, compared.Full, compared.All);
        var lora8 = compared.Loras.FirstOrDefault(v => v.Name == "LoRA r = 8") ?? compared.Loras.FirstOrDefault() ?? full;
        ctx.Report.Heading("Base vs full fine-tuning vs LoRA, on held-out templates");
        ctx.Report.Table(["variant", "accuracy", "format valid", "pretraining val loss (forgetting)", "trainable parameters",
            "adapter on disk", "wall-clock"],
            variants.Select(v => new[]
            {
                v.Name, Pct(v.Accuracy), Pct(v.Format),
                $"{F(v.PretrainLoss, "0.000")} ({(v == baseline ? "before" : (v.PretrainLoss - baseline.PretrainLoss >= 0 ? "+" : "") + F(v.PretrainLoss - baseline.PretrainLoss, "0.000"))})",
                v.Trainable == 0 ? "—" : v.Trainable.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                v.AdapterBytes == 0 ? "—" : $"{F(v.AdapterBytes / 1024.0, "0.0")} KiB",
                $"{F(v.Seconds, "0.0")} s",
            }), $"Base model: {baseParameters:N0} parameters. LoRA's trainable count includes the token embedding (kept trainable for " +
            "the new tokens)." +
            (compared.Replayed is null ? "" : " The replay run's training loss (plot) includes its pretraining rows; its held-out loss does not."));
        Forgetting(ctx, cfg, compared, bytesPerToken);
        ctx.Report.Table(["family", .. variants.Select(v => v.Name)],
            baseline.Scores.Select(s => new[] { s.Family }.Concat(variants.Select(v => Cell(v.Scores.First(x => x.Family == s.Family)))).ToArray()),
            "Accuracy (format-valid share) per family, held-out templates; \"no room\": questions whose reference reply is longer than " +
            "max_new_tokens or than the context leaves after the prompt (wrong whatever the model knows).");
        var noRoom = full.Scores.Where(x => x.NoRoom > 0).Select(x => $"{x.Family} ({x.NoRoom} of {x.Count})").ToArray();
        if (noRoom.Length > 0)
            ctx.Report.Paragraph($"**Unanswerable at these settings**: {string.Join(", ", noRoom)} — the reference reply does not fit " +
                $"max_new_tokens = {cfg.MaxNewTokens} or the context of {cfg.Context} after the prompt; raise them (`--set context=…`, " +
                "`--set max_new_tokens=…`) before reading those families' accuracy as what the model can learn.");
        ctx.Report.Table(["training conversations", "accuracy", "format valid"],
            scaling.Select(v => new[] { v.Examples.ToString(System.Globalization.CultureInfo.InvariantCulture), Pct(v.Accuracy),
                Pct(v.Format) }),
            $"Data scaling: full fine-tuning, {cfg.SftSteps} steps each.");
        ctx.Plot("sft-loss", SftLabPlots.Losses(variants), "Loss on assistant tokens per step (pale) and on the held-out templates (bold)");
        ctx.Plot("accuracy-per-family", SftLabPlots.Accuracy(variants), "Exact-match accuracy per task family and variant");
        ctx.Plot("data-scaling", SftLabPlots.Scaling(scaling, baseline.Accuracy), "Held-out accuracy vs number of training conversations");

        foreach (var v in variants) ctx.Report.Headline($"{v.Name}: accuracy", $"{Pct(v.Accuracy)} (format {Pct(v.Format)})");
        var learned = full.Scores.Where(s => s.Accuracy >= 0.5).Select(s => s.Family).ToArray();
        var notLearned = full.Scores.Where(s => s.Accuracy < 0.2).Select(s => s.Family).ToArray();
        ctx.Report.Paragraph($"At this size full fine-tuning learns {(learned.Length == 0 ? "no family to 50 %" : string.Join(", ", learned) + " (≥ 50 %)")}" +
            $" and does not learn {(notLearned.Length == 0 ? "—" : string.Join(", ", notLearned) + " (< 20 %)")}. A small model learns the answer " +
            "formats (see format validity) long before the answers themselves; larger bases and more steps (the full profile) are needed for those.");

        // Source: the measured quick run (docs/part-07.md) — SFT beat the base's few-shot accuracy by a wide margin; the
        // threshold sits well below it so that a real regression fails while run-to-run noise does not.
        ctx.Checks.SelfConsistency("the base model's few-shot accuracy on the same held-out set")
            .AtLeast("SFT beats the base (few-shot) on held-out templates: accuracy gain", full.Accuracy - baseline.Accuracy, cfg.MinGain);
        // Source: Hu et al. 2021 (Tables 2–3: LoRA matches full fine-tuning on GPT-2 M/L and GPT-3); a tiny model in a few
        // hundred steps is given a stated gap.
        ctx.Checks.Published("Hu et al. 2021, Tables 2–3: LoRA ≈ full fine-tuning")
            .AtLeast($"{lora8.Name} within {Pct(cfg.MaxLoraGap)} of full fine-tuning (accuracy difference)", lora8.Accuracy - full.Accuracy, -cfg.MaxLoraGap);
        // Source: Biderman et al. 2024, "LoRA Learns Less and Forgets Less": LoRA's loss on the source domain rises less.
        ctx.Checks.Published("Biderman et al. 2024: LoRA forgets less")
            .AtMost($"{lora8.Name} forgets no more than full fine-tuning (its pretraining-loss rise − full FT's, nats)",
            (lora8.PretrainLoss - baseline.PretrainLoss) - (full.PretrainLoss - baseline.PretrainLoss), cfg.ForgettingTolerance);
        // Source: formula applied to a measurement — a tensor file holds 4 bytes per fp32 parameter plus names and a header.
        if (lora8.AdapterBytes > 0)
            ctx.Checks.Formula("4 bytes per fp32 parameter + names and header")
                .Close($"{lora8.Name} adapter file = 4 bytes × trainable parameters (+ header)", lora8.AdapterBytes, 4.0 * lora8.Trainable, 0.05);
        // Source: the training objective — cross-entropy on held-out templates must fall from its start (ln-V-like) value.
        if (full.Training is { } t)
            ctx.Checks.SelfConsistency("the same run's starting loss")
                .AtMost("full fine-tuning: held-out SFT loss at the end ÷ at the start", t.Evals[^1].Loss / t.Evals[0].Loss, 0.9);
        // Source: data scaling (more supervised examples at fixed compute do not hurt: Zhou et al. 2023, LIMA, §5).
        ctx.Checks.Published("Zhou et al. 2023 (LIMA) §5: more examples do not hurt")
            .AtLeast("data scaling: accuracy with the most data − with the least", scaling[^1].Accuracy - scaling[0].Accuracy, -0.05);
        // Source: the chat format — after SFT the replies follow the family's format far more often than the base's.
        ctx.Checks.SelfConsistency("the base model's format validity on the same set")
            .AtLeast("format validity after SFT − base's", full.Format - baseline.Format, cfg.MinFormatGain);
    }

    /// <summary>The forgetting table and, with a replay run, its check: replay must cut the rise of the pretraining loss.</summary>
    static void Forgetting(LabContext ctx, SftLabConfig cfg, Compared c, double bytesPerToken)
    {
        double Bpb(double nats) => nats / Math.Log(2) / bytesPerToken;
        var rows = new List<Variant> { c.Full };
        if (c.Replayed is { } r) rows.Add(r);
        rows.AddRange(c.Loras);
        ctx.Report.Heading("Forgetting, and replaying pretraining text against it");
        ctx.Report.Table(["variant", "held-out correct", "pretraining val loss (nats/token)", "rise (nats)", "bits per byte",
            "rise (bits per byte)"],
            new[] { c.Baseline }.Concat(rows).Select(v => new[]
            {
                v.Name, $"{v.Scores.Sum(x => x.Correct)} of {v.Scores.Sum(x => x.Count)}", F(v.PretrainLoss, "0.000"),
                v == c.Baseline ? "—" : F(v.PretrainLoss - c.Baseline.PretrainLoss, "+0.000;-0.000"), F(Bpb(v.PretrainLoss), "0.000"),
                v == c.Baseline ? "—" : F(Bpb(v.PretrainLoss - c.Baseline.PretrainLoss), "+0.000;-0.000"),
            }), $"Forgetting: the base's loss on held-out pretraining text (`{ctx.Corpus.Name}`, {F(bytesPerToken, "0.00")} bytes per token) before " +
            $"and after each fine-tuning (bits per byte = nats ÷ ln 2 ÷ bytes per token); seed {ctx.Seed}.");
        if (c.Replayed is not { } replayed) return;
        double without = c.Full.PretrainLoss - c.Baseline.PretrainLoss, withReplay = replayed.PretrainLoss - c.Baseline.PretrainLoss;
        int rowsReplayed = ReplayMixBatches.ReplayRows(cfg.Batch, cfg.ReplayFraction);
        ctx.Report.Paragraph($"Replay: {rowsReplayed} of each batch's {cfg.Batch} rows are random windows of the pretraining text with a loss on " +
            $"every token (rehearsal; InstructGPT's PPO-ptx mixes pretraining gradients the same way, Ouyang et al. 2022 §3.5), the other " +
            $"{cfg.Batch - rowsReplayed} rows SFT as before. The pretraining loss rose {F(withReplay, "0.000")} nats instead of {F(without, "0.000")}; " +
            $"held-out accuracy {Pct(replayed.Accuracy)} instead of {Pct(c.Full.Accuracy)} (the SFT rows per step fell by " +
            $"{rowsReplayed} of {cfg.Batch}).");
        ctx.Report.Headline("replay: rise of the pretraining loss", $"{F(withReplay, "0.000")} nats vs {F(without, "0.000")} without");
        // Source: rehearsal (Robins 1995; Ouyang et al. 2022 §3.5, PPO-ptx): training on the old distribution alongside the
        // new one holds the old loss down. The ratio allowed is set from the measured quick run (docs/part-07.md).
        var check = ctx.Checks.Published("Robins 1995; Ouyang et al. 2022 §3.5: replaying pretraining data limits forgetting");
        const string name = "replay: pretraining-loss rise with replay ÷ without";
        if (without > 0.05) check.AtMost(name, withReplay / without, cfg.MaxReplayForgettingRatio);
        else
            check.Skip(name, $"≤ {F(cfg.MaxReplayForgettingRatio)}",
                $"fine-tuning raised the pretraining loss only {F(without, "0.000")} nats: nothing to cut");
    }

    static string Cell(FamilyScore s) => $"{Pct(s.Accuracy)} ({Pct(s.FormatValidity)}){(s.NoRoom > 0 ? $", {s.NoRoom} no room" : "")}";

    static string Pct(double v) => (100 * v).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " %";
}
