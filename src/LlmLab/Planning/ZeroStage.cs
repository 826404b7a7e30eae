namespace LlmLab.Planning;

/// <summary>
/// ZeRO data-parallel sharding of the model states across N GPUs (Rajbhandari et al. 2020, "ZeRO: Memory
/// Optimizations Toward Training Trillion Parameter Models", §5). PyTorch FSDP names the same ideas
/// <c>ShardingStrategy</c>: NO_SHARD = stage 0, SHARD_GRAD_OP = stage 2, FULL_SHARD = stage 3 (FSDP has no stage 1).
/// </summary>
public enum ZeroStage
{
    /// <summary>Stage 0: plain data parallelism, every GPU holds every state (FSDP NO_SHARD).</summary>
    None = 0,
    /// <summary>Stage 1, P_os: optimizer states (fp32 master weights, Adam m and v) are sharded.</summary>
    OptimizerStates = 1,
    /// <summary>Stage 2, P_os+g: optimizer states and gradients are sharded (FSDP SHARD_GRAD_OP).</summary>
    Gradients = 2,
    /// <summary>Stage 3, P_os+g+p: optimizer states, gradients and parameters are sharded (FSDP FULL_SHARD).</summary>
    Parameters = 3,
}
