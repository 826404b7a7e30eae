using LlmLab.Labs.Framework;
using LlmLab.Nn.Recurrent;

namespace LlmLab.Labs.Part03;

public sealed partial class CharLmLab
{
    static double Bits(double nats) => nats / Math.Log(2);

    static void Results(LabContext ctx, CharLmLabConfig cfg, List<ModelRun> runs, int vocab, double unigram, long reference)
    {
        ctx.Report.Heading("Three cells at equal size");
        ctx.Report.Paragraph($"Embedding {cfg.Embed} → {cfg.Layers} recurrent layer(s) → dropout {F(cfg.Dropout, "0.##")} → linear head " +
            $"over V = {vocab}. The LSTM has {cfg.LstmHidden} hidden units; the GRU (3 gate blocks to the LSTM's 4) and the RNN (1) get " +
            $"the hidden size whose parameter count is closest. Every model starts from the same seed and sees the same {cfg.Steps:N0} " +
            $"batches of {cfg.Batch} × {cfg.Context} characters (AdamW, lr {F(cfg.LearningRate, "0.0e+00")}, gradient norm clipped at " +
            $"{F(cfg.GradClip, "0.##")}). \"Windows\": the fixed validation windows " +
            "the trainer evaluates (from a zero state, so each window's first characters are guessed with little context); \"whole " +
            "text\": every validation character, read as 16 contiguous streams that carry their state — the figure to quote.");
        var rows = new List<string[]>();
        foreach (var r in runs)
        {
            double finalNats = r.Score.NatsPerToken;
            rows.Add([r.Name, r.Config.Hidden.ToString("N0", Inv), r.Config.Parameters.ToString("N0", Inv),
                r.Training.StepsDone.ToString("N0", Inv),
                F(r.Training.Initial!.Loss), F(r.Training.Final!.Loss), F(finalNats), F(Bits(finalNats)),
                (r.Training.TokensPerSecond / 1e3).ToString("0.0", Inv) + "k", F(r.Training.Seconds, "0.0")]);
            ctx.Checks.Formula("uniform prediction at initialisation: ln V")
                .Close($"{r.Name}: initial validation loss ≈ ln V = {F(Math.Log(vocab))}", r.Training.Initial.Loss, Math.Log(vocab), 0.1,
                    relative: false, unit: "nats");
            var below = ctx.Checks.Formula("unigram model of the training characters, on the validation text");
            string claim = $"{r.Name}: validation loss well below the unigram entropy ({F(unigram)} − {F(UnigramMarginNats, "0.00")})";
            if (r.Training.StoppedByTimeBudget)
                below.Skip(claim, $"≤ {F(unigram - UnigramMarginNats)} nats/char",
                    $"not evaluated: time_budget_seconds cut training at step {r.Training.StepsDone:N0} (leave " +
                    $"it unset to judge the recipe)");
            else below.AtMost(claim, finalNats, unigram - UnigramMarginNats, "nats/char");
            ctx.Report.Headline($"3.1 {r.Name} validation",
                $"{F(Bits(finalNats))} bits/char ({F(finalNats)} nats), {r.Config.Parameters:N0} parameters");
        }
        ctx.Report.Table(["model", "hidden", "parameters", "steps", "initial loss (windows)", "final loss (windows)",
            "final loss (whole text)",
            "bits/char (whole text)", "tokens/s", "train s"], rows,
            $"validation loss in nats per character; unigram entropy {F(unigram)} nats = {F(Bits(unigram))} bits per character");
        foreach (var r in runs)
        {
            ctx.Report.Heading($"Step log: {r.Name}", 3);
            ctx.Report.Code(string.Join("\n", r.Log));
        }
    }

    static void Curves(LabContext ctx, List<ModelRun> runs, double unigram, int vocab)
    {
        var curves = runs.Select(r => new RecurrentLmPlots.Curve(r.Name, r.Training.Evals)).ToList();
        ctx.Plot("val-bpc-steps", RecurrentLmPlots.Validation(curves, bySeconds: false, unigramBits: Bits(unigram),
                uniformBits: Math.Log2(vocab),
                "Validation bits per character vs step"),
            "Validation loss on the fixed windows, in bits per character, against the training step; dashed: " +
                "the unigram entropy and log2 V");
        ctx.Plot("val-bpc-seconds", RecurrentLmPlots.Validation(curves, bySeconds: true, unigramBits: Bits(unigram),
                uniformBits: Math.Log2(vocab),
                "Validation bits per character vs training time"),
            "The same curves against training seconds (evaluation excluded): what each cell buys per second of CPU");
    }

    static void Samples(LabContext ctx, CharLmLabConfig cfg, List<ModelRun> runs)
    {
        ctx.Report.Heading("Samples");
        ctx.Report.Paragraph($"{cfg.SampleChars} characters after the prompt \"{cfg.Prompt}\" at each temperature, one seed for " +
            "all: a low temperature repeats the likeliest patterns, 1.0 draws from the model's own distribution.");
        foreach (var r in runs)
            foreach (var (t, text) in r.Samples)
            {
                ctx.Report.Heading($"{r.Name}, temperature {F(t, "0.0#")}", 3);
                ctx.Report.Code(text);
            }
    }

    static void Parity(LabContext ctx)
    {
        ctx.Report.Heading("The LSTM cell from its equations vs libtorch's nn.LSTM");
        var p = LstmParity.Measure(batch: 3, steps: 7, inputSize: 5, hidden: 8, layers: 2, seed: 1);
        ctx.Report.Paragraph("`LstmCell` computes [i; f; g; o] = W_ih x + b_ih + W_hh h + b_hh, c' = σ(f)⊙c + σ(i)⊙tanh(g), " +
            "h' = σ(o)⊙tanh(c'); `ScratchLstm` unrolls it over time and layers. With nn.LSTM's weights copied in (2 layers of 8, batch " +
            "3, 7 steps, fp32), outputs and the gradients of a random linear function of them are compared element by element.");
        ctx.Report.Table(["tensor", "max |Δ|", "within 1e-5"],
            p.Items.Select(i => new[] { i.Name, i.Comparison.MaxAbsDiff.ToString("0.0e+00", Inv), i.Comparison.Passed ? "yes" : "NO" }));
        ctx.Checks.Libtorch("nn.LSTM with the same weights")
            .AtMost("from-scratch LSTM matches nn.LSTM, forward (output, h_n, c_n): max |Δ|", p.ForwardMaxAbsDiff, 1e-5);
        ctx.Checks.Libtorch("nn.LSTM with the same weights")
            .AtMost("from-scratch LSTM matches nn.LSTM, backward (input, state and every weight): max |Δ|", p.BackwardMaxAbsDiff, 1e-5);
        ctx.Report.Headline("3.1 from-scratch LSTM vs nn.LSTM",
            $"max |Δ| {p.ForwardMaxAbsDiff:0.0e+00} forward, {p.BackwardMaxAbsDiff:0.0e+00} backward");
    }

    static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;
}
