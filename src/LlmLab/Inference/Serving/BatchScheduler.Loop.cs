using static TorchSharp.torch;

namespace LlmLab.Inference.Serving;

public sealed partial class BatchScheduler
{
    /// <summary>A running sequence: its request, its decoder, its slot and its reservation in the token budget.</summary>
    sealed record Active(ServingRequest Request, SequenceDecoder Seq, int Slot, int Reserved);

    /// <summary>Test hook: runs on the loop thread after every iteration (to act at a known point of a generation).</summary>
    internal Action? AfterIteration { get; set; }

    // Owned by the loop thread only.
    readonly List<ServingRequest> _waiting = [];
    readonly List<Active> _running = [];
    int _reserved, _maxBatch;
    long _steps;

    /// <summary>The loop thread: intake, drop cancelled, admit (+ prefill), one decode step; until disposed and drained.</summary>
    void Loop()
    {
        SlotKvCache? cache = null;
        try
        {
            var model = _engine.Model;
            model.eval();
            using var noGrad = no_grad();
            cache = new SlotKvCache(model.Config.Layers, Options.MaxRunningSequences, _engine.Context);
            var device = model.parameters().First().device;
            while (Intake())
            {
                DropCancelled(cache);
                Admit(cache, device);
                if (_running.Count > 0) DecodeStep(cache, device);
                Publish(cache);
                AfterIteration?.Invoke();
            }
        }
        catch (Exception e)
        {
            foreach (var a in _running) a.Request.Fail(e);
            foreach (var r in _waiting) r.Fail(e);
            while (_incoming.Reader.TryRead(out var r)) r.Fail(e);
            _incoming.Writer.TryComplete(e);
        }
        finally
        {
            cache?.Dispose();
            _stopped.TrySetResult();
        }
    }

    /// <summary>Moves submitted requests to the queue; blocks while there is nothing to do. False: stopped and drained.</summary>
    bool Intake()
    {
        while (_incoming.Reader.TryRead(out var r)) _waiting.Add(r);
        if (_running.Count > 0 || _waiting.Count > 0) return true;
        if (!_incoming.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) return false;   // completed and empty
        while (_incoming.Reader.TryRead(out var r)) _waiting.Add(r);
        return true;
    }

    bool IsCancelled(ServingRequest r) => r.CancellationToken.IsCancellationRequested || _abort.IsCancellationRequested;

    /// <summary>A cancelled request leaves the queue or the batch now; its slot and reservation are free for this iteration.</summary>
    void DropCancelled(SlotKvCache cache)
    {
        for (int i = _waiting.Count - 1; i >= 0 && _refuseWaiting; i--)                      // a drain refuses what waits
        {
            _waiting[i].Fail(new SchedulerOverloadedException("the server is shutting down: retry on another replica"));
            Interlocked.Decrement(ref _pending);
            _waiting.RemoveAt(i);
        }
        for (int i = _waiting.Count - 1; i >= 0; i--)
            if (IsCancelled(_waiting[i]))
            {
                _waiting[i].Emit(new GenerationChunk("", null, null, FinishReason.Cancelled));
                Interlocked.Decrement(ref _pending);
                _waiting.RemoveAt(i);
            }
        for (int i = _running.Count - 1; i >= 0; i--)
            if (IsCancelled(_running[i].Request))
            {
                var a = _running[i];
                if (!a.Request.CancellationToken.IsCancellationRequested)                   // the server's abort, not the client's
                {
                    a.Request.CutAtShutdown = true;
                    Interlocked.Increment(ref _cut);
                }
                a.Request.Emit(new GenerationChunk(a.Seq.Cancel(), null, null, FinishReason.Cancelled));
                Release(cache, a);
                _running.RemoveAt(i);
            }
    }

    /// <summary>
    /// Admits waiting requests in arrival order while a slot and the token budget allow (continuous), or forms a new
    /// batch only when none runs (static). The queue's head is never overtaken: a long request is not starved by short ones.
    /// </summary>
    void Admit(SlotKvCache cache, Device device)
    {
        if (Options.Mode == BatchingMode.Static && _running.Count > 0) return;
        while (_waiting.Count > 0 && _running.Count < Options.MaxRunningSequences)
        {
            var r = _waiting[0];
            int need = Reservation(r.Prompt.Count, r.Params);
            if (_reserved + need > KvTokenBudget) break;
            _waiting.RemoveAt(0);
            int slot = Enumerable.Range(0, cache.Slots).First(s => _running.All(a => a.Slot != s));
            var active = new Active(r, new SequenceDecoder(_engine.Tokenizer, r.Prompt, r.Params, _engine.Context, r.Seed), slot, need);
            _reserved += need;
            r.MarkAdmitted();
            if (active.Seq.Finish is { } done)                                              // max_tokens = 0: nothing to run
            {
                r.Emit(new GenerationChunk("", null, null, done));
                Release(cache, active);
                continue;
            }
            try
            {
                GenerationChunk chunk;
                using (NewDisposeScope())
                {
                    cache.Free(slot);
                    var ids = tensor(r.Prompt.Select(t => (long)t).ToArray(), [1, r.Prompt.Count], device: device);     // (1, T)
                    var logits = _engine.Model.Forward(ids, cache.Slot(slot))[0, -1];       // (V) the last position's
                    chunk = active.Seq.Step(logits);
                }
                _steps++;
                r.Emit(chunk);
                if (active.Seq.Finish is null) _running.Add(active);
                else Release(cache, active);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                r.Fail(e);
                Release(cache, active);
            }
        }
    }

    /// <summary>One token for every running sequence: its last token in, its next token out.</summary>
    void DecodeStep(SlotKvCache cache, Device device)
    {
        int b = _running.Count;
        var chunks = new GenerationChunk[b];
        using (NewDisposeScope())
        {
            var slots = _running.Select(a => a.Slot).ToArray();
            var next = _running.Select(a => (long)a.Seq.Output[^1]).ToArray();
            var (view, positions, mask) = cache.Rows(slots, device);                          // (R, 1), (R, 1, 1, S)
            var logits = _engine.Model.Forward(tensor(next, [b, 1], device: device), view, positions, mask).select(1, 0); // (R, V)
            for (int i = 0; i < b; i++) chunks[i] = _running[i].Seq.Step(logits[i]);
        }
        _steps++;
        _maxBatch = Math.Max(_maxBatch, b);
        for (int i = b - 1; i >= 0; i--)
        {
            var a = _running[i];
            a.Request.Emit(chunks[i]);
            if (a.Seq.Finish is not null)
            {
                Release(cache, a);
                _running.RemoveAt(i);
            }
        }
    }

    void Release(SlotKvCache cache, Active a)
    {
        cache.Free(a.Slot);
        _reserved -= a.Reserved;
        Interlocked.Decrement(ref _pending);
    }

    void Publish(SlotKvCache cache)
    {
        int used = _running.Sum(a => cache.Length(a.Slot));
        _snapshot = new SchedulerSnapshot(_running.Count, _waiting.Count + _incoming.Reader.Count, used, _reserved, KvTokenBudget, _steps, _maxBatch);
    }
}
