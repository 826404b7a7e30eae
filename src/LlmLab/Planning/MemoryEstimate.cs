namespace LlmLab.Planning;

/// <summary>
/// The result of <see cref="MemoryEstimator"/>: every component in bytes, per GPU. For inference the model sits
/// on one GPU; for training each of <see cref="Gpus"/> holds its ZeRO share of the states plus its own
/// micro-batch's activations. Immutable.
/// </summary>
public sealed record MemoryEstimate(
    string ModelName, bool Training, int Gpus, long Parameters,
    long WeightBytes, long GradientBytes, long MasterWeightBytes, long OptimizerStateBytes,
    long KvCacheBytes, long ActivationBytes, long OverheadBytes)
{
    /// <summary>Everything one GPU must hold.</summary>
    public long TotalBytes => WeightBytes + GradientBytes + MasterWeightBytes + OptimizerStateBytes
                              + KvCacheBytes + ActivationBytes + OverheadBytes;

    /// <summary>Weights, gradients, master weights and optimizer states (the ZeRO paper's "model states").</summary>
    public ModelStates States => new(WeightBytes, GradientBytes, MasterWeightBytes, OptimizerStateBytes);

    /// <summary>The components that apply to this mode, in a fixed order (zeros included, so tables line up).</summary>
    public IReadOnlyList<MemoryComponent> Components => Training
        ?
        [
            new("weights", WeightBytes), new("gradients", GradientBytes), new("fp32 master weights", MasterWeightBytes),
            new("optimizer states (Adam m, v)", OptimizerStateBytes), new("activations", ActivationBytes),
            new("overhead", OverheadBytes),
        ]
        :
        [
            new("weights", WeightBytes), new("KV cache", KvCacheBytes), new("activations", ActivationBytes),
            new("overhead", OverheadBytes),
        ];

    /// <summary>Fit of <see cref="TotalBytes"/> on each GPU (default: the whole <see cref="GpuCatalog"/>).</summary>
    public IReadOnlyList<GpuFit> CheckFit(IEnumerable<GpuSpec>? gpus = null) =>
        (gpus ?? GpuCatalog.All).Select(g => new GpuFit(g, TotalBytes)).ToList();

    /// <summary>The GPUs (default: the catalogue) whose memory holds <see cref="TotalBytes"/>.</summary>
    public IReadOnlyList<GpuSpec> FittingGpus(IEnumerable<GpuSpec>? gpus = null) =>
        CheckFit(gpus).Where(f => f.Fits).Select(f => f.Gpu).ToList();
}
