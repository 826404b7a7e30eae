using System.Globalization;

namespace LlmLab.Planning;

public static partial class UseCaseChecker
{
    /// <summary>An estimate closer than this to a budget leaves too little room for what the roofline omits
    /// (queueing, batching with other requests, network): a warning.</summary>
    public const double LatencyHeadroomWarning = 0.8;

    /// <summary>Memory use above this fraction of the GPUs leaves no room for batching or longer inputs: a warning.</summary>
    public const double MemoryHeadroomWarning = 0.9;

    /// <summary>Values read by the structural pass that the consistency checks use.</summary>
    sealed class Facts
    {
        public double? InputTokens, OutputTokens, TtftP50, TtftP95, FullP50, FullP95, RequestsPerSecond;
        public string? Preset, HfConfig, Dtype, Gpu;
        public int? GpuCount;
    }

    /// <summary>Resolves model, dtype and GPU, then checks memory fit and latency budgets. Null when a needed
    /// value is missing (already reported) or unknown (reported here).</summary>
    static UseCaseSizing? CheckConsistency(UseCaseValidator v, Facts f, string baseDirectory)
    {
        ModelSpec? model = null;
        Dtype? dtype = null;
        GpuSpec? gpu = null;
        if (f.Preset is not null && f.HfConfig is null)
            model = Resolve(v, "approach.model.preset", () => ModelPresets.Get(f.Preset));
        else if (f.HfConfig is not null && f.Preset is null)
            model = Resolve(v, "approach.model.hf_config", () => ModelPresets.FromHfConfig(Path.Combine(baseDirectory, f.HfConfig))
                .Validate());
        if (f.Dtype is not null) dtype = Resolve<Dtype?>(v, "approach.model.dtype", () => DtypeInfo.Parse(f.Dtype));
        if (f.Gpu is not null) gpu = Resolve(v, "approach.hardware.gpu", () => GpuCatalog.Get(f.Gpu));
        if (model is null || dtype is not { } d || gpu is null || f.GpuCount is not { } n || f.InputTokens is not { } tin
            || f.OutputTokens is not { } tout)
            return null;

        // 1. Memory: one sequence of the typical input + output, weights and KV split over the GPUs (tensor parallel).
        int seq = (int)Math.Ceiling(tin + tout);
        var mem = MemoryEstimator.Inference(model, new InferenceMemoryOptions(d, SeqLen: Math.Max(1, seq)));
        long perGpu = (mem.TotalBytes - mem.OverheadBytes + n - 1) / n + mem.OverheadBytes;
        var lat = LatencyEstimator.Estimate(model, d, gpu, n, tin, tout);
        double? inFlight = f.RequestsPerSecond * lat.FullResponseSeconds;
        var sizing = new UseCaseSizing(model, d, gpu, n, tin, tout, mem, perGpu, lat, f.TtftP50, f.TtftP95, f.FullP50, f.FullP95, inFlight);
        CheckMemory(v, sizing);

        // 2. Latency: the roofline estimate against every budget given.
        string how = $"roofline estimate for {sizing.Setup}: weights read at {lat.BandwidthEfficiency:P0} of " +
                     $"{G(lat.BandwidthBytesPerSecond / 1e9)} GB/s per token, prefill at MFU {lat.Mfu:P0} (Pope et al. 2022)";
        string ttft = $"{G(sizing.TtftMs)} ms (prefill of {G(tin)} tokens)";
        string full =
            $"{G(sizing.FullResponseMs)} ms (prefill {G(sizing.TtftMs)} ms + {G(tout)} tokens × {G(sizing.PerTokenMs, "0.0")} ms/token)";
        Budget(v, "time_to_first_token", "p50_ms", f.TtftP50, sizing.TtftMs, ttft, how,
            "shorter prompts (fewer retrieved chunks), a smaller model, or faster GPUs");
        Budget(v, "time_to_first_token", "p95_ms", f.TtftP95, sizing.TtftMs, ttft, how,
            "shorter prompts (fewer retrieved chunks), a smaller model, or faster GPUs");
        Budget(v, "full_response", "p50_ms", f.FullP50, sizing.FullResponseMs, full, how, FullFix);
        Budget(v, "full_response", "p95_ms", f.FullP95, sizing.FullResponseMs, full, how, FullFix);
        return sizing;
    }

    const string FullFix = "a smaller or quantised model (int8 halves the bytes read per token, int4 quarters them), " +
                           "GPUs with more bandwidth or more of them, shorter outputs, or a budget the model can meet";

    static void CheckMemory(UseCaseValidator v, UseCaseSizing s)
    {
        string need = $"{s.Setup} needs {ByteSize.FormatGb(s.RequiredBytesPerGpu)} per GPU (weights " +
                      $"{ByteSize.FormatGb(s.Memory.WeightBytes)}, KV cache {ByteSize.FormatGb(s.Memory.KvCacheBytes)} for " +
                      $"{G(s.InputTokens + s.OutputTokens)} tokens, activations {ByteSize.FormatGb(s.Memory.ActivationBytes)}, overhead " +
                      $"{ByteSize.FormatGb(s.Memory.OverheadBytes)})";
        if (s.MemoryUse > 1)
            v.Error("approach.hardware", $"the model does not fit: {need} but one {s.Gpu.Name} has {ByteSize.FormatGb(s.Gpu.MemoryBytes)}",
                "choose a larger GPU, more GPUs (count), or a smaller dtype (int8, int4)");
        else if (s.MemoryUse > MemoryHeadroomWarning)
            v.Warn("approach.hardware", $"tight fit: {need}, {s.MemoryUse:P0} of {ByteSize.FormatGb(s.Gpu.MemoryBytes)}",
                "leave room for batching and longer inputs: a larger GPU, more GPUs, or a smaller dtype");
        if (s.InFlightRequests is { } k && k > 1)
        {
            // Each request in flight holds its own KV cache.
            double kvAll = Math.Ceiling(k) * s.Memory.KvCacheBytes / s.GpuCount;
            if (s.RequiredBytesPerGpu + kvAll - s.Memory.KvCacheBytes / (double)s.GpuCount > s.Gpu.MemoryBytes)
                v.Warn("budgets.throughput", $"at the budgeted rate about {G(k, "0.0")} requests are in flight (Little's law: rate × " +
                    $"{G(s.FullResponseMs)} ms); their KV caches ({ByteSize.FormatGb((long)kvAll)} per GPU) do not fit beside the weights",
                    "add GPUs, quantise, or check the rate");
        }
    }

    static void Budget(UseCaseValidator v, string which, string percentile, double? budgetMs, double estimateMs, string estimate,
        string how, string fix)
    {
        if (budgetMs is not { } b) return;
        string path = $"budgets.latency.{which}.{percentile}";
        string p = percentile[..3];
        if (estimateMs > b)
            v.Error(path,
                $"the chosen model cannot meet the {p} budget of {G(b)} ms: estimated {estimate}, " +
                $"{estimateMs / b:#,0.0}× the budget; {how}",
                $"{fix}");
        else if (estimateMs > LatencyHeadroomWarning * b)
            v.Warn(path, $"little headroom: estimated {estimate} is {estimateMs / b:P0} of the {p} budget of {G(b)} ms, and the estimate " +
                "is a lower bound (no queueing, batching or network)", fix);
    }

    static T? Resolve<T>(UseCaseValidator v, string path, Func<T> get)
    {
        try { return get(); }
        catch (InputException e)
        {
            v.Error(path, e.Message, path.EndsWith("gpu", StringComparison.Ordinal) ? "use a name from the GPU catalogue"
                : path.EndsWith("dtype", StringComparison.Ordinal) ? "use one of fp32, bf16, fp16, int8, int4"
                : $"use a preset ({string.Join(", ", ModelPresets.Names)}) or hf_config: a path to a Hugging Face config.json");
            return default;
        }
    }

    static string G(double v, string format = "#,0") => v.ToString(format, CultureInfo.InvariantCulture);
}
