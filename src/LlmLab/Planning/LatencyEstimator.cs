namespace LlmLab.Planning;

/// <summary>
/// Roofline estimate of how fast a model can answer one request, the reasoning of Pope et al. 2022, "Efficiently
/// Scaling Transformer Inference" (and of the "LLM inference is memory-bandwidth bound" rule of thumb):
/// <list type="number">
/// <item>Decode (each output token) at small batch is memory-bandwidth bound: every step reads all active weights
/// and the KV cache once, so time per token ≈ (active params × bytes/param + KV bytes) / (bandwidth × efficiency).
/// Its compute, 2 · active params FLOPs, is a floor that only matters at large batch.</item>
/// <item>Prefill (the prompt) is compute bound: ≈ 2 · active params · input tokens / (peak FLOP/s × MFU), but never
/// faster than reading the weights once. The attention score FLOPs (2 · layers · context · width per token) are left
/// out: a few per cent for a 7B model at 2k tokens.</item>
/// <item>TTFT ≈ prefill; full response ≈ prefill + output tokens × time per token.</item>
/// </list>
/// Several GPUs are treated as ideal tensor parallelism (bandwidth and FLOP/s add up, communication is free), so
/// the estimate is a lower bound: queueing, batching with other requests, sampling and network time come on top.
/// Thread-safe (pure functions).
/// </summary>
public static class LatencyEstimator
{
    /// <summary>Fraction of datasheet bandwidth reached by decode kernels. An assumption, not a measurement: tuned
    /// inference engines typically reach roughly 60–80 % of peak HBM/GDDR bandwidth; 0.7 is the middle.</summary>
    public const double DefaultBandwidthEfficiency = 0.7;

    /// <summary>Model FLOPs utilisation in prefill. An assumption: 0.4 is a conservative figure for one request's
    /// prompt on a GPU (large, well-batched matmuls reach more).</summary>
    public const double DefaultMfu = 0.4;

    /// <summary>Seconds per decode step: (weight bytes + KV bytes) / (bandwidth × efficiency).</summary>
    public static double DecodeSecondsPerToken(double weightBytes, double kvBytes, double bandwidthBytesPerSecond,
        double efficiency = DefaultBandwidthEfficiency)
    {
        Positive(bandwidthBytesPerSecond, nameof(bandwidthBytesPerSecond));
        Fraction(efficiency, nameof(efficiency));
        return (weightBytes + kvBytes) / (bandwidthBytesPerSecond * efficiency);
    }

    /// <summary>Seconds of prefill compute: 2 · active params · input tokens / (peak FLOP/s × MFU).</summary>
    public static double PrefillComputeSeconds(double activeParameters, double inputTokens, double peakFlops, double mfu = DefaultMfu)
    {
        Positive(peakFlops, nameof(peakFlops));
        Fraction(mfu, nameof(mfu));
        return 2 * activeParameters * inputTokens / (peakFlops * mfu);
    }

    /// <summary>
    /// The estimate for one request of <paramref name="inputTokens"/> prompt tokens and <paramref name="outputTokens"/>
    /// generated tokens, with weights in <paramref name="dtype"/> on <paramref name="gpuCount"/> × <paramref name="gpu"/>.
    /// The KV cache is kept in the weights' format, or fp16 for integer weights (as <see cref="MemoryEstimator.Inference"/>
    /// assumes and inference engines do by default).
    /// </summary>
    public static LatencyEstimate Estimate(ModelSpec model, Dtype dtype, GpuSpec gpu, int gpuCount, double inputTokens, double outputTokens,
        double bandwidthEfficiency = DefaultBandwidthEfficiency, double mfu = DefaultMfu)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(gpu);
        if (gpuCount < 1) throw new ArgumentOutOfRangeException(nameof(gpuCount), $"gpuCount must be >= 1 (got {gpuCount})");
        if (inputTokens < 0 || outputTokens < 0) throw new ArgumentOutOfRangeException(nameof(inputTokens), "token counts must be >= 0");
        double bandwidth = gpu.MemoryBandwidthBytesPerSecond * gpuCount;
        double flops = gpu.PeakBf16Flops * gpuCount;
        double weightBytes = model.ActiveParameterCount * DtypeInfo.BytesPerParameter(dtype);
        // 1. Decode: the context grows from input to input + output; its average is read at each step.
        double averageContext = inputTokens + outputTokens / 2;
        double kvBytes = averageContext * MemoryEstimator.KvCacheBytesPerToken(model, DtypeInfo.IsFloat(dtype) ? dtype : Dtype.Fp16);
        double perToken = Math.Max(DecodeSecondsPerToken(weightBytes, kvBytes, bandwidth, bandwidthEfficiency),
                                   PrefillComputeSeconds(model.ActiveParameterCount, 1, flops, mfu));
        // 2. Prefill: compute bound, but the weights must be read at least once.
        double prefill = Math.Max(PrefillComputeSeconds(model.ActiveParameterCount, inputTokens, flops, mfu),
                                  DecodeSecondsPerToken(weightBytes, 0, bandwidth, bandwidthEfficiency));
        // 3. Time to first token and full response.
        return new LatencyEstimate(prefill, perToken, prefill, prefill + outputTokens * perToken,
            weightBytes, kvBytes, bandwidth, flops, bandwidthEfficiency, mfu);
    }

    static void Positive(double v, string name)
    {
        if (!(v > 0)) throw new ArgumentOutOfRangeException(name, $"{name} must be > 0 (got {v})");
    }

    static void Fraction(double v, string name)
    {
        if (!(v > 0 && v <= 1)) throw new ArgumentOutOfRangeException(name, $"{name} must be in (0, 1] (got {v})");
    }
}
