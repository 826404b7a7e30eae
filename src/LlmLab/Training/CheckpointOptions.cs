using System.Text.Json.Nodes;

namespace LlmLab.Training;

/// <summary>
/// Where and how often <see cref="Trainer"/> saves checkpoints (see <see cref="Checkpoint"/> for the format), and what
/// it keeps. The directory also receives the run's <c>metrics.jsonl</c>. Immutable.
/// </summary>
/// <param name="Directory">The run's directory: checkpoints go to <c>step-NNNNNNNN/</c> sub-directories.</param>
/// <param name="Every">Save after every this many steps, and always after the last step (and at
/// <see cref="TrainerOptions.StopAtStep"/>).</param>
/// <param name="KeepLast">Keep the newest K checkpoints and delete older ones (≥ 1).</param>
/// <param name="KeepBest">Also keep the checkpoint with the lowest validation loss, however old.</param>
public sealed record CheckpointOptions(string Directory, int Every, int KeepLast = 3, bool KeepBest = true)
{
    /// <summary>The caller's settings (model shape, data, tokenizer…), saved in every checkpoint under "config" and
    /// compared on resume: a difference is an <see cref="InputException"/> naming the first differing key.</summary>
    public JsonObject? Config { get; init; }

    /// <summary>Writes extra files into a checkpoint's (still temporary) directory before it is published, e.g. the
    /// tokenizer, so that a checkpoint directory is all that generation needs.</summary>
    public Action<string>? WriteExtras { get; init; }

    /// <summary>Called once with the directory (created) after every check of the run has passed and before the trainer
    /// writes its first file, e.g. to save the run's config there: a refused run writes nothing.</summary>
    public Action<string>? OnStart { get; init; }

    /// <summary>Called after each checkpoint is published (e.g. to sample from the model at that point).</summary>
    public Action<CheckpointInfo>? OnSaved { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming a bad field.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory)) throw new ArgumentException("CheckpointOptions.Directory is empty: give the run's output directory");
        if (Every < 1) throw new ArgumentException($"CheckpointOptions.Every must be >= 1 (got {Every})");
        if (KeepLast < 1) throw new ArgumentException($"CheckpointOptions.KeepLast must be >= 1 (got {KeepLast})");
    }
}

/// <summary>A published checkpoint: its directory, step, the validation loss measured at that step (null without a
/// validation set), and its <c>checkpoint.json</c>.</summary>
public sealed record CheckpointInfo(string Directory, int Step, double? ValidationLoss, JsonObject Json);
