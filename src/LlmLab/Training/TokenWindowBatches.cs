using System.Text.Json.Nodes;
using LlmLab.Data;
using static TorchSharp.torch;

namespace LlmLab.Training;

/// <summary>
/// Random windows of a token array (<see cref="TokenWindows.Sample"/>), B × T per batch, drawn from a
/// <see cref="Random"/> seeded with <see cref="Seed"/>: the same seed gives the same batches. Resumable: its state is
/// the seed and the number of batches drawn, and <see cref="RestoreState"/> replays that many draws (B integers each,
/// microseconds per thousand batches), since .NET's seeded <see cref="Random"/> has no public state to save. The state
/// also records B, T, the token count and a checksum of the tokens, so a checkpoint cannot silently continue on other
/// data. Holds the array, not a copy. Not thread-safe.
/// </summary>
public sealed class TokenWindowBatches : IResumableBatchProvider
{
    readonly int[] _tokens;
    readonly int _batch, _context;
    Random _rng;
    long _drawn;
    ulong? _checksum;

    /// <exception cref="ArgumentException">Fewer than T + 1 tokens, or T or B below 1.</exception>
    public TokenWindowBatches(int[] tokens, int batch, int context, int seed)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (batch < 1) throw new ArgumentException($"batch must be >= 1 (got {batch})", nameof(batch));
        if (context < 1) throw new ArgumentException($"context must be >= 1 (got {context})", nameof(context));
        if (tokens.Length <= context)
            throw new ArgumentException($"the training tokens ({tokens.Length:N0}) must be longer than the context ({context:N0}): give more text or a shorter context", nameof(tokens));
        (_tokens, _batch, _context, Seed) = (tokens, batch, context, seed);
        _rng = new Random(seed);
    }

    /// <summary>The seed of the window starts.</summary>
    public int Seed { get; }

    /// <summary>Batches returned so far.</summary>
    public long Drawn => _drawn;

    /// <summary>x, y (B, T) int64, y = x shifted by one token.</summary>
    public TrainingBatch Next()
    {
        _drawn++;
        return TokenWindows.Sample(_tokens, _context, _batch, _rng);
    }

    public JsonObject SaveState() => new()
    {
        ["kind"] = "token-windows",
        ["seed"] = Seed,
        ["drawn"] = _drawn,
        ["batch"] = _batch,
        ["context"] = _context,
        ["tokens"] = _tokens.Length,
        ["checksum"] = Checksum().ToString("x16"),
    };

    /// <exception cref="InputException">A state of another provider, or of other tokens, B or T (naming what differs).</exception>
    public void RestoreState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if ((string?)state["kind"] != "token-windows")
            throw new InputException($"the saved data position is of a '{(string?)state["kind"]}' loader, not random token windows: resume with the same data settings");
        void Same(string field, string expected)
        {
            string? saved = state[field]?.ToString();
            if (saved != expected)
                throw new InputException($"the saved data position has {field} = {saved}, this run {expected}: resume with the same data and batch settings (or start a new run)");
        }
        Same("batch", _batch.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Same("context", _context.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Same("tokens", _tokens.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Same("checksum", Checksum().ToString("x16"));
        int seed = (int?)state["seed"] ?? throw new InputException("the saved data position has no seed");
        long drawn = (long?)state["drawn"] ?? throw new InputException("the saved data position has no batch count");
        if (seed != Seed) throw new InputException($"the saved data position has seed {seed}, this run {Seed}: resume with the same seed");
        if (drawn < 0) throw new InputException($"the saved data position has a negative batch count ({drawn})");
        // Replay: each batch draws B window starts, one Next(N − T) each (TokenWindows.Sample).
        _rng = new Random(Seed);
        for (long i = 0; i < drawn * _batch; i++) _rng.Next(_tokens.Length - _context);
        _drawn = drawn;
    }

    /// <summary>FNV-1a over the token ids (computed once): detects a checkpoint resumed on other tokens.</summary>
    ulong Checksum()
    {
        if (_checksum is { } c) return c;
        ulong h = 14695981039346656037UL;
        foreach (int t in _tokens) { h ^= (uint)t; h *= 1099511628211UL; }
        _checksum = h;
        return h;
    }
}
