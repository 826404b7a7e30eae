using LlmLab.Inference.Quantization;
using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part09;

public sealed partial class QuantizationLab
{
    /// <summary>llama.cpp's published perplexity increases over F16 for Llama-3-8B (its quantize tool's documentation),
    /// in perplexity points: the context for our own, much smaller model.</summary>
    const double LlamaCppQ8_0Delta = 0.0026, LlamaCppQ4_0Delta = 0.4685;

    void Summarise(LabContext ctx, QuantizationConfig cfg, IReadOnlyList<FormatRun> runs, IReadOnlyList<CheckpointFile> files,
        IReadOnlyList<BenchRow> bench)
    {
        var f32 = runs.Single(r => r.Format == QuantFormat.F32);
        double Increase(FormatRun r) => r.Perplexity / f32.Perplexity - 1;

        ctx.Report.Heading("Perplexity, size and error per format");
        ctx.Report.Table(["format", "bits / weight (quantized matrices)", "model MB", "relative weight error ‖W − Ŵ‖/‖W‖",
                "val loss (nats/token)", "perplexity",
                "Δ perplexity", "Δ %", "generation tokens/s (fp32 kernel)"],
            runs.Select(r => new[]
            {
                r.Label, F(r.Summary.BitsPerWeight, "0.00"), F(r.Summary.ModelBytes / 1e6, "0.000"), F(r.Summary.RelativeError, "0.0000"),
                    F(r.Loss, "0.0000"),
                F(r.Perplexity, "0.0000"), F(r.Perplexity - f32.Perplexity, "+0.0000;-0.0000;0"), F(100 * Increase(r), "+0.000;-0.000;0"),
                    N(r.TokensPerSecond),
            }), "the same validation windows for every format; model MB = quantized matrices + the fp32 embeddings, norms and biases");
        ctx.Plot("perplexity-vs-bits", QuantizationPlots.IncreaseVsBits(runs.Where(r => r.Format != QuantFormat.F32).ToList(),
            r => 100 * Increase(r)),
            "Perplexity increase over fp32 (%) against storage bits per quantized weight, one point per format");

        ctx.Checks.SelfConsistency("the fp32 model's own perplexity")
            .AtMost("F32 through the quantizer: perplexity unchanged, |Δ|", Math.Abs(Increase(f32)), 0);
        foreach (var r in runs.Where(r => r.Format is QuantFormat.Int8PerChannel or QuantFormat.Q8_0))
            ctx.Checks.Published("LLM.int8() and llama.cpp's Q8_0 tables: 8-bit is near-lossless")
                .AtMost($"{r.Label}: perplexity increase ≤ {F(100 * cfg.MaxInt8Increase)}%", 100 * Increase(r), 100 * cfg.MaxInt8Increase,
                    "%");
        foreach (var r in runs.Where(r => r.Format != QuantFormat.F32 && r.Group == 32 && r.Format != QuantFormat.Q8_0))
            ctx.Checks.Published("llama.cpp's Q4_0 tables: a few % at 4 bits")
                .AtMost($"{r.Label}: perplexity increase ≤ {F(100 * cfg.MaxInt4Increase)}% (4-bit, group 32)", 100 * Increase(r),
                    100 * cfg.MaxInt4Increase, "%");
        foreach (var format in new[] { QuantFormat.Int4Symmetric, QuantFormat.Int4Asymmetric })
        {
            var errors = runs.Where(r => r.Format == format).OrderBy(r => r.Group).ToList();
            ctx.Checks.Formula("round-to-nearest error grows with each group's range")
                .True($"{format}: relative weight error grows with the group (g{string.Join(" < g", errors.Select(e => e.Group))})",
                errors.Zip(errors.Skip(1)).All(p => p.First.Summary.RelativeError < p.Second.Summary.RelativeError),
                string.Join(" → ", errors.Select(e => F(e.Summary.RelativeError, "0.0000"))));
        }

        var q8 = runs.Single(r => r.Format == QuantFormat.Q8_0);
        var q4 = runs.Single(r => r.Format == QuantFormat.Q4_0);
        ctx.Report.Paragraph($"For scale: llama.cpp publishes, for Llama-3-8B, perplexity increases over F16 " +
            $"of +{F(LlamaCppQ8_0Delta, "0.0000")} (Q8_0) and +{F(LlamaCppQ4_0Delta, "0.0000")} (Q4_0) perplexity points; here Q8_0 adds " +
            $"{F(q8.Perplexity - f32.Perplexity, "+0.0000;-0.0000;0")} and Q4_0 {F(q4.Perplexity - f32.Perplexity, "+0.0000;-0.0000;0")} " +
            $"to a perplexity of {F(f32.Perplexity, "0.000")} per {(cfg.Tokenizer == "char" ? "character" : "token")}. " +
            "The two are not directly comparable (another tokenizer, text and model size). 8-bit is practically lossless in both; 4-bit " +
            $"round-to-nearest costs more (here " +
            $"{F(100 * runs.Where(r => r.Summary.BitsPerWeight < 5).Min(Increase), "+0.000;-0.000;0")}% to " +
            $"{F(100 * runs.Where(r => r.Summary.BitsPerWeight < 5).Max(Increase), "+0.000;-0.000;0")}%). A small model trained " +
            $"briefly is gentler to quantize " +
            "than a large, well-trained one, whose few large-magnitude outlier features stretch each group's scale (Dettmers et al. " +
            "2022, LLM.int8()) — the reason GPTQ and AWQ exist.");
        ctx.Report.Headline("Δ perplexity: Q8_0 / Q4_0",
            $"{F(100 * Increase(q8), "+0.00;-0.00;0")}% / {F(100 * Increase(q4), "+0.00;-0.00;0")}%");

        Files(ctx, files, f32.Summary.Weights);
        Kernels(ctx, runs, bench);
    }

    static void Files(LabContext ctx, IReadOnlyList<CheckpointFile> files, long quantizedWeights)
    {
        ctx.Report.Heading("Size on disk");
        ctx.Report.Table(["file", "format of the block matrices", "bytes on disk", "model bytes (counted)", "header",
            "read back: max |Δ| to the in-memory quantized weights"],
            files.Select(f => new[] { $"`{f.Name}`", f.Format.ToString(), N(f.FileBytes), N(f.ModelBytes), N(f.FileBytes - f.ModelBytes),
                F(f.MaxDifference, "0.0e+00") }),
            "written by LlmLab.Inference.Quantization.QuantizedCheckpoint: magic, version, then per tensor its " +
                "name, ggml type, shape and blocks");
        foreach (var f in files)
        {
            ctx.Checks.SelfConsistency("the weights quantized in memory")
                .AtMost($"{f.Name}: weights read back = the quantized model's, max |Δ|", f.MaxDifference, 0);
            ctx.Checks.Formula("the file layout: magic, version, per tensor its name, type and shape")
                .InRange($"{f.Name}: file size − counted model bytes = its header (names, shapes)", f.FileBytes - f.ModelBytes, 12,
                    64 * 1024, "bytes");
        }
        var f32 = files.Single(f => f.Format == QuantFormat.F32);
        // Bits per quantized weight from the bytes written: the files differ only in the block matrices (same names, shapes
        // and fp32 tensors), so a format's matrices take (its file − the fp32 file) + 4·W bytes for W quantized weights.
        foreach (var (format, bits, block) in new[] { (QuantFormat.Q8_0, 8.5, "fp16 scale + 32 int8 = 34 B"),
            (QuantFormat.Q4_0, 4.5, "fp16 scale + 16 B of nibbles = 18 B") })
        {
            var f = files.Single(x => x.Format == format);
            double measured = (f.FileBytes - f32.FileBytes + 4.0 * quantizedWeights) * 8 / quantizedWeights;
            ctx.Checks.Published($"ggml's block_{format.ToString().ToLowerInvariant()}: {block} per 32 weights").Close(
                $"{f.Name}: bits per quantized weight on disk ((file − fp32 file + 4·W) · 8 / W, W = {quantizedWeights:N0})", measured,
                bits, 0.01, relative: false);
        }
        double keptShare = 1 - (double)quantizedWeights * 4 / f32.ModelBytes;
        ctx.Report.Paragraph(string.Join(" ", files.Where(f => f.Format != QuantFormat.F32).Select(f =>
            $"{f.Format}: {F(f.FileBytes / 1024.0, "0.0")} KiB, {F((double)f32.FileBytes / f.FileBytes, "0.00")}× smaller than fp32's " +
            $"{F(f32.FileBytes / 1024.0, "0.0")} KiB.")) +
            $" The parameters kept in fp32 (embeddings, norms, biases: {F(100 * keptShare, "0.0")}% of the fp32 model) keep the ratios " +
            "below 32/8.5 = 3.76 and 32/4.5 = 7.11, the more so the smaller the model.");
        ctx.Report.Headline("file size fp32 → Q8_0 → Q4_0 (KiB)", string.Join(" → ", files.Select(f => F(f.FileBytes / 1024.0, "0"))));
    }

    static void Kernels(LabContext ctx, IReadOnlyList<FormatRun> runs, IReadOnlyList<BenchRow> bench)
    {
        ctx.Report.Heading("Which kernel runs, and what it costs");
        ctx.Report.Paragraph("The quantizer writes the dequantized weights back into the model as fp32, so every quantized copy above " +
            $"decodes with the same fp32 matmuls: its generation speed is fp32's (measured {N(runs.Min(r => r.TokensPerSecond))} to " +
            $"{N(runs.Max(r => r.TokensPerSecond))} " +
            "tokens/s across the formats: the spread is timing noise, not the format). Quantization here saves storage and memory, not " +
            "time. A kernel that keeps the weights quantized must turn them back into numbers somewhere; below, at each of the model's " +
            "layer shapes and one token (batch 1), the blocks are dequantized in C# and then multiplied by " +
            "libtorch, against the fp32 matmul:");
        ctx.Report.Table(["layer (out × in)", "layers", "fp32 matmul µs", "Q8_0 dequantize + matmul µs", "of which dequantize",
            "Q4_0 dequantize + matmul µs", "of which dequantize"],
            bench.Select(b => new[]
            {
                $"{b.Rows} × {b.Cols}", b.Layers.ToString(), F(b.Fp32Us, "0.0"), $"{F(b.Q8_0Us, "0.0")} ({F(b.Q8_0Us / b.Fp32Us, "0.0")}×)",
                    F(b.Q8_0DequantUs, "0.0"),
                $"{F(b.Q4_0Us, "0.0")} ({F(b.Q4_0Us / b.Fp32Us, "0.0")}×)", F(b.Q4_0DequantUs, "0.0"),
            }), "median of timed calls; × = ÷ the fp32 matmul");
        double fp32 = bench.Sum(b => b.Layers * b.Fp32Us), q8 = bench.Sum(b => b.Layers * b.Q8_0Us),
            q4 = bench.Sum(b => b.Layers * b.Q4_0Us);
        string slower = q8 > fp32 && q4 > fp32 ? "dequantize-then-matmul is the slower path" : "dequantize-then-matmul is not slower here";
        ctx.Report.Paragraph(
            $"Over all the model's quantized layers, one token: fp32 {F(fp32, "0")} µs, Q8_0 {F(q8, "0")} µs, " +
            $"Q4_0 {F(q4, "0")} µs — {slower}: " +
            "it writes a full fp32 copy of each matrix and then reads it again, on top of the matmul fp32 does anyway. llama.cpp is fast " +
            "at batch 1 for the opposite reason: its CPU kernels multiply straight from the blocks (the activations quantized to Q8_0, " +
            "integer dot products per block, one scale multiply per 32 weights), so a decode step reads 8.5 or 4.5 bits per weight " +
            "instead of 32 — and single-token decoding is bound by reading weights from memory.");
        ctx.Report.Headline("dequantize+matmul ÷ fp32 matmul, batch 1 (Q8_0 / Q4_0)", $"{F(q8 / fp32, "0.0")}× / {F(q4 / fp32, "0.0")}×");
    }
}
