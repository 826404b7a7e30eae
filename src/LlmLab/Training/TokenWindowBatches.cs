using LlmLab.Data;
using static TorchSharp.torch;

namespace LlmLab.Training;

/// <summary>
/// Random windows of a token array (<see cref="TokenWindows.Sample"/>), B × T per batch, drawn from a seeded
/// <see cref="Random"/>: the same seed gives the same batches. Holds the array, not a copy. Not thread-safe.
/// </summary>
public sealed class TokenWindowBatches : IBatchProvider
{
    readonly int[] _tokens;
    readonly int _batch, _context;
    readonly Random _rng;

    /// <exception cref="ArgumentException">Fewer than T + 1 tokens, or T or B below 1.</exception>
    public TokenWindowBatches(int[] tokens, int batch, int context, Random rng)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(rng);
        if (batch < 1) throw new ArgumentException($"batch must be >= 1 (got {batch})", nameof(batch));
        if (context < 1) throw new ArgumentException($"context must be >= 1 (got {context})", nameof(context));
        if (tokens.Length <= context)
            throw new ArgumentException($"the training tokens ({tokens.Length:N0}) must be longer than the context ({context:N0}): give more text or a shorter context", nameof(tokens));
        (_tokens, _batch, _context, _rng) = (tokens, batch, context, rng);
    }

    /// <summary>x, y (B, T) int64, y = x shifted by one token.</summary>
    public (Tensor X, Tensor Y) Next() => TokenWindows.Sample(_tokens, _context, _batch, _rng);
}
