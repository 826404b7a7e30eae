namespace LlmLab.Training;

/// <summary>
/// What <see cref="Trainer"/> does: how many steps of which batches, AdamW's settings, clipping, evaluation and
/// logging cadence, and an optional time budget. Immutable.
/// </summary>
/// <param name="Steps">Optimizer steps (an upper bound when a time budget is set).</param>
/// <param name="Batch">B, sequences per step.</param>
/// <param name="Context">T, tokens per sequence.</param>
/// <param name="LearningRate">AdamW's learning rate, constant.</param>
/// <param name="GradClip">Clip the global L2 norm of the gradients to this (Pascanu et al. 2013, the standard guard
/// against exploding gradients in recurrent nets); 0 = no clipping (the norm is still measured).</param>
/// <param name="WeightDecay">AdamW's decoupled weight decay; 0 = Adam (char-rnn used none).</param>
/// <param name="EvalEvery">Evaluate on the validation set every this many steps (and at step 0 and at the end).</param>
/// <param name="EvalBatches">Validation batches per evaluation (a fixed set, the same every time).</param>
/// <param name="LogEvery">Write the one-line step log every this many steps (and at step 1).</param>
/// <param name="TimeBudgetSeconds">Stop once this much training time has been spent (evaluation excluded, so that
/// evaluating more often costs no training); null = no budget.</param>
/// <param name="MinSteps">The time budget never stops the run before this many steps: a floor that keeps a budgeted run
/// meaningful on a slow or busy machine (0 = none).</param>
/// <param name="Beta1">AdamW's β1 (PyTorch's default).</param>
/// <param name="Beta2">AdamW's β2: 0.99 as in nanoGPT's small character-level config, where few tokens per step make
/// 0.999's long memory of the squared gradients slow to adapt.</param>
public sealed record TrainerOptions(
    int Steps,
    int Batch,
    int Context,
    double LearningRate,
    double GradClip = 1.0,
    double WeightDecay = 0.0,
    int EvalEvery = 100,
    int EvalBatches = 8,
    int LogEvery = 10,
    double? TimeBudgetSeconds = null,
    int MinSteps = 0,
    double Beta1 = 0.9,
    double Beta2 = 0.99)
{
    /// <summary>Tokens per step, B·T.</summary>
    public long TokensPerStep => (long)Batch * Context;

    /// <summary>Rejects options the trainer cannot run; the message names the field and its valid range.</summary>
    /// <exception cref="ArgumentException">A field out of range.</exception>
    public void Validate()
    {
        static void AtLeast(string name, double value, double min)
        {
            if (!(value >= min)) throw new ArgumentException($"TrainerOptions.{name} must be >= {min} (got {value})");
        }
        AtLeast(nameof(Steps), Steps, 1);
        AtLeast(nameof(Batch), Batch, 1);
        AtLeast(nameof(Context), Context, 1);
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"TrainerOptions.LearningRate must be a finite number > 0 (got {LearningRate})");
        AtLeast(nameof(GradClip), GradClip, 0);
        AtLeast(nameof(WeightDecay), WeightDecay, 0);
        AtLeast(nameof(EvalEvery), EvalEvery, 1);
        AtLeast(nameof(EvalBatches), EvalBatches, 1);
        AtLeast(nameof(LogEvery), LogEvery, 1);
        if (TimeBudgetSeconds is { } t && !(t > 0)) throw new ArgumentException($"TrainerOptions.TimeBudgetSeconds must be > 0 or null (got {t})");
        if (MinSteps < 0 || MinSteps > Steps) throw new ArgumentException($"TrainerOptions.MinSteps must be between 0 and Steps ({Steps}) (got {MinSteps})");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentException($"TrainerOptions.Beta1 must be in [0, 1) (got {Beta1})");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException($"TrainerOptions.Beta2 must be in [0, 1) (got {Beta2})");
    }
}
