using LlmLab.Nn.Gpt;
using static TorchSharp.torch;

namespace LlmLab.Inference.Quantization;

/// <summary>What quantizing a model's linear layers did: per format, the weights touched, bytes and error.</summary>
/// <param name="Format">The format applied.</param>
/// <param name="Group">The int4 group size (ignored by other formats).</param>
/// <param name="Tensors">Weight matrices quantized.</param>
/// <param name="Weights">Weights in them.</param>
/// <param name="QuantizedBytes">Their storage in the format.</param>
/// <param name="ModelBytes">The whole model's parameter storage: quantized matrices + everything kept in fp32.</param>
/// <param name="RelativeError">‖W − Ŵ‖ / ‖W‖ over all quantized matrices.</param>
public sealed record QuantizationSummary(QuantFormat Format, int Group, int Tensors, long Weights, long QuantizedBytes, long ModelBytes, double RelativeError)
{
    /// <summary>Storage bits per quantized weight (scales included).</summary>
    public double BitsPerWeight => Weights == 0 ? 32 : QuantizedBytes * 8.0 / Weights;
}

/// <summary>
/// Post-training, weight-only quantization of a <see cref="GptModel"/>: every Linear weight inside the Transformer
/// blocks (attention c_attn/c_proj, MLP c_fc/c_proj or the SwiGLU projections) is quantized by round-to-nearest and
/// replaced by its dequantized values, so the model computes exactly what a dequantize-then-matmul kernel would.
/// Kept in fp32, as is usual for small models: the token and position embeddings (and with them the tied LM head),
/// norms and biases — they are a large share of a small model but are lookups or vectors, not matmul weights (llama.cpp
/// also keeps norms in fp32; it quantizes embeddings too, which we do not). GPTQ (error-compensating rounding with a
/// calibration set) is not implemented: every format here is plain round-to-nearest. Not thread-safe (modifies the model).
/// </summary>
public static class ModelQuantizer
{
    /// <summary>True for the parameters this quantizer replaces: 2-D weights inside the blocks.</summary>
    public static bool IsQuantized(string name, Tensor p) => p.dim() == 2 && name.StartsWith("h.", StringComparison.Ordinal) && name.EndsWith(".weight", StringComparison.Ordinal);

    /// <summary>Quantizes <paramref name="model"/>'s block weights in place and returns what it did.</summary>
    /// <exception cref="ArgumentException">A weight whose row length the format's group/block does not divide.</exception>
    public static QuantizationSummary Apply(GptModel model, QuantFormat format, int group = 32)
    {
        ArgumentNullException.ThrowIfNull(model);
        int tensors = 0;
        long weights = 0, qbytes = 0, keptBytes = 0;
        double err2 = 0, norm2 = 0;
        using var noGrad = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            if (!IsQuantized(name, p))
            {
                keptBytes += p.numel() * 4;
                continue;
            }
            int rows = (int)p.shape[0], cols = (int)p.shape[1];
            var w = p.detach().cpu().to(ScalarType.Float32).data<float>().ToArray();
            QuantizedMatrix q;
            try { q = QuantizedMatrix.Quantize(w, rows, cols, format, group); }
            catch (ArgumentException e) { throw new ArgumentException($"{name} ({rows} × {cols}): {e.Message}", e); }
            var wq = q.Dequantize();
            for (int i = 0; i < w.Length; i++)
            {
                double d = w[i] - wq[i];
                err2 += d * d;
                norm2 += (double)w[i] * w[i];
            }
            p.copy_(tensor(wq, [rows, cols]).to(p.dtype, p.device));
            tensors++;
            weights += w.Length;
            qbytes += q.Bytes;
        }
        return new QuantizationSummary(format, group, tensors, weights, qbytes, qbytes + keptBytes, norm2 == 0 ? 0 : Math.Sqrt(err2 / norm2));
    }
}
