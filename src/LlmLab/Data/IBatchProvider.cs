using static TorchSharp.torch;

namespace LlmLab.Data;

/// <summary>Where the trainer (<c>LlmLab.Training.Trainer</c>) gets its training batches. Not required to be thread-safe.</summary>
public interface IBatchProvider
{
    /// <summary>The next batch: inputs and targets (for a language model, (B, T) int64 each), with positions and an
    /// attention mask when rows pack several sequences (<see cref="TrainingBatch"/>; a (X, Y) tuple converts to it). The
    /// tensors are the caller's; they join the caller's dispose scope.</summary>
    TrainingBatch Next();
}
