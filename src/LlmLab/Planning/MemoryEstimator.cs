namespace LlmLab.Planning;

/// <summary>
/// GPU memory needed to serve or to train a <see cref="ModelSpec"/>, component by component. Pure arithmetic on
/// the model's shape; every figure's source is named where it is computed. Thread-safe.
/// </summary>
public static class MemoryEstimator
{
    /// <summary>
    /// Default fixed overhead, 512 MiB: the CUDA context with PyTorch's kernels loaded and cuBLAS workspaces take a
    /// few hundred MiB on recent GPUs and drivers (it varies with both). Configurable on the options.
    /// </summary>
    public const long DefaultOverheadBytes = 512L << 20;

    /// <summary>Bytes per fp32 Adam moment (m and v are each one fp32 number per parameter).</summary>
    const int AdamMomentBytes = 4;

    /// <summary>Bytes of all weights at <paramref name="dtype"/> (integer formats include their group scales).</summary>
    public static long WeightBytes(ModelSpec m, Dtype dtype) => Bytes(m.ParameterCount, DtypeInfo.BytesPerParameter(dtype));

    /// <summary>
    /// KV cache per token of one sequence: keys and values (2) for every layer, KV head and head dimension:
    /// 2 · L · n_kv · d_head · bytes. Grouped-query attention shrinks it by n_heads / n_kv. Llama-2-7B in fp16:
    /// 2 · 32 · 32 · 128 · 2 = 524,288 B.
    /// </summary>
    public static double KvCacheBytesPerToken(ModelSpec m, Dtype kvDtype) =>
        2.0 * m.NumLayers * m.KeyValueDim * DtypeInfo.BytesPerParameter(kvDtype);

    /// <summary>KV cache for <paramref name="batch"/> sequences of <paramref name="seq"/> tokens.</summary>
    public static long KvCacheBytes(ModelSpec m, Dtype kvDtype, int seq, int batch) =>
        Bytes((double)seq * batch, KvCacheBytesPerToken(m, kvDtype));

    /// <summary>
    /// The "Training using Adam" column of HF accelerate's <c>estimate-memory</c>: 4 × the model's size at
    /// <paramref name="dtype"/>. Accelerate reports the largest single need (Adam's two fp32 moments = 8 B/param =
    /// 4× an fp16 model), not the sum; the full mixed-precision sum is 16 B/param (<see cref="ModelStates"/>).
    /// </summary>
    public static long AccelerateAdamConvention(ModelSpec m, Dtype dtype) => 4 * WeightBytes(m, dtype);

    /// <summary>
    /// Model states on one GPU for Adam with ZeRO (Rajbhandari et al. 2020, §3.1 and Figure 1). Mixed precision
    /// (bf16/fp16): 2Ψ weights + 2Ψ gradients + KΨ optimizer states, K = 12 = fp32 master weights 4 + Adam m 4 + v 4:
    /// 16 B/param. fp32: 4Ψ + 4Ψ + 8Ψ (no master copy), also 16 B/param. Stage 1 divides the optimizer states
    /// (master weights included) by N, stage 2 also the gradients, stage 3 also the weights.
    /// </summary>
    public static ModelStates ModelStatesPerGpu(long parameters, Dtype paramDtype, ZeroStage zero, int gpus)
    {
        if (parameters < 0) throw new InputException($"parameter count must be >= 0 (got {parameters})");
        if (gpus < 1) throw new InputException($"--gpus must be >= 1 (got {gpus})");
        if (!DtypeInfo.IsFloat(paramDtype))
            throw new InputException(
                $"training dtype must be fp32, bf16 or fp16 (got {DtypeInfo.Name(paramDtype)}): integer weights are not trained directly");
        double w = DtypeInfo.BytesPerParameter(paramDtype);
        double master = paramDtype == Dtype.Fp32 ? 0 : 4;
        double Shard(double bytesPerParam, ZeroStage from) => zero >= from ? bytesPerParam / gpus : bytesPerParam;
        return new ModelStates(
            WeightBytes: Bytes(parameters, Shard(w, ZeroStage.Parameters)),
            GradientBytes: Bytes(parameters, Shard(w, ZeroStage.Gradients)),
            MasterWeightBytes: Bytes(parameters, Shard(master, ZeroStage.OptimizerStates)),
            OptimizerStateBytes: Bytes(parameters, Shard(2 * AdamMomentBytes, ZeroStage.OptimizerStates)));
    }

    /// <summary>Memory to serve <paramref name="m"/> on one GPU: weights, KV cache, activation peak, overhead.</summary>
    public static MemoryEstimate Inference(ModelSpec m, InferenceMemoryOptions o)
    {
        m.Validate();
        Check(m, o.Batch, o.SeqLen, o.OverheadBytes, o.OverheadFraction);
        Dtype kv = o.KvDtype ?? (DtypeInfo.IsFloat(o.WeightDtype) ? o.WeightDtype : Dtype.Fp16);
        long weights = WeightBytes(m, o.WeightDtype);
        long cache = KvCacheBytes(m, kv, o.SeqLen, o.Batch);
        // Integer weights are dequantised to fp16 for the matmuls, so activations are 16-bit unless the model is fp32.
        long act = ActivationMemory.InferencePeak(m, o.SeqLen, o.Batch, o.WeightDtype == Dtype.Fp32 ? 4 : 2, o.FlashAttention);
        long overhead = o.OverheadBytes + Bytes(weights + cache + act, o.OverheadFraction);
        return new MemoryEstimate(m.Name, Training: false, Gpus: 1, m.ParameterCount,
            weights, 0, 0, 0, cache, act, overhead);
    }

    /// <summary>Memory per GPU to train <paramref name="m"/> with Adam: ZeRO-sharded model states, activations of
    /// one micro-batch (with or without checkpointing), overhead.</summary>
    public static MemoryEstimate Training(ModelSpec m, TrainingMemoryOptions o)
    {
        m.Validate();
        Check(m, o.MicroBatch, o.SeqLen, o.OverheadBytes, o.OverheadFraction);
        ModelStates s = ModelStatesPerGpu(m.ParameterCount, o.ParamDtype, o.Zero, o.Gpus);
        long act = ActivationMemory.Training(m, o.SeqLen, o.MicroBatch, DtypeInfo.BytesPerParameter(o.ParamDtype),
            o.ActivationCheckpointing, o.FlashAttention);
        long overhead = o.OverheadBytes + Bytes(s.TotalBytes + act, o.OverheadFraction);
        return new MemoryEstimate(m.Name, Training: true, o.Gpus, m.ParameterCount,
            s.WeightBytes, s.GradientBytes, s.MasterWeightBytes, s.OptimizerStateBytes, 0, act, overhead);
    }

    static void Check(ModelSpec m, int batch, int seq, long overheadBytes, double overheadFraction)
    {
        if (batch < 1) throw new InputException($"--batch must be >= 1 (got {batch})");
        if (seq < 1) throw new InputException($"--seq must be >= 1 (got {seq})");
        // The config's context is what the model was built for (a learned position table ends there; rotary models
        // need a rope-scaled config to go further, which then states the longer max_position_embeddings).
        if (seq > m.MaxPositionEmbeddings)
            throw new InputException(
                $"--seq {seq} is longer than {m.Name}'s context (max_position_embeddings = {m.MaxPositionEmbeddings}); use --seq " +
                $"{m.MaxPositionEmbeddings} or less");
        if (overheadBytes < 0) throw new InputException($"overhead bytes must be >= 0 (got {overheadBytes})");
        if (!(overheadFraction >= 0) || double.IsInfinity(overheadFraction))
            throw new InputException($"overhead fraction must be a number >= 0 (got {overheadFraction})");
    }

    /// <summary>count × bytesPerItem rounded up to whole bytes (exact for the integer products used here: both
    /// factors and the product stay below 2^53).</summary>
    static long Bytes(double count, double bytesPerItem) => (long)Math.Ceiling(count * bytesPerItem);
}
