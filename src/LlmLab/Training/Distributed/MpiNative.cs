using System.Runtime.InteropServices;

namespace LlmLab.Training.Distributed;

/// <summary>
/// The few MPI functions and handles <see cref="MpiCollectives"/> calls, bound at run time from OpenMPI's
/// <c>libmpi.so.40</c> (Debian's <c>libopenmpi3</c>, pulled in by <c>openmpi-bin</c>). OpenMPI's predefined handles are
/// addresses of global objects (<c>MPI_COMM_WORLD</c> is <c>&amp;ompi_mpi_comm_world</c>, mpi.h), so they are looked up
/// with <see cref="NativeLibrary.GetExport"/>; <c>MPI_IN_PLACE</c> is <c>(void*)1</c>. Loading is lazy, once.
/// </summary>
static class MpiNative
{
    /// <summary>The package that provides the library and <c>mpirun</c>, named in every "MPI missing" error.</summary>
    public const string Package = "openmpi-bin and libopenmpi-dev (apt-get install openmpi-bin libopenmpi-dev)";

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int InitFn(IntPtr argc, IntPtr argv);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int FlagFn(out int flag);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int CommIntFn(IntPtr comm, out int value);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int AllreduceFn(IntPtr send, IntPtr recv, int count, IntPtr type, IntPtr op, IntPtr comm);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int ReduceScatterBlockFn(IntPtr send, IntPtr recv, int count, IntPtr type, IntPtr op, IntPtr comm);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int AllgatherFn(IntPtr send, int sendCount, IntPtr sendType, IntPtr recv, int recvCount, IntPtr recvType, IntPtr comm);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int BcastFn(IntPtr buffer, int count, IntPtr type, int root, IntPtr comm);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int CommFn(IntPtr comm);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int AbortFn(IntPtr comm, int code);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int VoidFn();

    /// <summary>MPI_IN_PLACE in OpenMPI's mpi.h.</summary>
    public static readonly IntPtr InPlace = 1;

    static readonly Lazy<Api> _api = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The bound functions and handles.</summary>
    /// <exception cref="InputException">libmpi.so.40 is not installed (names the package).</exception>
    public static Api Get() => _api.Value;

    /// <summary>Whether libmpi.so.40 can be loaded here.</summary>
    public static bool Available()
    {
        if (!NativeLibrary.TryLoad("libmpi.so.40", out var h)) return false;
        NativeLibrary.Free(h);
        return true;
    }

    static Api Load()
    {
        if (!NativeLibrary.TryLoad("libmpi.so.40", out var lib))
            throw new InputException($"MPI is not installed (libmpi.so.40 not found): install {Package}");
        T Fn<T>(string name) where T : Delegate => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(lib, name));
        return new Api(
            Fn<InitFn>("MPI_Init"), Fn<FlagFn>("MPI_Initialized"), Fn<FlagFn>("MPI_Finalized"),
            Fn<CommIntFn>("MPI_Comm_rank"), Fn<CommIntFn>("MPI_Comm_size"),
            Fn<AllreduceFn>("MPI_Allreduce"), Fn<ReduceScatterBlockFn>("MPI_Reduce_scatter_block"), Fn<AllgatherFn>("MPI_Allgather"),
            Fn<BcastFn>("MPI_Bcast"), Fn<CommFn>("MPI_Barrier"), Fn<AbortFn>("MPI_Abort"), Fn<VoidFn>("MPI_Finalize"),
            CommWorld: NativeLibrary.GetExport(lib, "ompi_mpi_comm_world"),
            Float: NativeLibrary.GetExport(lib, "ompi_mpi_float"),
            Double: NativeLibrary.GetExport(lib, "ompi_mpi_double"),
            Sum: NativeLibrary.GetExport(lib, "ompi_mpi_op_sum"));
    }

    /// <summary>The bound entry points and predefined handles.</summary>
    public sealed record Api(InitFn Init, FlagFn Initialized, FlagFn Finalized, CommIntFn CommRank, CommIntFn CommSize,
        AllreduceFn Allreduce, ReduceScatterBlockFn ReduceScatterBlock, AllgatherFn Allgather, BcastFn Bcast, CommFn Barrier,
        AbortFn Abort, VoidFn Finalize, IntPtr CommWorld, IntPtr Float, IntPtr Double, IntPtr Sum);

    /// <summary>Throws unless <paramref name="code"/> is MPI_SUCCESS (0). With MPI's default handler
    /// (MPI_ERRORS_ARE_FATAL) an error aborts the job before returning, so this guards a changed handler.</summary>
    public static void Check(int code, string call)
    {
        if (code != 0) throw new InvalidOperationException($"{call} failed with MPI error code {code}");
    }
}
