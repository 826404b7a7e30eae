using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace LlmLab.Inference.Serving;

/// <summary>
/// One request submitted to a <see cref="BatchScheduler"/>: its chunks arrive on <see cref="ReadAllAsync"/> as the
/// scheduler's loop produces them (the last one carries the finish reason), and its timings are filled in as it goes
/// (for metrics: queue time, time to first token, latency). Its cancellation token (given to
/// <see cref="BatchScheduler.Submit"/>) removes it from the queue or the running batch at the next iteration, freeing
/// its slot. Thread-safe: the loop writes, one reader reads.
/// </summary>
public sealed class ServingRequest
{
    readonly Channel<GenerationChunk> _chunks = Channel.CreateUnbounded<GenerationChunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    long _admitted, _first, _finished, _outputTokens;

    internal ServingRequest(long id, IReadOnlyList<int> prompt, SamplingParams p, long seed, CancellationToken cancellationToken)
    {
        (Id, Prompt, Params, Seed, CancellationToken) = (id, prompt, p, seed, cancellationToken);
        Arrival = Stopwatch.GetTimestamp();
    }

    /// <summary>The scheduler's sequence number for the request.</summary>
    public long Id { get; }

    /// <summary>The prompt as it runs (fitted to the context).</summary>
    public IReadOnlyList<int> Prompt { get; }

    public SamplingParams Params { get; }

    /// <summary>The seed of the request's draws (its own, or one the scheduler chose).</summary>
    public long Seed { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary><see cref="Stopwatch"/> timestamp of the submission.</summary>
    public long Arrival { get; }

    /// <summary>Time spent waiting before admission into the running batch (null while waiting).</summary>
    public TimeSpan? QueueTime => Since(Interlocked.Read(ref _admitted));

    /// <summary>From submission to the first token (null before it).</summary>
    public TimeSpan? TimeToFirstToken => Since(Interlocked.Read(ref _first));

    /// <summary>From submission to the end (null before it).</summary>
    public TimeSpan? Latency => Since(Interlocked.Read(ref _finished));

    /// <summary>Tokens generated so far.</summary>
    public int OutputTokens => (int)Interlocked.Read(ref _outputTokens);

    /// <summary>True when the server cut it at shutdown (<see cref="BatchScheduler.DrainAsync"/>'s deadline), not its caller.</summary>
    public bool CutAtShutdown { get; internal set; }

    /// <summary>Why it ended (null before the end; set before the last chunk is readable).</summary>
    public FinishReason? Finish { get; private set; }

    /// <summary>The chunks in order; ends after the chunk that carries the finish reason. Throws the loop's exception if
    /// the model failed on this request. One reader only.</summary>
    public async IAsyncEnumerable<GenerationChunk> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var c in _chunks.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return c;
    }

    /// <summary>Reads the whole generation.</summary>
    public async Task<GenerationResult> CompleteAsync(CancellationToken cancellationToken = default)
    {
        var text = new System.Text.StringBuilder();
        var tokens = new List<int>();
        var logprobs = Params.Logprobs ? new List<TokenLogprob>() : null;
        await foreach (var c in ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            text.Append(c.Text);
            if (c.Token is { } t) tokens.Add(t);
            if (c.Logprob is { } lp) logprobs?.Add(lp);
        }
        return new GenerationResult(text.ToString(), tokens, Finish ?? FinishReason.Cancelled, Prompt.Count, logprobs,
            TimeToFirstToken ?? Latency ?? TimeSpan.Zero, Latency ?? TimeSpan.Zero);
    }

    internal void MarkAdmitted() => Interlocked.CompareExchange(ref _admitted, Stopwatch.GetTimestamp(), 0);

    internal void Emit(GenerationChunk chunk)
    {
        if (chunk.Token is not null)
        {
            Interlocked.CompareExchange(ref _first, Stopwatch.GetTimestamp(), 0);
            Interlocked.Increment(ref _outputTokens);
        }
        if (chunk.Finish is { } f) Finish = f;
        if (chunk.Finish is not null) Interlocked.Exchange(ref _finished, Stopwatch.GetTimestamp());
        _chunks.Writer.TryWrite(chunk);
        if (chunk.Finish is not null) _chunks.Writer.TryComplete();
    }

    internal void Fail(Exception e)
    {
        Interlocked.Exchange(ref _finished, Stopwatch.GetTimestamp());
        _chunks.Writer.TryComplete(e);
    }

    TimeSpan? Since(long timestamp) => timestamp == 0 ? null : Stopwatch.GetElapsedTime(Arrival, timestamp);
}
