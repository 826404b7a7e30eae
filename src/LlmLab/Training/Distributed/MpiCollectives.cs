using System.Diagnostics;
using static TorchSharp.torch;

namespace LlmLab.Training.Distributed;

/// <summary>
/// <see cref="ICollectives"/> over MPI_COMM_WORLD through OpenMPI (P/Invoke into <c>libmpi.so.40</c>): one rank per
/// process, started by <c>mpirun -np N</c>, which also sets the rank and world size this reads
/// (<c>OMPI_COMM_WORLD_RANK</c>/<c>_SIZE</c>). Buffers go to MPI as the tensor's own memory (no copy), reduced with
/// MPI_SUM in MPI_FLOAT or MPI_DOUBLE. MPI's default error handler aborts the whole job on a communication error, and
/// <c>mpirun</c> kills every rank when one dies and exits non-zero naming it — so a lost rank never leaves the others
/// hanging in a collective. MPI can be initialised once per process: <see cref="Dispose"/> finalizes it for good.
/// </summary>
public sealed class MpiCollectives : ICollectives
{
    readonly MpiNative.Api _mpi;
    bool _disposed;

    MpiCollectives(MpiNative.Api mpi, int rank, int size) => (_mpi, Rank, WorldSize, Counters) = (mpi, rank, size, new CollectiveCounters(size));

    /// <summary>Whether this process was started by mpirun (OpenMPI's environment is present).</summary>
    public static bool InMpiJob => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null;

    /// <summary>Whether OpenMPI's library can be loaded here.</summary>
    public static bool LibraryAvailable => MpiNative.Available();

    /// <summary>The package to install for MPI, as every "MPI missing" error names it.</summary>
    public static string Package => MpiNative.Package;

    /// <summary>Initialises MPI (MPI_Init) and returns this process's communicator.</summary>
    /// <exception cref="InputException">OpenMPI is not installed (the message names the package).</exception>
    public static MpiCollectives Initialize()
    {
        var mpi = MpiNative.Get();
        MpiNative.Check(mpi.Initialized(out int done), "MPI_Initialized");
        if (done == 0) MpiNative.Check(mpi.Init(IntPtr.Zero, IntPtr.Zero), "MPI_Init");
        MpiNative.Check(mpi.CommRank(mpi.CommWorld, out int rank), "MPI_Comm_rank");
        MpiNative.Check(mpi.CommSize(mpi.CommWorld, out int size), "MPI_Comm_size");
        return new MpiCollectives(mpi, rank, size);
    }

    public int Rank { get; }
    public int WorldSize { get; }
    public CollectiveCounters Counters { get; }

    public void AllReduceSum(Tensor buffer)
    {
        CollectiveBuffers.Check(buffer, nameof(buffer));
        long started = Stopwatch.GetTimestamp();
        MpiNative.Check(_mpi.Allreduce(MpiNative.InPlace, CollectiveBuffers.Address(buffer), Count(buffer), Type(buffer), _mpi.Sum, _mpi.CommWorld),
            "MPI_Allreduce");
        Counters.Record("all_reduce", CollectiveBuffers.Bytes(buffer), Stopwatch.GetElapsedTime(started));
    }

    public void ReduceScatterSum(Tensor input, Tensor output)
    {
        CollectiveBuffers.Check(input, nameof(input));
        CollectiveBuffers.Check(output, nameof(output));
        if (input.numel() != output.numel() * WorldSize || input.dtype != output.dtype)
            throw new ArgumentException($"reduce-scatter: input has {input.numel()} elements, not N × {output.numel()} of the same type");
        long started = Stopwatch.GetTimestamp();
        MpiNative.Check(_mpi.ReduceScatterBlock(CollectiveBuffers.Address(input), CollectiveBuffers.Address(output), Count(output), Type(output),
            _mpi.Sum, _mpi.CommWorld), "MPI_Reduce_scatter_block");
        Counters.Record("reduce_scatter", CollectiveBuffers.Bytes(input), Stopwatch.GetElapsedTime(started));
    }

    public void AllGather(Tensor input, Tensor output)
    {
        CollectiveBuffers.Check(input, nameof(input));
        CollectiveBuffers.Check(output, nameof(output));
        if (output.numel() != input.numel() * WorldSize || input.dtype != output.dtype)
            throw new ArgumentException($"all-gather: output has {output.numel()} elements, not N × {input.numel()} of the same type");
        long started = Stopwatch.GetTimestamp();
        MpiNative.Check(_mpi.Allgather(CollectiveBuffers.Address(input), Count(input), Type(input),
            CollectiveBuffers.Address(output), Count(input), Type(input), _mpi.CommWorld), "MPI_Allgather");
        Counters.Record("all_gather", CollectiveBuffers.Bytes(output), Stopwatch.GetElapsedTime(started));
    }

    public void Broadcast(Tensor buffer, int root)
    {
        CollectiveBuffers.Check(buffer, nameof(buffer));
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, WorldSize);
        long started = Stopwatch.GetTimestamp();
        MpiNative.Check(_mpi.Bcast(CollectiveBuffers.Address(buffer), Count(buffer), Type(buffer), root, _mpi.CommWorld), "MPI_Bcast");
        Counters.Record("broadcast", CollectiveBuffers.Bytes(buffer), Stopwatch.GetElapsedTime(started));
    }

    public void Barrier()
    {
        long started = Stopwatch.GetTimestamp();
        MpiNative.Check(_mpi.Barrier(_mpi.CommWorld), "MPI_Barrier");
        Counters.Record("barrier", 0, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Ends the whole job at once (MPI_Abort): every rank exits with <paramref name="code"/>.</summary>
    public void Abort(int code) => _mpi.Abort(_mpi.CommWorld, code);

    IntPtr Type(Tensor t) => t.dtype == ScalarType.Float64 ? _mpi.Double : _mpi.Float;

    static int Count(Tensor t) => t.numel() <= int.MaxValue ? (int)t.numel()
        : throw new ArgumentException($"a collective of {t.numel():N0} elements exceeds MPI's int count: use smaller buckets");

    /// <summary>MPI_Finalize (after which MPI cannot be used again in this process).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_mpi.Finalized(out int done) == 0 && done == 0) _mpi.Finalize();
    }
}
