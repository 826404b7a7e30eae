using System.Text.Json.Nodes;
using LlmLab.Data;
using static TorchSharp.torch;

namespace LlmLab.Training.Distributed;

/// <summary>
/// Rank r's part of each global batch: the global provider (B·N rows, drawn identically on every rank from one seed)
/// is asked for a batch and this rank keeps rows [r·B, (r+1)·B) — so the ranks see different data, together exactly
/// the batch one process would see at batch B·N, which is what makes the losses of N ranks equal one process's. Drawing
/// the whole global batch costs every rank N× the index arithmetic of its own part and nothing more (token windows are
/// views of an array). Its saved state is the global provider's, identical on every rank. Not thread-safe.
/// </summary>
public sealed class RankBatches : IResumableBatchProvider
{
    readonly IBatchProvider _global;
    readonly int _rank, _world;

    /// <param name="global">Batches of B·N rows (every rank constructs it with the same seed).</param>
    /// <param name="rank">r.</param>
    /// <param name="worldSize">N.</param>
    public RankBatches(IBatchProvider global, int rank, int worldSize)
    {
        ArgumentNullException.ThrowIfNull(global);
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, worldSize);
        (_global, _rank, _world) = (global, rank, worldSize);
    }

    /// <exception cref="ArgumentException">A global batch whose rows do not divide by N.</exception>
    public TrainingBatch Next()
    {
        var g = _global.Next();
        long rows = g.X.shape[0];
        if (rows % _world != 0) throw new ArgumentException($"a global batch of {rows} rows does not split over {_world} ranks");
        long b = rows / _world;
        Tensor Part(Tensor t) => t.narrow(0, _rank * b, b);
        return new TrainingBatch(Part(g.X), Part(g.Y), g.Positions is null ? null : Part(g.Positions), g.Mask is null ? null : Part(g.Mask),
            g.Extras?.ToDictionary(e => e.Key, e => Part(e.Value)));
    }

    /// <exception cref="InvalidOperationException">The global provider is not resumable.</exception>
    public JsonObject SaveState() => Resumable.SaveState();

    public void RestoreState(JsonObject state) => Resumable.RestoreState(state);

    IResumableBatchProvider Resumable => _global as IResumableBatchProvider
        ?? throw new InvalidOperationException("the global batch provider is not resumable");
}
