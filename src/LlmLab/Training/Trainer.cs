using System.Diagnostics;
using TorchSharp;
using LlmLab.Data;
using static TorchSharp.torch;

namespace LlmLab.Training;

/// <summary>
/// A simple, reusable training loop (the shape of nanoGPT's <c>train.py</c> without its distributed parts):
/// <list type="number">
/// <item>Evaluate on the fixed validation set before the first step (the initial loss: ln V for a fresh language model).</item>
/// <item>Each step, in its own dispose scope: take a batch, forward, loss; stop with <see cref="TrainingDivergedException"/>
/// if it is not finite; backward; clip the global gradient norm; AdamW update (TorchSharp's).</item>
/// <item>Log the one-line step summary every <see cref="TrainerOptions.LogEvery"/> steps; evaluate every
/// <see cref="TrainerOptions.EvalEvery"/> steps and at the end; stop early when the time budget is spent (but not before
/// <see cref="TrainerOptions.MinSteps"/>).</item>
/// </list>
/// The loss function maps a batch (x, y) to the mean loss per target; the same function scores the validation set.
/// Deterministic given the model's initial weights, the batch provider's seed and one intra-op thread. Not thread-safe.
/// </summary>
public sealed class Trainer
{
    readonly nn.Module _model;
    readonly Func<Tensor, Tensor, Tensor> _loss;

    /// <param name="model">The module whose parameters are trained (switched to training mode, and to evaluation mode while evaluating).</param>
    /// <param name="loss">(x, y) → scalar mean loss per target; it runs the model.</param>
    /// <param name="options">Validated here.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public Trainer(nn.Module model, Func<Tensor, Tensor, Tensor> loss, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (_model, _loss, Options) = (model, loss, options);
    }

    public TrainerOptions Options { get; }

    /// <summary>
    /// Trains for <see cref="TrainerOptions.Steps"/> steps or until the time budget is spent. <paramref name="onStep"/>
    /// and <paramref name="onEval"/> see every record as it is made (to log metrics or move a progress bar);
    /// <paramref name="log"/> gets the one-line step log.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss or the gradient norm was NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public TrainingResult Run(IBatchProvider batches, EvalSet? validation = null, Action<StepMetrics>? onStep = null,
        Action<EvalMetrics>? onEval = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var o = Options;
        var parameters = _model.parameters().ToList();
        using var optimizer = optim.AdamW(parameters, o.LearningRate, o.Beta1, o.Beta2, weight_decay: o.WeightDecay);
        var steps = new List<StepMetrics>();
        var evals = new List<EvalMetrics>();
        double seconds = 0;
        long tokens = 0;
        bool budgetStop = false;

        void Eval(int step)
        {
            if (validation is null) return;
            var e = new EvalMetrics(step, Evaluate(validation), tokens, seconds);
            evals.Add(e);
            onEval?.Invoke(e);
        }

        Eval(0);                                                            // 1. the initial loss
        _model.train();
        for (int step = 1; step <= o.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (o.TimeBudgetSeconds is { } budget && seconds >= budget && step > o.MinSteps) { budgetStop = true; break; }
            long start = Stopwatch.GetTimestamp();
            double loss, norm;
            long stepTokens;
            using (var scope = NewDisposeScope())                           // 2. one step
            {
                var (x, y) = batches.Next();
                stepTokens = y.numel();
                optimizer.zero_grad();
                var l = _loss(x, y);
                loss = l.detach().to(float64).item<double>();
                if (!double.IsFinite(loss)) throw new TrainingDivergedException(step, "loss", loss, o.LearningRate);
                l.backward();
                // With no clip the norm is measured and nothing is scaled (a factor of min(1, ∞) = 1).
                norm = nn.utils.clip_grad_norm_(parameters, o.GradClip > 0 ? o.GradClip : double.PositiveInfinity);
                if (!double.IsFinite(norm)) throw new TrainingDivergedException(step, "gradient norm", norm, o.LearningRate);
                optimizer.step();
            }
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            seconds += ms / 1e3;
            tokens += stepTokens;
            var m = new StepMetrics(step, loss, o.LearningRate, norm, ms, stepTokens / (ms / 1e3), tokens, seconds);
            steps.Add(m);
            onStep?.Invoke(m);
            if (log is not null && (step == 1 || step % o.LogEvery == 0)) log(m.ToLogLine()); // 3. log, evaluate
            if (step % o.EvalEvery == 0) Eval(step);
        }
        if (steps.Count > 0 && (evals.Count == 0 || evals[^1].Step != steps.Count)) Eval(steps.Count);
        return new TrainingResult(steps, evals, seconds, tokens, budgetStop);
    }

    /// <summary>Mean loss per target over <paramref name="set"/>, without gradients, in evaluation mode (dropout off);
    /// the model's mode is restored afterwards.</summary>
    public double Evaluate(EvalSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        bool wasTraining = _model.training;
        _model.eval();
        try
        {
            using var noGrad = no_grad();
            double total = 0;
            long count = 0;
            foreach (var (x, y) in set.Batches)
            {
                using var scope = NewDisposeScope();
                long n = y.numel();
                total += _loss(x, y).to(float64).item<double>() * n; // mean per target × targets: exact with a short last batch
                count += n;
            }
            return total / count;
        }
        finally
        {
            _model.train(wasTraining);
        }
    }
}
