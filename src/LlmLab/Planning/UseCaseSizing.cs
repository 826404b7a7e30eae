using System.Globalization;

namespace LlmLab.Planning;

/// <summary>
/// The numbers behind a spec's consistency checks: the chosen model, dtype and GPUs, the typical request's size,
/// the memory estimate (<see cref="MemoryEstimator.Inference"/>, one sequence of input + output tokens), the roofline
/// latency estimate (<see cref="LatencyEstimator"/>) and the latency budgets it was compared with (ms, null = not given).
/// </summary>
/// <param name="Model">The chosen model (preset or config.json).</param>
/// <param name="Dtype">Storage format of its weights.</param>
/// <param name="Gpu">The chosen GPU.</param>
/// <param name="GpuCount">How many of them.</param>
/// <param name="InputTokens">Typical input size, tokens.</param>
/// <param name="OutputTokens">Typical output size, tokens.</param>
/// <param name="Memory">Memory of one sequence on one GPU.</param>
/// <param name="Latency">The roofline estimate for the typical request.</param>
/// <param name="TtftP50Ms">Time-to-first-token budget, p50.</param>
/// <param name="TtftP95Ms">Time-to-first-token budget, p95.</param>
/// <param name="FullP50Ms">Full-response budget, p50.</param>
/// <param name="FullP95Ms">Full-response budget, p95.</param>
/// <param name="RequiredBytesPerGpu">Weights, KV cache and activations split over the GPUs, plus each GPU's fixed overhead.</param>
/// <param name="InFlightRequests">Requests served at once at the budgeted rate (Little's law: rate × full response time); null without a
/// rate.</param>
public sealed record UseCaseSizing(
    ModelSpec Model, Dtype Dtype, GpuSpec Gpu, int GpuCount, double InputTokens, double OutputTokens,
    MemoryEstimate Memory, long RequiredBytesPerGpu, LatencyEstimate Latency,
    double? TtftP50Ms, double? TtftP95Ms, double? FullP50Ms, double? FullP95Ms, double? InFlightRequests)
{
    /// <summary>Memory required per GPU ÷ memory of one GPU.</summary>
    public double MemoryUse => (double)RequiredBytesPerGpu / Gpu.MemoryBytes;

    public double TtftMs => Latency.TimeToFirstTokenSeconds * 1000;
    public double FullResponseMs => Latency.FullResponseSeconds * 1000;
    public double PerTokenMs => Latency.SecondsPerOutputToken * 1000;

    /// <summary>The setup in a few words, e.g. "mistral-7b bf16 on 1 × A10 24GB".</summary>
    public string Setup => $"{Model.Name} {DtypeInfo.Name(Dtype)} on {GpuCount} × {Gpu.Name}";

    /// <summary>Human-readable lines for the CLI: memory and latency, with the assumptions.</summary>
    public IEnumerable<string> Describe()
    {
        yield return $"{Setup}: {ByteSize.FormatGb(RequiredBytesPerGpu)} needed per GPU of {ByteSize.FormatGb(Gpu.MemoryBytes)} " +
                     $"({MemoryUse:P0}; weights {ByteSize.FormatGb(Memory.WeightBytes)}, KV cache " +
                     $"{ByteSize.FormatGb(Memory.KvCacheBytes)} for {F(InputTokens + OutputTokens)} tokens)";
        yield return $"roofline latency (lower bound; {Latency.BandwidthEfficiency:P0} of bandwidth, MFU {Latency.Mfu:P0}): " +
                     $"TTFT {F(TtftMs)} ms, {F(PerTokenMs, "0.0")} ms/token ({F(Latency.TokensPerSecond)} tok/s), " +
                     $"full response {F(FullResponseMs)} ms for {F(OutputTokens)} output tokens";
        if (InFlightRequests is { } n)
            yield return $"at the budgeted rate about {F(n, "0.0")} request(s) are in flight at once (Little's law)";
    }

    static string F(double v, string format = "#,0") => v.ToString(format, CultureInfo.InvariantCulture);
}
