namespace LlmLab.Training.Distributed;

/// <summary>
/// The traffic one rank's collectives caused, counted by the back-end per call: the payload (the buffer each call
/// reduces or gathers) and the bytes this rank sends under the bandwidth-optimal ring algorithms that MPI and NCCL use
/// for large buffers (Patarasuk &amp; Yuan 2009; Rajbhandari et al. 2020 §7 count volume the same way): an all-reduce of
/// S bytes sends 2(N−1)/N·S (a reduce-scatter then an all-gather), a reduce-scatter or an all-gather of S bytes in all
/// sends (N−1)/N·S, a broadcast sends S from the root. With Ψ the parameter bytes and N large, DDP and ZeRO-1/2 send 2Ψ
/// per step, ZeRO-3 3Ψ — the figures <see cref="SentBytes"/> is compared with. Not thread-safe (one per rank).
/// </summary>
public sealed class CollectiveCounters
{
    readonly int _world;

    /// <param name="worldSize">N.</param>
    public CollectiveCounters(int worldSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        _world = worldSize;
    }

    /// <summary>Calls of each operation ("all_reduce", "reduce_scatter", "all_gather", "broadcast", "barrier").</summary>
    public Dictionary<string, long> Calls { get; } = new(StringComparer.Ordinal);

    /// <summary>Bytes of the full buffer each operation worked on, summed per operation.</summary>
    public Dictionary<string, long> PayloadBytes { get; } = new(StringComparer.Ordinal);

    /// <summary>Bytes this rank sent, under the ring algorithms (see the class summary).</summary>
    public double SentBytes { get; private set; }

    /// <summary>Seconds spent inside collectives, waiting for the other ranks included (what communication costs a step).</summary>
    public double Seconds { get; private set; }

    /// <summary>Records one call over a buffer of <paramref name="bytes"/> bytes in all (for a reduce-scatter: its
    /// input; for an all-gather: its output) that took <paramref name="elapsed"/>.</summary>
    public void Record(string operation, long bytes, TimeSpan elapsed = default)
    {
        Seconds += elapsed.TotalSeconds;
        Calls[operation] = Calls.GetValueOrDefault(operation) + 1;
        PayloadBytes[operation] = PayloadBytes.GetValueOrDefault(operation) + bytes;
        double share = (_world - 1) / (double)_world;
        SentBytes += operation switch
        {
            "all_reduce" => 2 * share * bytes,
            "reduce_scatter" or "all_gather" => share * bytes,
            "broadcast" => _world > 1 ? bytes : 0,
            _ => 0,
        };
    }

    /// <summary>Forgets every count (between a warm-up and a measured step).</summary>
    public void Reset()
    {
        Calls.Clear();
        PayloadBytes.Clear();
        SentBytes = 0;
        Seconds = 0;
    }
}
