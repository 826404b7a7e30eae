using static TorchSharp.torch;

namespace LlmLab.Training.Distributed;

/// <summary>
/// The collective operations sharded data parallelism needs, over the ranks of one job (the MPI standard's
/// semantics, MPI-4.0 §6): every rank calls the same operation with the same shapes, in the same order, and each call
/// returns when this rank's part is done. Buffers are contiguous CPU tensors of float32 (or float64 for scalars), read
/// and written in place from tensor memory — no copy into managed arrays. OpenMPI 4.1 has no bfloat16 type, so bf16
/// gradients are reduced in fp32 (the masters' precision). Back-ends: <see cref="InProcessCollectives"/> (ranks as
/// threads of one process, for tests), <see cref="MpiCollectives"/> (OpenMPI through P/Invoke, CPU clusters). A GPU
/// back-end would implement this same interface over NCCL (<c>ncclAllReduce</c>, <c>ncclReduceScatter</c>,
/// <c>ncclAllGather</c>, <c>ncclBroadcast</c> on CUDA tensors and a stream); none is written or claimed here.
/// One instance per rank; not thread-safe (one caller per rank).
/// </summary>
public interface ICollectives : IDisposable
{
    /// <summary>This rank, 0 … <see cref="WorldSize"/> − 1.</summary>
    int Rank { get; }

    /// <summary>N, the number of ranks.</summary>
    int WorldSize { get; }

    /// <summary>What this rank has sent and received so far, by operation.</summary>
    CollectiveCounters Counters { get; }

    /// <summary>buffer ← Σ over ranks of buffer (element-wise, in place; every rank gets the sum).</summary>
    void AllReduceSum(Tensor buffer);

    /// <summary>output ← chunk <see cref="Rank"/> of Σ over ranks of input, where input holds N equal chunks of
    /// output's length (MPI_Reduce_scatter_block).</summary>
    void ReduceScatterSum(Tensor input, Tensor output);

    /// <summary>output ← every rank's input, concatenated in rank order (output's length is N × input's).</summary>
    void AllGather(Tensor input, Tensor output);

    /// <summary>buffer ← <paramref name="root"/>'s buffer on every rank.</summary>
    void Broadcast(Tensor buffer, int root);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();
}
