using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Data.Mixture;
using static TorchSharp.torch;

namespace LlmLab.Data.Shards;

/// <summary>
/// Streams (B, T) training batches from a <see cref="ShardSet"/> and can stop and resume exactly. Each shard of n tokens
/// is cut into ⌊(n − 1) / T⌋ windows of T + 1 tokens at starts 0, T, 2T, … (x = the first T, y = the last T: the same
/// tokens shifted by one). An epoch visits every window once: the shards in an order shuffled for that epoch, and within
/// each shard its windows in an order shuffled for that (epoch, shard), both by <see cref="SeededPermutation"/> of the
/// seed. A batch takes the next B windows, crossing into the next shard or epoch as needed.
/// </summary>
/// <remarks>
/// <para>The position is (epoch, shard cursor, window cursor); the orders are recomputed from the seed, so the saved
/// state is a few numbers plus the manifest's fingerprint (<see cref="SaveState"/>), and a restored loader returns exactly
/// the batches the uninterrupted one would have. One shard is mapped at a time, plus one int per window of it.</para>
/// <para>Needs TorchSharp loaded (<c>TorchRuntime.EnsureLoaded</c>). Does not own the <see cref="ShardSet"/>. Not
/// thread-safe.</para>
/// </remarks>
public sealed class ShardBatchLoader : IResumableBatchProvider
{
    /// <summary>The value of "kind" in a saved state.</summary>
    public const string StateKind = "llmlab-shard-batches";

    readonly ShardSet _set;
    readonly int _batch, _context;
    readonly long _seed;
    readonly long[] _windows; // per shard
    readonly int[] _buffer;
    int[] _shardOrder = [], _windowOrder = [];
    int _shardCursor, _windowCursor, _orderedShard = -1;

    /// <exception cref="InputException">The split has no window of T + 1 tokens (the message names the directory and the fix).</exception>
    public ShardBatchLoader(ShardSet set, int batch, int context, long seed)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), $"batch must be >= 1 (got {batch})");
        if (context < 1) throw new ArgumentOutOfRangeException(nameof(context), $"context must be >= 1 (got {context})");
        (_set, _batch, _context, _seed) = (set, batch, context, seed);
        _windows = set.Shards.Select(s => Math.Max(0, (s.Tokens - 1) / context)).ToArray();
        if (_windows.Any(w => w > int.MaxValue))
            throw new InputException(
                $"a shard of '{set.Directory}' has more than 2^31 windows of {context} tokens; build it with a smaller --shard-tokens");
        WindowsPerEpoch = _windows.Sum();
        if (WindowsPerEpoch == 0)
            throw new InputException(
                $"the {set.Split} shards of '{set.Directory}' hold {set.Tokens:N0} tokens: not one window of context {context} + 1 in " +
                $"any shard; use a shorter context or more data");
        _buffer = new int[context + 1];
        StartEpoch(0);
    }

    /// <summary>Windows (sequences) in one pass over the split.</summary>
    public long WindowsPerEpoch { get; }

    /// <summary>The current epoch: 0 until every window has been served once.</summary>
    public long Epoch { get; private set; }

    /// <summary>Batches returned so far (including before a restore).</summary>
    public long BatchesServed { get; private set; }

    /// <summary>x, y (B, T) int64, y = x shifted by one token. The caller owns the tensors (they join its dispose scope).</summary>
    public TrainingBatch Next()
    {
        var x = new long[_batch * _context];
        var y = new long[_batch * _context];
        for (int b = 0; b < _batch; b++)
        {
            var (shard, window) = NextWindow();
            _set.Read(shard, window * _context, _buffer);
            for (int t = 0; t < _context; t++)
            {
                x[b * _context + t] = _buffer[t];
                y[b * _context + t] = _buffer[t + 1];
            }
        }
        BatchesServed++;
        return (tensor(x, [_batch, _context]), tensor(y, [_batch, _context])); // (B, T), (B, T)
    }

    (int Shard, long Window) NextWindow()
    {
        while (true)
        {
            if (_shardCursor == _shardOrder.Length) StartEpoch(Epoch + 1);
            int shard = _shardOrder[_shardCursor];
            if (_windowCursor < _windows[shard])
            {
                if (_orderedShard != shard)
                {
                    _windowOrder = SeededPermutation.Of((int)_windows[shard], SeededPermutation.Derive(_seed, "windows", Epoch, shard));
                    _orderedShard = shard;
                }
                return (shard, _windowOrder[_windowCursor++]);
            }
            (_shardCursor, _windowCursor) = (_shardCursor + 1, 0);
        }
    }

    void StartEpoch(long epoch)
    {
        Epoch = epoch;
        _shardOrder = SeededPermutation.Of(_windows.Length, SeededPermutation.Derive(_seed, "shards", epoch));
        (_shardCursor, _windowCursor, _orderedShard) = (0, 0, -1);
    }

    /// <inheritdoc/>
    public JsonObject SaveState() => new()
    {
        ["kind"] = StateKind,
        ["version"] = 1,
        ["index_sha256"] = _set.Fingerprint,
        ["split"] = _set.Split,
        ["batch"] = _batch,
        ["context"] = _context,
        ["seed"] = _seed,
        ["epoch"] = Epoch,
        ["shard_cursor"] = _shardCursor,
        ["window_cursor"] = _windowCursor,
        ["batches_served"] = BatchesServed,
    };

    /// <inheritdoc/>
    public void RestoreState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string kind = Get<string>(state, "kind");
        if (kind != StateKind)
            throw new InputException($"loader state: kind is '{kind}', not '{StateKind}'; this state belongs to another batch provider");
        if (Get<int>(state, "version") != 1)
            throw new InputException($"loader state: version {Get<int>(state, "version")}; this build reads version 1");
        Same("index_sha256", Get<string>(state, "index_sha256"), _set.Fingerprint,
            "the shards (index.json) changed since the state was saved");
        Same("split", Get<string>(state, "split"), _set.Split, "the state was saved on another split");
        Same("batch", Get<long>(state, "batch"), _batch, "the batch size differs");
        Same("context", Get<long>(state, "context"), _context, "the context differs");
        Same("seed", Get<long>(state, "seed"), _seed, "the seed differs");
        long epoch = Get<long>(state, "epoch");
        int shardCursor = Get<int>(state, "shard_cursor"), windowCursor = Get<int>(state, "window_cursor");
        long served = Get<long>(state, "batches_served");
        if (epoch < 0 || shardCursor < 0 || shardCursor > _windows.Length || windowCursor < 0 || served < 0
            || (shardCursor < _windows.Length
                && windowCursor > _windows[SeededPermutation.Of(_windows.Length,
                SeededPermutation.Derive(_seed, "shards", epoch))[shardCursor]]))
            throw new InputException(
                $"loader state: position epoch {epoch}, shard_cursor {shardCursor}, window_cursor {windowCursor} is outside these shards");
        StartEpoch(epoch);
        (_shardCursor, _windowCursor) = (shardCursor, windowCursor);
        BatchesServed = served;
    }

    static T Get<T>(JsonObject state, string key)
    {
        try
        {
            // Deserialize rather than GetValue: a state built in memory holds ints where a parsed one holds JSON numbers.
            return state[key] is { } node ? node.Deserialize<T>()! : throw new InputException($"loader state: field '{key}' is missing");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InputException($"loader state: field '{key}' is not a {typeof(T).Name} ({e.Message})", e);
        }
    }

    static void Same<T>(string key, T saved, T current, string why)
    {
        if (!EqualityComparer<T>.Default.Equals(saved, current))
            throw new InputException(
                $"loader state: {key} is {saved} in the state but {current} here — {why}; resume with the same shards and settings");
    }
}
