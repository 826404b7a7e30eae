namespace LlmLab.Training;

/// <summary>
/// What <see cref="Trainer"/> does: how many steps of which batches (with gradient accumulation), AdamW's settings,
/// the learning-rate schedule, clipping, precision and device, evaluation and logging cadence, and an optional time
/// budget. Immutable; <see cref="Validate"/> names a bad field. Its JSON form (snake_case) is the <c>trainer</c>
/// section of a <c>llmlab train</c> config and is saved in every checkpoint.
/// </summary>
/// <param name="Steps">Optimizer steps (an upper bound when a time budget is set).</param>
/// <param name="Batch">B, sequences per step.</param>
/// <param name="Context">T, tokens per sequence.</param>
/// <param name="LearningRate">AdamW's learning rate: constant, or the peak of the schedule when
/// <paramref name="MinLearningRate"/> is set.</param>
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
/// <param name="Accumulation">Micro-batches of B × T per optimizer step (gradient accumulation): a step sees
/// <see cref="TokensPerStep"/> = Accumulation·B·T tokens, with the memory of one micro-batch.</param>
/// <param name="WarmupSteps">Linear warmup steps (needs <paramref name="MinLearningRate"/>, i.e. a schedule).</param>
/// <param name="MinLearningRate">null = a constant rate; otherwise linear warmup then cosine decay from
/// <paramref name="LearningRate"/> to this floor at <paramref name="Steps"/> (<see cref="LlmLab.Optim.WarmupCosineLr"/>;
/// nanoGPT/llm.c use a floor of a tenth of the peak).</param>
/// <param name="Precision">fp32, or bf16 weights and activations with fp32 master weights and optimizer state.</param>
/// <param name="Device">"cpu", "cuda", "cuda:N" or "auto" (<see cref="LlmLab.Runtime.TorchRuntime.ResolveDevice"/>).</param>
/// <param name="StopAtStep">Stop after this step as if interrupted (checkpointing it when checkpoints are on), while
/// the schedule still spans <paramref name="Steps"/>: to train in pieces; null = run to the end.</param>
/// <param name="FlopsPerToken">Training FLOPs per token of the model (e.g. <c>GptSizing.FlopsPerToken</c>), for MFU;
/// null = no MFU.</param>
/// <param name="PeakFlops">The hardware's peak FLOP/s that MFU divides by (a GPU's datasheet figure, or a measured CPU
/// matmul rate, <see cref="MatmulPeak"/>); null = no MFU.</param>
/// <param name="Eps">AdamW's ε (PyTorch's default).</param>
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
    double Beta2 = 0.99,
    int Accumulation = 1,
    int WarmupSteps = 0,
    double? MinLearningRate = null,
    TrainingPrecision Precision = TrainingPrecision.Fp32,
    string Device = "cpu",
    int? StopAtStep = null,
    double? FlopsPerToken = null,
    double? PeakFlops = null,
    double Eps = 1e-8)
{
    /// <summary>Tokens per optimizer step, Accumulation·B·T.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long TokensPerStep => (long)Accumulation * Batch * Context;

    /// <summary>The learning rate of each 0-based step: constant, or warmup + cosine to the floor.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public LlmLab.Optim.LrSchedule Schedule => MinLearningRate is { } min
        ? new LlmLab.Optim.WarmupCosineLr(LearningRate, WarmupSteps, Steps, min)
        : new LlmLab.Optim.ConstantLr(LearningRate);

    /// <summary>Micro-batches per step so that a step sees at least <paramref name="tokensPerStep"/> tokens at B × T
    /// each: ⌈tokens / (B·T)⌉ (nanoGPT's gradient_accumulation_steps from its tokens-per-iteration target).</summary>
    public static int AccumulationFor(long tokensPerStep, int batch, int context)
    {
        if (tokensPerStep < 1 || batch < 1 || context < 1)
            throw new ArgumentException($"tokens per step, batch and context must be >= 1 (got {tokensPerStep}, {batch}, {context})");
        return (int)Math.Max(1, (tokensPerStep + (long)batch * context - 1) / ((long)batch * context));
    }

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
        AtLeast(nameof(Accumulation), Accumulation, 1);
        AtLeast(nameof(WarmupSteps), WarmupSteps, 0);
        if (MinLearningRate is { } min)
        {
            if (!(min >= 0 && min <= LearningRate)) throw new ArgumentException($"TrainerOptions.MinLearningRate must be in [0, LearningRate = {LearningRate}] (got {min})");
            if (WarmupSteps >= Steps) throw new ArgumentException($"TrainerOptions.WarmupSteps ({WarmupSteps}) must be below Steps ({Steps}) so the cosine has steps to decay over");
        }
        else if (WarmupSteps > 0) throw new ArgumentException("TrainerOptions.WarmupSteps needs MinLearningRate (the warmup + cosine schedule); set both, or neither for a constant rate");
        if (!Enum.IsDefined(Precision)) throw new ArgumentException($"TrainerOptions.Precision must be fp32 or bf16 (got {(int)Precision})");
        if (string.IsNullOrWhiteSpace(Device)) throw new ArgumentException("TrainerOptions.Device must be cpu, cuda, cuda:N or auto");
        if (StopAtStep is { } stop && (stop < 1 || stop > Steps)) throw new ArgumentException($"TrainerOptions.StopAtStep must be between 1 and Steps ({Steps}) or null (got {stop})");
        if (FlopsPerToken is { } f && !(f > 0)) throw new ArgumentException($"TrainerOptions.FlopsPerToken must be > 0 or null (got {f})");
        if (PeakFlops is { } pf && !(pf > 0)) throw new ArgumentException($"TrainerOptions.PeakFlops must be > 0 or null (got {pf})");
        if (!(Eps >= 0) || double.IsInfinity(Eps)) throw new ArgumentException($"TrainerOptions.Eps must be a finite number >= 0 (got {Eps})");
    }
}
