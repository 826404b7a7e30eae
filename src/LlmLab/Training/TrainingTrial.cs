using LlmLab.Data;
using LlmLab.Optim;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Training;

/// <summary>
/// A short, plain run of a classifier-shaped model (logits (B, V) from inputs; a byte-level MLP language model predicts
/// the next byte of a window) for comparing optimizers (lab 2.3) or producing trained minima (lab 2.2): minibatch
/// cross-entropy, one update of one of our optimizers per batch, a constant learning rate, no clipping, then the mean
/// loss on a fixed validation set. It is <see cref="Trainer"/>'s loop, with the optimizer built from an
/// <see cref="OptimizerSpec"/> over every parameter (one group, the spec's weight decay on all of them). A run whose
/// loss or gradient norm stops being finite — what too large a learning rate does — ends there and says so. Not
/// thread-safe; runs on the CPU.
/// </summary>
public static class TrainingTrial
{
    /// <summary>Validation rows evaluated per forward pass (bounds the logits' memory on a large set).</summary>
    const int EvalChunk = 4096;

    /// <summary>
    /// Trains <paramref name="model"/> in place with <paramref name="optimizer"/> for <paramref name="steps"/> steps on
    /// <paramref name="batch"/>(step) (0-based; x and y tensors that join the step's dispose scope), then evaluates on
    /// <paramref name="validation"/> (not disposed). <paramref name="onStep"/> sees (step, training loss) after each
    /// step (1-based).
    /// </summary>
    /// <returns>The training loss of each step that ran (including the non-finite one of a diverged run), and the
    /// validation loss: +∞ when the run diverged, NaN when no validation set was given.</returns>
    public static TrialResult Run(nn.Module<Tensor, Tensor> model, OptimizerSpec optimizer, Func<int, (Tensor X, Tensor Y)> batch,
        int steps, (Tensor X, Tensor Y)? validation = null, Action<int, double>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        // Batch and context only size the tokens-per-second figure, which a trial does not report. No time budget,
        // no clipping (GradClip = 0 measures the norm only) and evaluation only at the end.
        var options = new TrainerOptions(Steps: Math.Max(steps, 1), Batch: 1, Context: 1, LearningRate: optimizer.LearningRate, GradClip: 0,
            EvalEvery: Math.Max(steps, 1), LogEvery: Math.Max(steps, 1));
        var trainer = new Trainer(model, (x, y) => nn.functional.cross_entropy(model.call(x), y), options)
        {
            OptimizerFactory = masters => optimizer.Create([new ParameterGroup("default", masters)]),
        };
        var losses = new List<double>(steps);
        if (steps > 0)
        {
            try
            {
                trainer.Run(new StepBatches(batch), onStep: m =>
                {
                    losses.Add(m.Loss);
                    onStep?.Invoke(m.Step, m.Loss);
                });
            }
            catch (TrainingDivergedException e)
            {
                // The loss itself is recorded (a NaN or ∞ on the curve); a non-finite gradient norm stops before the
                // step's record, so the curve ends at the last finite step.
                if (e.Quantity == "loss") losses.Add(e.Value);
                return new TrialResult(losses, double.PositiveInfinity, Diverged: true);
            }
        }
        if (validation is not { } v) return new TrialResult(losses, double.NaN, Diverged: false);
        using var set = new EvalSet(Chunks(v));
        double val = trainer.Evaluate(set);
        return new TrialResult(losses, double.IsFinite(val) ? val : double.PositiveInfinity, Diverged: !double.IsFinite(val));
    }

    /// <summary>Views of (x, y) in rows of <see cref="EvalChunk"/>: the set disposes the views, not the caller's tensors.</summary>
    static IEnumerable<(Tensor X, Tensor Y)> Chunks((Tensor X, Tensor Y) data)
    {
        long n = data.Y.shape[0];
        for (long start = 0; start < n; start += EvalChunk)
        {
            long len = Math.Min(EvalChunk, n - start);
            yield return (data.X.narrow(0, start, len), data.Y.narrow(0, start, len));
        }
    }

    /// <summary>The caller's batch function as the trainer's batch provider, counting steps from 0.</summary>
    sealed class StepBatches(Func<int, (Tensor X, Tensor Y)> batch) : IBatchProvider
    {
        int _step;

        public TrainingBatch Next() => batch(_step++);
    }
}
