using System.Diagnostics;
using LlmLab.Data;
using LlmLab.Optim;
using LlmLab.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Training;

/// <summary>
/// The training engine every lab from Part 3 on uses (the shape of nanoGPT's <c>train.py</c> and llm.c's loop, without
/// their distributed parts):
/// <list type="number">
/// <item>Evaluate on the fixed validation set before the first step (ln V for a fresh language model) — or, when
/// resuming, restore weights, optimizer moments, libtorch's RNG, the batch position and the metrics from a checkpoint.</item>
/// <item>Each step, in its own dispose scope: set the scheduled learning rate; for each of the
/// <see cref="TrainerOptions.Accumulation"/> micro-batches, forward, loss (stop with <see cref="TrainingDivergedException"/>
/// when it is not finite), backward of loss / Accumulation (so the summed gradient is that of the mean over the whole
/// step); clip the global gradient norm; one optimizer update (AdamW unless <see cref="OptimizerFactory"/> gives another).</item>
/// <item>Log the one-line step log every <see cref="TrainerOptions.LogEvery"/> steps; evaluate every
/// <see cref="TrainerOptions.EvalEvery"/> steps; checkpoint every <see cref="CheckpointOptions.Every"/> steps; stop early
/// when the time budget is spent (not before <see cref="TrainerOptions.MinSteps"/>) or at <see cref="TrainerOptions.StopAtStep"/>.</item>
/// </list>
/// <b>Weight decay</b> applies to matrices only: every parameter of rank ≥ 2 (linear weights and the embeddings, as in
/// nanoGPT's <c>configure_optimizers</c>), and no bias or norm gain (<see cref="ParameterGroup.DecayMatricesOnly"/>):
/// decay pulls a weight toward 0, which regularises a matrix (smaller weights, smoother function), whereas a bias or a
/// LayerNorm gain has no reason to be near 0 (a gain's neutral value is 1).
/// <b>Determinism</b>: given the initial weights, the batch provider's seed and one intra-op thread on the CPU, a run is
/// bit-for-bit reproducible, and a run resumed from a checkpoint continues with bit-identical losses.
/// <b>Where data parallelism goes</b>: between <see cref="TrainingWeights.GradientsToMasters"/> and clipping (an
/// all-reduce of the gradients), and in <see cref="TrainingWeights"/> (a shard of the masters and of the optimizer state
/// per rank); see docs/architecture.md. The model is moved to <see cref="TrainerOptions.Device"/>; batches are moved to
/// it. Not thread-safe.
/// </summary>
public sealed partial class Trainer
{
    readonly nn.Module _model;
    readonly Func<TrainingBatch, TrainingLoss> _loss;

    /// <param name="model">The module whose parameters are trained (switched to training mode, and to evaluation mode
    /// while evaluating; in bf16 it computes in bf16 during <see cref="Run"/> and is returned in fp32).</param>
    /// <param name="loss">(x, y) → scalar mean loss per target; it runs the model.</param>
    /// <param name="options">Validated here.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public Trainer(nn.Module model, Func<Tensor, Tensor, Tensor> loss, TrainerOptions options)
        : this(model, WrapLoss(loss), options) { }

    /// <summary>A trainer whose loss reads the whole <see cref="TrainingBatch"/> (positions and attention mask of packed
    /// rows: supervised fine-tuning). Only the parameters that require gradients are trained (frozen ones — a LoRA
    /// base — are neither updated nor saved in checkpoints).</summary>
    /// <param name="model">As above.</param>
    /// <param name="loss">batch → scalar mean loss per target (targets of −1 excluded); it runs the model.</param>
    /// <param name="options">Validated here.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public Trainer(nn.Module model, Func<TrainingBatch, Tensor> loss, TrainerOptions options)
        : this(model, WrapLoss(loss), options) { }

    /// <summary>
    /// The general trainer: batches of any shape (a <see cref="TrainingBatch"/> carries named <see cref="TrainingBatch.Extras"/>
    /// beside X and Y: DPO's reference log-probabilities, PPO's advantages and old log-probabilities) and a loss callback
    /// that returns the loss and its metrics (<see cref="TrainingLoss"/>), which every step's <see cref="StepMetrics.Values"/>
    /// and <c>metrics.jsonl</c> record. SFT, the reward model, DPO and PPO all train through this one loop, with its
    /// checkpoints and exact resume. Only the parameters that require gradients are trained.
    /// </summary>
    /// <param name="model">As above.</param>
    /// <param name="loss">batch → (scalar loss, metrics); it runs the model. For <see cref="Evaluate(EvalSet)"/> the loss
    /// is weighted by the batch's targets ≠ −1.</param>
    /// <param name="options">Validated here.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public Trainer(nn.Module model, Func<TrainingBatch, TrainingLoss> loss, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (_model, _loss, Options) = (model, loss, options);
    }

    static Func<TrainingBatch, Tensor> WrapLoss(Func<Tensor, Tensor, Tensor> loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return b => loss(b.X, b.Y);
    }

    static Func<TrainingBatch, TrainingLoss> WrapLoss(Func<TrainingBatch, Tensor> loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return b => loss(b);
    }

    public TrainerOptions Options { get; }

    /// <summary>Data-parallel training across ranks (DDP or a ZeRO stage; the same object on no two ranks), or null for one
    /// process. Each rank's batches are its shard of the global batch (<see cref="Distributed.RankBatches"/>).</summary>
    public Distributed.ShardedDataParallel? DataParallel { get; init; }

    /// <summary>
    /// Builds the optimizer over the weights the trainer updates — (name, parameter) pairs: the module's trainable
    /// parameters in fp32, their fp32 master copies in bf16 — for example one of our from-scratch optimizers
    /// (<see cref="Sgd"/>, <see cref="Adam"/>, <see cref="OptimizerSpec.Create(IEnumerable{ParameterGroup})"/>). Null (the default) = AdamW
    /// from <see cref="Options"/> (learning rate, β₁, β₂, ε, weight decay on matrices only). The trainer owns and disposes
    /// what it returns, sets its <see cref="IOptimizer.LearningRate"/> from the options' schedule before every step, and
    /// saves its state (<see cref="IOptimizer.NamedStateTensors"/>, step counts, its type) in checkpoints; a resume
    /// refuses a checkpoint written with another optimizer type. With a factory, the options' β₁, β₂, ε and weight decay
    /// are not used (the optimizer has its own), and resuming checks the optimizer's type but not its settings: name
    /// them in <see cref="CheckpointOptions.Config"/> to have them checked.
    /// </summary>
    public Func<IReadOnlyList<(string Name, TorchSharp.Modules.Parameter Parameter)>, IOptimizer>? OptimizerFactory { get; init; }

    /// <summary>
    /// Trains for <see cref="TrainerOptions.Steps"/> steps (or until the time budget or <see cref="TrainerOptions.StopAtStep"/>).
    /// <paramref name="onStep"/> and <paramref name="onEval"/> see every record as it is made; <paramref name="log"/>
    /// gets the one-line step log. With <paramref name="checkpoints"/>, checkpoints and <c>metrics.jsonl</c> are
    /// written to its directory (which must hold no checkpoint unless resuming from its newest). With
    /// <paramref name="resumeFrom"/> (a checkpoint directory, or a run directory meaning its newest checkpoint), the run
    /// continues from that step; the result then includes the metrics from before.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss or the gradient norm was NaN or infinite.</exception>
    /// <exception cref="InputException">The checkpoint to resume is missing, damaged or of an incompatible config, or the
    /// checkpoint directory already holds checkpoints: nothing is written then.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; it is checked
    /// between steps, and with <paramref name="checkpoints"/> the steps done since the last checkpoint are saved first.</exception>
    public TrainingResult Run(IBatchProvider batches, EvalSet? validation = null, Action<StepMetrics>? onStep = null,
        Action<EvalMetrics>? onEval = null, Action<string>? log = null, CancellationToken cancellationToken = default,
        CheckpointOptions? checkpoints = null, string? resumeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var o = Options;
        checkpoints?.Validate();
        if ((checkpoints is not null || resumeFrom is not null) && batches is not IResumableBatchProvider)
            throw new ArgumentException("checkpoints and resuming need a batch provider whose position can be saved (IResumableBatchProvider)", nameof(batches));
        // Everything that can refuse the run is checked before anything is moved or written.
        // A checkpoint of one process resumed by one process loads as it always did; any other (a data-parallel one, or
        // one resumed by ranks) goes through its layout manifest — the same values at the same world size and stage,
        // resharded at another (Distributed.UnshardedState).
        var resumeSet = resumeFrom is null ? null : Distributed.ShardedCheckpoint.Find(resumeFrom);
        int world = DataParallel?.WorldSize ?? 1;
        var resume = resumeSet?.PartFor(DataParallel?.Rank ?? 0);
        string? savedStage = (string?)resume?.Json[Distributed.ShardLayout.Key]?["stage"];
        const string one = Distributed.ShardLayout.OneProcess;
        string stage = DataParallel is null ? one : Distributed.ShardedDataParallel.StageName(DataParallel.Stage);
        bool plain = resumeSet is { WorldSize: 1 } && DataParallel is null && savedStage is null or one;
        bool resharded = resumeSet is not null && (resumeSet.WorldSize != world || (savedStage ?? one) != stage);
        if (resume is not null) CheckCompatible(resume, checkpoints?.Config, resumeSet!.WorldSize, world);
        if (resumeSet is not null && !plain)
            Distributed.UnshardedState.Check(resumeSet,
                _model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList());
        if (checkpoints is not null) CheckDirectory(checkpoints.Directory, resume);
        Device device;
        try { device = TorchRuntime.ResolveDevice(o.Device); }
        catch (ArgumentException e) { throw new InputException("trainer.device: " + e.Message, e); }
        if (resume is not null && !resharded) CheckThreads(resume, device); // resharding changes the sums' order anyway
        if (checkpoints is not null)
        {
            Directory.CreateDirectory(checkpoints.Directory);
            checkpoints.OnStart?.Invoke(checkpoints.Directory);
        }
        _model.to(device);

        var weights = new TrainingWeights(_model, o.Precision);
        if (DataParallel is not null && OptimizerFactory is not null)
            throw new InvalidOperationException("data-parallel training shards AdamW itself: an optimizer factory cannot be combined with it");
        var optimizer = DataParallel?.Attach(_model, weights.Masters, o)
            ?? OptimizerFactory?.Invoke(weights.Masters)
            ?? new AdamW(ParameterGroup.DecayMatricesOnly(weights.Masters, o.WeightDecay), o.LearningRate, o.Beta1, o.Beta2, o.Eps,
                o.WeightDecay);
        long tokensPerStep = o.TokensPerStep * (DataParallel?.WorldSize ?? 1); // every rank's tokens
        var schedule = o.Schedule;
        var run = new RunState();
        using var metrics = checkpoints is null ? null : new MetricsFile(Path.Combine(checkpoints.Directory, "metrics.jsonl"));
        try
        {
            void Eval(int step)
            {
                if (validation is null) return;
                var e = new EvalMetrics(step, Evaluate(validation, device), run.Tokens, run.Seconds);
                run.Evals.Add(e);
                metrics?.Append(e);
                onEval?.Invoke(e);
            }

            if (resume is not null)
            {
                if (plain) Restore(resume, weights, optimizer, (IResumableBatchProvider)batches, run);   // 1. continue where it stopped
                else RestoreUnsharded(resumeSet!, resume, weights, optimizer, (IResumableBatchProvider)batches, run);
                metrics?.Rewrite(run.Steps, run.Evals);
            }
            else
            {
                metrics?.Rewrite([], []);                                                   // a fresh file
                Eval(0);                                                                    // 1. the initial loss
            }
            _model.train();
            int last = o.StopAtStep ?? o.Steps, saved = run.Step;
            for (int step = run.Step + 1; step <= last; step++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    // Stopped between steps (Ctrl-C): leave the state reached so far as a checkpoint, resumable exactly.
                    if (checkpoints is not null && run.Step > saved)
                        Save(checkpoints, run, weights, optimizer, (IResumableBatchProvider)batches);
                    cancellationToken.ThrowIfCancellationRequested();
                }
                if (o.TimeBudgetSeconds is { } budget && run.Seconds >= budget && step > o.MinSteps) { run.BudgetStop = true; break; }
                double lr = schedule.At(step - 1);
                long start = Stopwatch.GetTimestamp();
                var (loss, norm, values) = Step(step, lr, batches, device, weights, optimizer);         // 2. one step
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                run.Seconds += ms / 1e3;
                run.Tokens += tokensPerStep;
                run.Step = step;
                double tokensPerSecond = tokensPerStep / (ms / 1e3);
                double? mfu = o.FlopsPerToken is { } f && o.PeakFlops is { } peak ? f * tokensPerSecond / peak : null;
                var m = new StepMetrics(step, loss, lr, norm, ms, tokensPerSecond, run.Tokens, run.Seconds, mfu, values);
                run.Steps.Add(m);
                metrics?.Append(m);
                onStep?.Invoke(m);
                if (log is not null && (step == 1 || step % o.LogEvery == 0)) log(m.ToLogLine());      // 3. log, evaluate, save
                bool save = checkpoints is not null && (step % checkpoints.Every == 0 || step == last);
                if (step % o.EvalEvery == 0 || (save && validation is not null)) Eval(step);
                if (save) Save(checkpoints!, run, weights, optimizer, (IResumableBatchProvider)batches);
                if (save) saved = step;
            }
            if (run.Steps.Count > 0 && (run.Evals.Count == 0 || run.Evals[^1].Step != run.Step)) Eval(run.Step);
            // A run the time budget ended early still leaves its final state, resumable.
            if (checkpoints is not null && run.Step > saved) Save(checkpoints, run, weights, optimizer, (IResumableBatchProvider)batches);
            DataParallel?.Finish();                                                         // ZeRO-3: the full weights back
            return new TrainingResult(run.Steps, run.Evals, run.Seconds, run.Tokens, run.BudgetStop);
        }
        finally
        {
            optimizer.Dispose();
            weights.Finish();
            weights.Dispose();
        }
    }

    /// <summary>One optimizer step over Accumulation micro-batches: (mean loss, gradient norm before clipping, the loss
    /// callback's metrics averaged over the micro-batches or null when it gave none).</summary>
    (double Loss, double Norm, IReadOnlyDictionary<string, double>? Values) Step(int step, double lr, IBatchProvider batches, Device device,
        TrainingWeights weights, IOptimizer optimizer)
    {
        var o = Options;
        using var scope = NewDisposeScope();
        optimizer.LearningRate = lr;
        weights.ZeroGrad();
        DataParallel?.BeginStep();                   // ZeRO-3: the root unit's parameters for this step
        double total = 0;
        SortedDictionary<string, double>? values = null;
        for (int micro = 0; micro < o.Accumulation; micro++)
        {
            var (l, metrics) = _loss(batches.Next().To(device));
            foreach (var (name, v) in metrics ?? new Dictionary<string, double>())
            {
                values ??= new SortedDictionary<string, double>(StringComparer.Ordinal);
                values[name] = values.GetValueOrDefault(name) + v / o.Accumulation;
            }
            double value = l.detach().to(float64).item<double>();
            if (!double.IsFinite(value)) throw new TrainingDivergedException(step, "loss", value, lr);
            total += value;
            // Each micro-batch's mean loss / k: the gradients summed over k micro-batches are those of the mean over all.
            (o.Accumulation == 1 ? l : l / o.Accumulation).backward();
        }
        weights.GradientsToMasters();
        // Data parallelism reduces the gradients across ranks, clips and steps in its own way. With no clip the norm is
        // only measured; a non-finite norm updates nothing.
        double norm = DataParallel?.Step(weights.Masters, o.GradClip)
            ?? GradientClipping.ClipGlobalNorm(weights.Masters.Select(p => (Tensor)p.Parameter), o.GradClip);
        if (!double.IsFinite(norm)) throw new TrainingDivergedException(step, "gradient norm", norm, lr);
        if (DataParallel is null) optimizer.Step();
        weights.MastersToModule();
        double loss = total / o.Accumulation;
        return (DataParallel?.MeanAcrossRanks(loss) ?? loss, norm, values);
    }

    /// <summary>Mean loss per target over <paramref name="set"/>, without gradients, in evaluation mode (dropout off);
    /// the model's mode is restored afterwards. Batches are moved to the model's device.</summary>
    public double Evaluate(EvalSet set) => Evaluate(set, null);

    double Evaluate(EvalSet set, Device? device)
    {
        ArgumentNullException.ThrowIfNull(set);
        bool wasTraining = _model.training;
        _model.eval();
        DataParallel?.BeginEvaluation();             // ZeRO-3: the root unit's parameters (the blocks gather their own)
        try
        {
            using var noGrad = no_grad();
            double total = 0;
            long count = 0;
            foreach (var b in set.Batches)
            {
                using var scope = NewDisposeScope();
                var batch = device is null ? b : b.To(device);
                long n = (batch.Y >= 0).sum().item<long>(); // targets of −1 (padding, prompts) are not in the mean
                if (n == 0) continue;
                total += _loss(batch).Loss.to(float64).item<double>() * n; // mean per target × targets: exact with a short last batch
                count += n;
            }
            return total / count;
        }
        finally
        {
            DataParallel?.EndEvaluation();
            _model.train(wasTraining);
        }
    }

    /// <summary>What a run has done so far (restored from a checkpoint when resuming).</summary>
    sealed class RunState
    {
        public int Step;
        public long Tokens;
        public double Seconds;
        public bool BudgetStop;
        public List<StepMetrics> Steps { get; } = [];
        public List<EvalMetrics> Evals { get; } = [];
    }
}
