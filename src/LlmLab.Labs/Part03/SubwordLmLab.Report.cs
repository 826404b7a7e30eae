using System.Globalization;
using LlmLab.Labs.Framework;
using LlmLab.Training;
using ScottPlot;

namespace LlmLab.Labs.Part03;

public sealed partial class SubwordLmLab
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    static void Tokenizers(LabContext ctx, List<Entry> entries)
    {
        ctx.Report.Heading("The tokenizers on the validation text");
        ctx.Report.Paragraph("Byte-level BPE learns merges on the training split only; the validation text is new to it. \"Used\": " +
            "distinct ids the validation text contains, out of V. Unigram baseline: the cross-entropy on the validation tokens of the " +
            "training tokens' frequencies (add-one smoothing), in bits per byte — what a model that ignores context pays; bigger " +
            "vocabularies pack more of the text's structure into the tokens themselves, so their baseline is lower. \"Own entropy\": the " +
            "validation tokens' own frequencies, a lower bound that flatters large vocabularies (a short text " +
            "uses many of their tokens once).");
        var rows = entries.Select(e => new[]
        {
            e.Name, e.Vocab.ToString("N0", Inv), e.Val.Tokens.ToString("N0", Inv), F(e.Val.BytesPerToken, "0.00"),
            $"{e.Val.Distinct:N0} ({F(100 * e.Val.Usage, "0.0")}%)", F(e.Val.UnigramCrossNats / Math.Log(2), "0.00"),
            F(e.UnigramBitsPerByte), F(e.Val.OwnEntropyBitsPerByte), e.RoundTrip ? "exact" : e.IsBpe ? "FAILED" : "lossy (<unk>)",
        });
        ctx.Report.Table(["tokenizer", "V", "validation tokens", "bytes/token", "vocabulary used", "unigram bits/token",
            "unigram bits/byte", "own entropy bits/byte", "decode(encode(text))"],
            rows, "validation text under each tokenization");
        foreach (var e in entries.Where(e => e.IsBpe))
        {
            ctx.Checks.KnownAnswer("the original validation text")
                .True($"{e.Name}: decode(encode(validation text)) == text", e.RoundTrip, e.RoundTrip ? $"{e.Val.Bytes:N0} bytes round-trip"
                    : "the text changed");
        }
        var bpe = entries.Where(e => e.IsBpe).ToList();
        if (bpe.Count > 0)
            ctx.Report.Table(["tokenizer", "longest tokens (· = space)"], bpe.Select(e => new[] { e.Name, string.Join(" ", e.Longest) }),
                "the longest tokens each tokenizer learned: the corpus's most frequent long strings");
    }

    static void Models(LabContext ctx, SubwordLmLabConfig cfg, List<Entry> entries)
    {
        ctx.Report.Heading("Equal parameters, equal steps: bits per byte");
        var rows = new List<string[]>();
        foreach (var e in entries)
        {
            rows.Add([e.Name, e.Vocab.ToString("N0", Inv), e.Config.Hidden.ToString("N0", Inv), e.Config.Parameters.ToString("N0", Inv),
                e.Config.NonEmbeddingParameters.ToString("N0", Inv), e.Training.StepsDone.ToString("N0", Inv), F(e.Training.Seconds, "0.0"),
                (e.Training.TokensPerSecond / 1e3).ToString("0.0", Inv) + "k",
                (e.Training.TokensPerSecond * e.Val.BytesPerToken / 1e3).ToString("0.0", Inv) + "k", F(e.Training.Initial!.Loss),
                    F(Math.Log(e.Vocab)), F(e.BitsPerByte), F(e.UnigramBitsPerByte)]);
            ctx.Checks.Formula("uniform prediction at initialisation: ln V")
                .Close($"{e.Name}: initial validation loss ≈ ln V = {F(Math.Log(e.Vocab))}", e.Training.Initial.Loss, Math.Log(e.Vocab),
                    0.1, relative: false, unit: "nats");
            var unigram = ctx.Checks.Formula("unigram entropy of the training tokens, per byte");
            string claim = $"{e.Name}: bits per byte below its unigram baseline ({F(e.UnigramBitsPerByte)})";
            if (e.Training.StoppedByTimeBudget)
                unigram.Skip(claim, $"≤ {F(e.UnigramBitsPerByte)} bits/byte",
                    $"not evaluated: seconds_per_model cut training at step {e.Training.StepsDone:N0} of {cfg.MaxSteps:N0}");
            else unigram.AtMost(claim, e.BitsPerByte, e.UnigramBitsPerByte, "bits/byte");
            ctx.Report.Headline($"3.2 {e.Name}",
                $"{F(e.BitsPerByte)} bits/byte ({e.Config.Parameters:N0} parameters, {e.Training.StepsDone:N0} steps)");
        }
        ctx.Report.Table(["model", "V", "hidden", "parameters", "non-embedding", "steps", "train s", "tokens/s", "bytes/s", "initial loss",
            "ln V",
            "bits/byte", "unigram bits/byte"], rows,
            "LSTM language models at equal parameters and equal steps; bits per byte over the whole validation text");
        var cut = entries.Where(e => e.Training.StoppedByTimeBudget).Select(e => $"{e.Name} at step {e.Training.StepsDone:N0}").ToList();
        if (cut.Count > 0)
            ctx.Report.Paragraph($"**The time cap (seconds_per_model = {F(cfg.SecondsPerModel ?? 0, "0.#")}) cut training short**: " +
                $"{string.Join(", ", cut)} of {cfg.MaxSteps:N0}. The comparison is then one of equal time on this machine, not of equal " +
                "steps, and those models' unigram-baseline checks are skipped. Leave seconds_per_model unset for results that depend " +
                "only on the seed and the profile.");
        var best = entries.MinBy(e => e.BitsPerByte)!;
        var chars = entries.First(e => !e.IsBpe);
        ctx.Report.Paragraph(
            $"Best: {best.Name} at {F(best.BitsPerByte)} bits/byte; the character model: {F(chars.BitsPerByte)}. A bigger vocabulary " +
            "shortens the sequence (more text per step and per unit of context) but spends the parameter budget on embedding and head " +
            "rows, leaving a smaller LSTM, and each of its rows is trained on fewer occurrences; where the balance falls " +
            "depends on the budget and the data.");
        ctx.Plot("bits-per-byte-vs-vocab", VocabPlot(entries), "Bits per byte of the validation text against the BPE vocabulary size " +
            "(log scale); the character model and the unigram baselines for reference", 800, 450);
        ctx.Plot("val-bits-per-byte-seconds", CurvePlot(entries),
            "Validation loss on the fixed windows converted to bits per byte, against training seconds");
        foreach (var e in entries)
        {
            ctx.Report.Heading($"Step log: {e.Name}", 3);
            ctx.Report.Code(string.Join("\n", e.Log));
        }
    }

    static Plot VocabPlot(List<Entry> entries)
    {
        var plot = new Plot();
        var bpe = entries.Where(e => e.IsBpe).OrderBy(e => e.Vocab).ToList();
        double[] xs = bpe.Select(e => Math.Log2(e.Vocab)).ToArray();
        var model = plot.Add.Scatter(xs, bpe.Select(e => e.BitsPerByte).ToArray(), Colors.C0);
        model.LineWidth = 2;
        model.MarkerSize = 8;
        model.LegendText = "BPE + LSTM";
        var uni = plot.Add.Scatter(xs, bpe.Select(e => e.UnigramBitsPerByte).ToArray(), Colors.Gray);
        uni.LinePattern = LinePattern.Dashed;
        uni.LegendText = "unigram baseline of the tokenization";
        var chars = entries.First(e => !e.IsBpe);
        var line = plot.Add.HorizontalLine(chars.BitsPerByte, 2, Colors.C1, LinePattern.Dotted);
        line.LegendText = $"character LSTM ({chars.BitsPerByte:0.000})";
        plot.Axes.Bottom.SetTicks(xs, bpe.Select(e => e.Vocab.ToString("N0", Inv)).ToArray());
        plot.Title("Bits per byte vs vocabulary size (equal parameters, equal time)");
        plot.XLabel("BPE vocabulary size");
        plot.YLabel("validation bits per byte");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    static Plot CurvePlot(List<Entry> entries)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var (e, k) in entries.Select((e, k) => (e, k)))
        {
            // Window loss per token → bits per byte with the validation text's bytes per token.
            var line = plot.Add.Scatter(e.Training.Evals.Select(v => v.Seconds).ToArray(),
                e.Training.Evals.Select(v => v.Bits / e.Val.BytesPerToken).ToArray(), palette.GetColor(k));
            line.LineWidth = 2;
            line.MarkerSize = 4;
            line.LegendText = e.Name;
        }
        plot.Title("Validation bits per byte vs training time");
        plot.XLabel("training seconds (evaluation excluded)");
        plot.YLabel("validation bits per byte (fixed windows)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }
}
