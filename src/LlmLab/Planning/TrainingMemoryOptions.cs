namespace LlmLab.Planning;

/// <summary>What a training job looks like, for <see cref="MemoryEstimator.Training"/>. Immutable.</summary>
/// <param name="ParamDtype">Format of the weights used in forward/backward: bf16/fp16 = mixed precision with an fp32
/// master copy (16 B/param with Adam), fp32 = plain fp32 training (also 16 B/param: 4 + 4 grads + 8 Adam).</param>
/// <param name="MicroBatch">Sequences per GPU per forward/backward.</param>
/// <param name="SeqLen">Tokens per sequence.</param>
/// <param name="Zero">ZeRO stage (FSDP sharding strategy) across <paramref name="Gpus"/>.</param>
/// <param name="Gpus">Data-parallel GPUs the states are sharded over.</param>
/// <param name="ActivationCheckpointing">Full activation recomputation: keep only each layer's input.</param>
/// <param name="FlashAttention">Attention without the stored s×s softmax (false reproduces the paper's 5as/h term).</param>
/// <param name="OverheadBytes">Fixed runtime overhead: CUDA context, communication buffers, allocator slack.</param>
/// <param name="OverheadFraction">Extra overhead as a fraction of everything else.</param>
public sealed record TrainingMemoryOptions(
    Dtype ParamDtype = Dtype.Bf16, int MicroBatch = 1, int SeqLen = 2048, ZeroStage Zero = ZeroStage.None, int Gpus = 1,
    bool ActivationCheckpointing = false, bool FlashAttention = false,
    long OverheadBytes = MemoryEstimator.DefaultOverheadBytes, double OverheadFraction = 0);
