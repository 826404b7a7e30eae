using System.Diagnostics;
using static TorchSharp.torch;

namespace LlmLab.Training.Distributed;

/// <summary>
/// Collectives between N ranks that are threads of one process, for unit tests and the smoke profile: each call
/// publishes this rank's buffer, waits for every rank (a <see cref="Barrier"/>), computes its result from the others'
/// buffers — summing in rank order, so every rank gets bit-identical sums, as MPI's reductions guarantee — and waits
/// again before anyone overwrites a buffer. A rank that fails calls <see cref="Group.Abort"/> so the others stop
/// waiting (<see cref="OperationCanceledException"/>) instead of hanging; a wait longer than the group's timeout throws
/// <see cref="TimeoutException"/>. One instance per rank thread.
/// </summary>
public sealed class InProcessCollectives : ICollectives
{
    readonly Group _group;

    InProcessCollectives(Group group, int rank) => (_group, Rank, Counters) = (group, rank, new CollectiveCounters(group.Size));

    /// <summary>The ranks of one in-process job; <see cref="For"/> gives each rank its communicator.</summary>
    public sealed class Group : IDisposable
    {
        readonly Barrier _barrier;
        readonly CancellationTokenSource _abort = new();
        readonly TimeSpan _timeout;
        internal readonly Tensor?[] Slots;

        /// <param name="size">N ≥ 1.</param>
        /// <param name="timeout">How long a rank waits for the others at one step of a collective (null: 60 s).</param>
        public Group(int size, TimeSpan? timeout = null)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
            (Size, _timeout, Slots, _barrier) = (size, timeout ?? TimeSpan.FromSeconds(60), new Tensor?[size], new Barrier(size));
        }

        /// <summary>N.</summary>
        public int Size { get; }

        /// <summary>Rank <paramref name="rank"/>'s communicator.</summary>
        public InProcessCollectives For(int rank)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(rank);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, Size);
            return new InProcessCollectives(this, rank);
        }

        /// <summary>Makes every rank waiting in (or entering) a collective throw: call it when a rank fails.</summary>
        public void Abort() => _abort.Cancel();

        internal void Wait(int rank)
        {
            if (!_barrier.SignalAndWait(_timeout, _abort.Token))
                throw new TimeoutException($"rank {rank}: the other ranks did not reach the collective within {_timeout.TotalSeconds:0} s");
        }

        public void Dispose()
        {
            _barrier.Dispose();
            _abort.Dispose();
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> on <paramref name="ranks"/> threads, one communicator each, and returns each rank's
    /// result. The first rank to fail aborts the group (the others stop waiting) and its exception is rethrown — the
    /// cause, not another rank's abort.
    /// </summary>
    public static T[] Run<T>(int ranks, Func<ICollectives, T> body, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var group = new Group(ranks, timeout);
        var results = new T[ranks];
        var errors = new Exception?[ranks];
        var threads = Enumerable.Range(0, ranks).Select(r => new Thread(() =>
        {
            try { results[r] = body(group.For(r)); }
            catch (Exception e) { errors[r] = e; group.Abort(); }
        }, 64 << 20)).ToList(); // libtorch's deep call stacks: the main thread's size, not a thread pool's default
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var cause = errors.FirstOrDefault(e => e is not null and not OperationCanceledException) ?? errors.FirstOrDefault(e => e is not null);
        if (cause is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(cause).Throw();
        return results;
    }

    public int Rank { get; }
    public int WorldSize => _group.Size;
    public CollectiveCounters Counters { get; }

    public void AllReduceSum(Tensor buffer)
    {
        CollectiveBuffers.Check(buffer, nameof(buffer));
        long started = Stopwatch.GetTimestamp();
        using var sum = Exchange(buffer, slots => Sum(slots, s => s));
        buffer.copy_(sum);
        Counters.Record("all_reduce", CollectiveBuffers.Bytes(buffer), Stopwatch.GetElapsedTime(started));
    }

    public void ReduceScatterSum(Tensor input, Tensor output)
    {
        CollectiveBuffers.Check(input, nameof(input));
        CollectiveBuffers.Check(output, nameof(output));
        long k = output.numel();
        if (input.numel() != k * WorldSize) throw new ArgumentException($"reduce-scatter: input has {input.numel()} elements, not N × {k}");
        long started = Stopwatch.GetTimestamp();
        using var sum = Exchange(input, slots => Sum(slots, s => s.narrow(0, Rank * k, k)));
        output.copy_(sum);
        Counters.Record("reduce_scatter", CollectiveBuffers.Bytes(input), Stopwatch.GetElapsedTime(started));
    }

    public void AllGather(Tensor input, Tensor output)
    {
        CollectiveBuffers.Check(input, nameof(input));
        CollectiveBuffers.Check(output, nameof(output));
        long k = input.numel();
        if (output.numel() != k * WorldSize) throw new ArgumentException($"all-gather: output has {output.numel()} elements, not N × {k}");
        long started = Stopwatch.GetTimestamp();
        using var all = Exchange(input, slots => cat(slots.Select(s => s.flatten()).ToArray(), 0));
        output.view(-1).copy_(all);
        Counters.Record("all_gather", CollectiveBuffers.Bytes(output), Stopwatch.GetElapsedTime(started));
    }

    public void Broadcast(Tensor buffer, int root)
    {
        CollectiveBuffers.Check(buffer, nameof(buffer));
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, WorldSize);
        long started = Stopwatch.GetTimestamp();
        using var value = Exchange(buffer, slots => slots[root].clone());
        if (Rank != root) buffer.copy_(value);
        Counters.Record("broadcast", CollectiveBuffers.Bytes(buffer), Stopwatch.GetElapsedTime(started));
    }

    public void Barrier()
    {
        long started = Stopwatch.GetTimestamp();
        _group.Wait(Rank);
        Counters.Record("barrier", 0, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Publishes <paramref name="mine"/>, waits for every rank, and computes this rank's result from all the
    /// published buffers, a fresh tensor: the second wait means every rank has read every buffer, so the caller may
    /// then overwrite its own without racing a reader.</summary>
    Tensor Exchange(Tensor mine, Func<Tensor[], Tensor> compute)
    {
        _group.Slots[Rank] = mine;
        _group.Wait(Rank);
        Tensor result;
        using (no_grad()) result = compute(_group.Slots.Select(s => s!).ToArray());
        _group.Wait(Rank); // every rank has read every buffer: each may now write its own
        return result;
    }

    static Tensor Sum(Tensor[] slots, Func<Tensor, Tensor> part)
    {
        var sum = part(slots[0]).clone();
        for (int r = 1; r < slots.Length; r++) sum.add_(part(slots[r])); // rank order: the same bits on every rank
        return sum;
    }

    /// <summary>Nothing to release: the group owns the shared state.</summary>
    public void Dispose() { }
}
