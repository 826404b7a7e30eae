namespace LlmLab.Planning;

/// <summary>
/// A roofline latency estimate for one request served alone (batch 1), from <see cref="LatencyEstimator"/>.
/// Times in seconds; the inputs that produced them are kept so that a report can show the arithmetic.
/// </summary>
/// <param name="PrefillSeconds">Processing the prompt: max(compute time, time to read the weights once).</param>
/// <param name="SecondsPerOutputToken">One decode step at the request's average context length.</param>
/// <param name="TimeToFirstTokenSeconds">≈ prefill (the prompt's forward pass yields the first token).</param>
/// <param name="FullResponseSeconds">prefill + output tokens × seconds per output token.</param>
/// <param name="WeightBytesPerToken">Weight bytes read per decode step: active parameters × bytes per parameter.</param>
/// <param name="KvBytesPerToken">KV-cache bytes read per decode step, at the average context length.</param>
/// <param name="BandwidthBytesPerSecond">Aggregate memory bandwidth of all GPUs (before efficiency).</param>
/// <param name="PeakFlops">Aggregate dense 16-bit peak of all GPUs (before MFU).</param>
/// <param name="BandwidthEfficiency">Fraction of the bandwidth assumed reached.</param>
/// <param name="Mfu">Model FLOPs utilisation assumed in prefill.</param>
public sealed record LatencyEstimate(
    double PrefillSeconds, double SecondsPerOutputToken, double TimeToFirstTokenSeconds, double FullResponseSeconds,
    double WeightBytesPerToken, double KvBytesPerToken, double BandwidthBytesPerSecond, double PeakFlops,
    double BandwidthEfficiency, double Mfu)
{
    /// <summary>Decode speed of one stream, tokens per second.</summary>
    public double TokensPerSecond => 1 / SecondsPerOutputToken;
}
