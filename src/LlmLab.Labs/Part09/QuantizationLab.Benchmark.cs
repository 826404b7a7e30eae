using LlmLab.Runtime;
using System.Diagnostics;
using LlmLab.Inference.Quantization;
using LlmLab.Labs.Framework;
using LlmLab.Nn.Gpt;
using static TorchSharp.torch;

namespace LlmLab.Labs.Part09;

public sealed partial class QuantizationLab
{
    /// <summary>Median microseconds of y = x·Wᵀ at batch 1 for one layer shape (out × in): fp32 weights, and weights
    /// kept as ggml blocks that are dequantized (C#, <see cref="GgmlBlocks"/>) then multiplied (libtorch) every call.</summary>
    internal sealed record BenchRow(int Rows, int Cols, int Layers, double Fp32Us, double Q8_0Us, double Q8_0DequantUs, double Q4_0Us,
        double Q4_0DequantUs);

    static List<BenchRow> Benchmark(LabContext ctx, QuantizationConfig cfg, GptModel model)
    {
        var shapes = model.named_parameters().Where(p => ModelQuantizer.IsQuantized(p.name, p.parameter))
            .GroupBy(p => ((int)p.parameter.shape[0], (int)p.parameter.shape[1])).ToList();
        var rows = new List<BenchRow>();
        using var noGrad = no_grad();
        using var bar = ctx.Progress.Begin("9.3 dequantize-then-matmul", shapes.Count);
        foreach (var shape in shapes)
        {
            var (r, c) = shape.Key;
            using var w = shape.First().parameter.detach().contiguous().clone();                // (out, in)
            float[] values = w.data<float>().ToArray();
            byte[] q8 = GgmlBlocks.QuantizeQ8_0(values), q4 = GgmlBlocks.QuantizeQ4_0(values);
            using var x = randn(1, c);                                                          // (1, in): one token
            double fp32 = Median(cfg.BenchRepeats, () => { using var y = nn.functional.linear(x, w); });
            double q8Total = Median(cfg.BenchRepeats, () => DequantizeMatmul(x, GgmlBlocks.DequantizeQ8_0(q8), r, c));
            double q8Dequant = Median(cfg.BenchRepeats, () => GgmlBlocks.DequantizeQ8_0(q8));
            double q4Total = Median(cfg.BenchRepeats, () => DequantizeMatmul(x, GgmlBlocks.DequantizeQ4_0(q4), r, c));
            double q4Dequant = Median(cfg.BenchRepeats, () => GgmlBlocks.DequantizeQ4_0(q4));
            rows.Add(new BenchRow(r, c, shape.Count(), fp32, q8Total, q8Dequant, q4Total, q4Dequant));
            ctx.Metrics.Log(new { bench = $"{r}x{c}", fp32_us = fp32, q8_0_us = q8Total, q8_0_dequant_us = q8Dequant, q4_0_us = q4Total,
                q4_0_dequant_us = q4Dequant });
            bar.Increment();
        }
        return rows;
    }

    /// <summary>The dequantized weights as an (out, in) tensor, then one matmul with them.</summary>
    static void DequantizeMatmul(Tensor x, float[] weights, int rows, int cols)
    {
        using var w = tensor(weights, [rows, cols]);                                            // (out, in)
        using var y = nn.functional.linear(x, w);                                               // (1, out)
    }

    /// <summary>Median microseconds of <paramref name="action"/> over <paramref name="repeats"/> calls, after two untimed ones.</summary>
    static double Median(int repeats, Action action) => 1e3 * SampleStats.MedianMilliseconds(repeats, action);
}
