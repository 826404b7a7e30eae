using LlmLab.Labs.Framework;
using LlmLab.Nn.Gpt;

namespace LlmLab.Labs.Part04;

public sealed partial class MinimalTransformerLab
{
    void Introduce(LabContext ctx, MinimalTransformerConfig cfg, IReadOnlyList<MinimalTransformerData> levels)
    {
        var shape = GptShape(cfg, levels[0].Vocab);
        ctx.Report.Paragraph($"Corpus `{ctx.Corpus.Name}`: {N(levels[0].TrainChars)} training characters, {N(levels[0].ValidationChars)} " +
            $"validation characters (held-out documents). Two tokenizations of the same text: characters (V = {levels[0].Vocab}) and " +
            $"byte-level BPE trained on the training text (V = {levels[1].Vocab}, {F(levels[1].CharsPerToken, "0.00")} characters per " +
            $"token on the validation text).");
        ctx.Report.Paragraph($"The GPT (`LlmLab.Nn.Gpt.GptModel`, nanoGPT's model.py in C#): {cfg.Layers} pre-norm blocks of " +
            $"{cfg.Heads}-head causal self-attention ({cfg.Attention} kernel) and a GELU MLP, {cfg.Width} wide, {cfg.PositionEmbedding} " +
            $"positions, {cfg.Context} tokens of context, LayerNorm, the head tied to the token embedding, GPT-2's initialisation. Its " +
            $"LSTM rival is Part 3's `RecurrentLanguageModel` (embedding {cfg.LstmEmbed}, {cfg.LstmLayers} layer(s)) with the hidden " +
            $"size whose parameter count is closest to the GPT's. Both are trained by Part 3's `Trainer` (AdamW, gradient clip 1) on the " +
            $"same seeded batches of {cfg.Batch} × {cfg.Context} tokens: the GPT for {N(cfg.Steps)} steps, the LSTM for the same " +
            $"training time (evaluation excluded; at most {N(cfg.LstmMaxSteps)} steps), learning rates {F(cfg.GptLr, "0.0e+00")} (GPT) " +
            $"and {F(cfg.LstmLr, "0.0e+00")} (LSTM), and scored on the same {cfg.EvalBatches} × {cfg.Batch} " +
            "validation windows, each read from an empty context (no state carried in). Bits per character = nats per " +
            "token / ln 2 / characters per token.");
        ctx.Report.Code(shape.ToJson());
        ctx.Report.Paragraph($"Training cost of this GPT (character level): {N(GptSizing.FlopsPerToken(shape, cfg.Context))} FLOPs per " +
            $"token (6N + 12·L·H·Q·T, nanoGPT's estimate_mfu). The `full` preset is nanoGPT's shakespeare_char model, " +
            $"{N(GptSizing.ParameterCount(GptConfig.ShakespeareChar(65)))} " +
            "parameters at its 65 characters (nanoGPT prints 10.65M, the count without the position table).");
    }

    void Summarise(LabContext ctx, MinimalTransformerConfig cfg, IReadOnlyList<MinimalTransformerData> levels, IReadOnlyList<ModelRun> runs)
    {
        ctx.Report.Heading("GPT vs LSTM at equal parameters and equal time");
        ctx.Report.Table(["tokens", "model", "parameters", "steps", "training s", "tokens/s", "chars/s", "initial bits/char",
            "final val bits/char", "unigram bits/char"],
            runs.Select(r => new[]
            {
                r.Level, r.Model, N(r.Parameters), N(r.Training.StepsDone), F(r.Training.Seconds, "0.0"), N(r.Training.TokensPerSecond),
                    N(r.CharsPerSecond),
                F(r.InitialBpc, "0.000"), F(r.FinalBpc, "0.000"), F(r.Data.UnigramBitsPerChar, "0.000"),
            }), "validation bits per character on fixed held-out windows; lower is better");
        ctx.Plot("val-bpc", MinimalTransformerPlots.Curves(runs, levels),
            "Validation bits per character against training seconds: GPT (solid) and LSTM (dashed), characters and BPE; " +
            "grey lines: unigram entropies");

        ctx.Report.Heading("Which wins at this scale");
        foreach (var data in levels)
        {
            var gpt = runs.Single(r => r.Level == data.Level && r.Model == "GPT");
            var lstm = runs.Single(r => r.Level == data.Level && r.Model == "LSTM");
            var (winner, loser) = gpt.FinalBpc <= lstm.FinalBpc ? (gpt, lstm) : (lstm, gpt);
            ctx.Report.Paragraph($"**{data.Level}**: the {winner.Model} ends at {F(winner.FinalBpc, "0.000")} bits/char against the " +
                $"{loser.Model}'s {F(loser.FinalBpc, "0.000")} ({F(100 * (loser.FinalBpc - winner.FinalBpc) / loser.FinalBpc, "0.0")}% " +
                $"lower) after {F(gpt.Training.Seconds, "0.0")} s and {F(lstm.Training.Seconds, "0.0")} s of training; the GPT processed " +
                $"{N(gpt.Training.TokensPerSecond)} tokens/s, the LSTM {N(lstm.Training.TokensPerSecond)}.");
            ctx.Report.Headline($"GPT vs LSTM, {data.Level} (val bits/char)",
                $"{F(gpt.FinalBpc, "0.000")} vs {F(lstm.FinalBpc, "0.000")}: {winner.Model} wins");
        }
        ctx.Report.Paragraph("Scale matters to this verdict: at ~0.1M parameters and seconds of CPU an LSTM is a strong baseline (its " +
            "recurrence carries the whole window in a small state), while attention pays off with width, context and steps. For " +
            "reference, nanoGPT's README reports a validation loss of 1.4697 nats (2.12 bits/char) for the `full` preset's model on " +
            "tiny-shakespeare after 5,000 iterations on one A100.");

        ctx.Report.Heading("Samples");
        foreach (var r in runs)
        {
            ctx.Report.Paragraph($"{r.Name} (temperature {F(cfg.Temperature)}, prompt \"{SamplePrompt}\"):");
            ctx.Report.Code(r.Sample);
        }
    }
}
