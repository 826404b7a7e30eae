using System.Text.Json.Nodes;

namespace LlmLab.Data;

/// <summary>
/// A batch source whose position can be saved and restored exactly, so that a training run resumed from a checkpoint
/// sees the very batches the uninterrupted run would have seen (the trainer stores <see cref="SaveState"/> in every
/// checkpoint). The state is a small JSON object (positions, RNG state, file checksums to detect a changed source),
/// never the data itself. Not required to be thread-safe.
/// </summary>
public interface IResumableBatchProvider : IBatchProvider
{
    /// <summary>The position after the last batch returned: a fresh object the caller owns.</summary>
    JsonObject SaveState();

    /// <summary>
    /// Moves to a position saved by <see cref="SaveState"/> of a provider over the same data and settings; the next
    /// <see cref="IBatchProvider.Next"/> returns what it would have returned then.
    /// </summary>
    /// <exception cref="InputException">The state does not belong to this provider's data or settings (the message
    /// names what differs).</exception>
    void RestoreState(JsonObject state);
}
