using System.Threading.Channels;
using LlmLab.Nn.Gpt;

namespace LlmLab.Inference.Serving;

/// <summary>
/// Serves many generation requests with one model by batching their decode steps — continuously (iteration-level, as
/// Orca and vLLM: requests join the running batch at the next step and leave when done) or statically (a batch runs
/// until its last sequence finishes), by <see cref="SchedulerOptions.Mode"/>.
/// <list type="number">
/// <item>Callers <see cref="Submit"/> requests; they wait in a FIFO queue.</item>
/// <item>One background thread owns the model and a <see cref="SlotKvCache"/> (one slot per running sequence). Each
/// iteration it drops cancelled requests (their slots are free at once), admits waiting requests while the limits
/// allow (running sequences, KV-token budget) and runs each one's prefill as its own B = 1 forward into its slot,
/// then runs one decode step for the whole running batch (one token per row, per-row positions and mask).</item>
/// <item>Each sequence's logits go to its own <see cref="SequenceDecoder"/> (sampling, seed, stops, text), so a request
/// gives the same tokens as <see cref="GenerationEngine"/> alone, whatever runs beside it (up to float round-off in
/// batched shapes); its chunks go to the request's channel.</item>
/// </list>
/// While the scheduler runs it owns the engine's model: do not generate with the engine at the same time. Thread-safe;
/// dispose it (waits for the running and waiting requests to finish, then stops the loop).
/// </summary>
public sealed partial class BatchScheduler : IDisposable, IAsyncDisposable
{
    readonly GenerationEngine _engine;
    readonly Channel<ServingRequest> _incoming = Channel.CreateUnbounded<ServingRequest>(); // the multi-reader kind can Count (the waiting gauge)
    readonly Thread _thread;
    readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly Random _seeds;
    readonly CancellationTokenSource _abort = new();
    long _nextId, _pending;
    volatile SchedulerSnapshot _snapshot;
    volatile bool _refuseWaiting;
    int _disposed, _cut;

    /// <param name="engine">Its model, tokenizer and prompt policy are used (not owned).</param>
    /// <param name="options">Limits and mode (null: the defaults).</param>
    /// <exception cref="InputException">An invalid option.</exception>
    public BatchScheduler(GenerationEngine engine, SchedulerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Options = options ?? new SchedulerOptions();
        Options.Validate();
        _engine = engine;
        KvTokenBudget = Options.MaxKvTokens ?? Options.MaxRunningSequences * engine.Context;
        _seeds = new Random(Options.Seed);
        _snapshot = new SchedulerSnapshot(0, 0, 0, 0, KvTokenBudget, 0, 0);
        _thread = new Thread(Loop) { IsBackground = true, Name = "llmlab-batch-scheduler" };
        _thread.Start();
    }

    public SchedulerOptions Options { get; }

    /// <summary>The engine whose model the loop runs.</summary>
    public GenerationEngine Engine => _engine;

    /// <summary>The KV-cache token budget (<see cref="SchedulerOptions.MaxKvTokens"/> or every slot's context).</summary>
    public int KvTokenBudget { get; }

    /// <summary>The state after the latest iteration.</summary>
    public SchedulerSnapshot Snapshot => _snapshot;

    /// <summary>Completes when the loop has stopped (after <see cref="DisposeAsync"/>, or a fatal error).</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>
    /// Queues a request. Bad input is reported here, before anything runs. Cancelling <paramref name="cancellationToken"/>
    /// ends the request at the next iteration (its last chunk says <see cref="FinishReason.Cancelled"/>).
    /// </summary>
    /// <exception cref="InputException">Invalid parameters, an empty or too long prompt, or one that needs more KV-cache
    /// tokens than the whole budget.</exception>
    /// <exception cref="SchedulerOverloadedException">The queue is full, or the scheduler is shutting down.</exception>
    public ServingRequest Submit(IReadOnlyList<int> prompt, SamplingParams p, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        var ids = _engine.FitPrompt(prompt, p);
        int need = Reservation(ids.Count, p);
        if (need > KvTokenBudget)
            throw new InputException($"the request needs {need:N0} KV-cache tokens (prompt {ids.Count:N0} + max_tokens {p.MaxTokens:N0}, " +
                $"capped at the context) and the server's budget is {KvTokenBudget:N0}: lower max_tokens or shorten the prompt");
        if (Interlocked.Increment(ref _pending) > Options.MaxWaiting + Options.MaxRunningSequences)
        {
            Interlocked.Decrement(ref _pending);
            throw new SchedulerOverloadedException($"the queue is full ({Options.MaxWaiting:N0} waiting requests): retry later");
        }
        long seed;
        lock (_seeds) seed = p.Seed ?? _seeds.Next();
        var request = new ServingRequest(Interlocked.Increment(ref _nextId), ids, p, seed, cancellationToken);
        if (!_incoming.Writer.TryWrite(request))
        {
            Interlocked.Decrement(ref _pending);
            throw new SchedulerOverloadedException("the scheduler is shutting down: retry on another replica");
        }
        return request;
    }

    /// <summary>Submits and streams the chunks (see <see cref="Submit"/>).</summary>
    public IAsyncEnumerable<GenerationChunk> StreamAsync(IReadOnlyList<int> prompt, SamplingParams p, CancellationToken cancellationToken = default) =>
        Submit(prompt, p, cancellationToken).ReadAllAsync(CancellationToken.None);

    /// <summary>Submits and waits for the whole generation.</summary>
    public Task<GenerationResult> GenerateAsync(IReadOnlyList<int> prompt, SamplingParams p, CancellationToken cancellationToken = default) =>
        Submit(prompt, p, cancellationToken).CompleteAsync(CancellationToken.None);

    /// <summary>Tokens a sequence reserves in the budget: its prompt and every token it may add, within the context.</summary>
    int Reservation(int promptTokens, SamplingParams p) => Math.Min(promptTokens + p.MaxTokens, _engine.Context);

    /// <summary>Sequences cancelled by <see cref="DrainAsync"/>'s deadline or <see cref="AbortAsync"/> while running.</summary>
    public int CutSequences => Volatile.Read(ref _cut);

    /// <summary>
    /// The drain of a shutdown: (1) stop taking requests (<see cref="Submit"/> throws
    /// <see cref="SchedulerOverloadedException"/>), (2) refuse every request still waiting — it fails with
    /// <see cref="SchedulerOverloadedException"/> at once, so its client can retry elsewhere instead of waiting for a
    /// server that is leaving, (3) let the running sequences finish until <paramref name="deadline"/>, (4) cancel what
    /// still runs then (each ends with <see cref="FinishReason.Cancelled"/> and <see cref="ServingRequest.CutAtShutdown"/>).
    /// Returns the number of sequences cut; the loop has stopped when it returns.
    /// </summary>
    public async Task<int> DrainAsync(TimeSpan deadline)
    {
        _refuseWaiting = true;
        _incoming.Writer.TryComplete();                 // wakes an idle loop, which then stops
        if (await Task.WhenAny(_stopped.Task, Task.Delay(deadline)).ConfigureAwait(false) != _stopped.Task)
            try { _abort.Cancel(); } catch (ObjectDisposedException) { }
        await _stopped.Task.ConfigureAwait(false);
        return CutSequences;
    }

    /// <summary>Stops taking requests, lets the queued and running ones finish (graceful drain), then stops the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) { await _stopped.Task.ConfigureAwait(false); return; }
        _incoming.Writer.TryComplete();
        await _stopped.Task.ConfigureAwait(false);
        _abort.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Cancels every queued and running request now (a hard stop), then stops as <see cref="DisposeAsync"/>.</summary>
    public ValueTask AbortAsync()
    {
        try { _abort.Cancel(); } catch (ObjectDisposedException) { }
        return DisposeAsync();
    }
}
