using LlmLab.Data;
using static TorchSharp.torch;

namespace LlmLab.Training;

/// <summary>
/// A fixed validation set: the same batches at every evaluation, so that a curve's points (and different models) are
/// measured on the same examples. Owns its tensors; dispose it.
/// </summary>
public sealed class EvalSet : IDisposable
{
    readonly List<TrainingBatch> _batches;

    /// <summary>Takes ownership of <paramref name="batches"/> (at least one).</summary>
    public EvalSet(IEnumerable<(Tensor X, Tensor Y)> batches) : this(batches.Select(b => (TrainingBatch)b)) { }

    /// <summary>Takes ownership of <paramref name="batches"/> (at least one), with their positions and masks.</summary>
    public EvalSet(IEnumerable<TrainingBatch> batches)
    {
        _batches = batches.ToList();
        if (_batches.Count == 0) throw new ArgumentException("an evaluation set needs at least one batch", nameof(batches));
    }

    /// <summary>The batches, in a fixed order.</summary>
    public IReadOnlyList<TrainingBatch> Batches => _batches;

    /// <summary>Target elements over all batches.</summary>
    public long Targets => _batches.Sum(b => b.Y.numel());

    /// <summary>
    /// <paramref name="batches"/> × <paramref name="batch"/> windows of T tokens with evenly spaced starts over
    /// <paramref name="tokens"/> (<see cref="TokenWindows.Evenly"/>), cut into batches of B (the last may be smaller;
    /// fewer windows when the text has fewer starts).
    /// </summary>
    public static EvalSet FromTokens(ReadOnlySpan<int> tokens, int context, int batch, int batches)
    {
        if (batch < 1 || batches < 1) throw new ArgumentException($"batch and batches must be >= 1 (got {batch} and {batches})");
        var (x, y) = TokenWindows.Evenly(tokens, context, batch * batches);
        var list = new List<(Tensor, Tensor)>();
        using (x)
        using (y)
            for (long start = 0; start < x.shape[0]; start += batch)
            {
                long n = Math.Min(batch, x.shape[0] - start);
                list.Add((x.narrow(0, start, n).clone().DetachFromDisposeScope(), y.narrow(0, start, n).clone().DetachFromDisposeScope()));
            }
        return new EvalSet(list);
    }

    public void Dispose()
    {
        foreach (var b in _batches) { b.X.Dispose(); b.Y.Dispose(); b.Positions?.Dispose(); b.Mask?.Dispose(); }
    }
}
