using static TorchSharp.torch;

namespace LlmLab.Optim;

/// <summary>
/// A short, plain training run for comparing optimizers: minibatch cross-entropy, one optimizer step per batch,
/// an optional learning-rate schedule, then the mean loss on a fixed validation set. Stops early (and says so)
/// when the loss stops being finite — what too large a learning rate does. Not thread-safe.
/// </summary>
public static class TrainingTrial
{
    /// <summary>
    /// Trains <paramref name="model"/> (logits (B, V) from inputs) in place with <paramref name="optimizer"/> for
    /// <paramref name="steps"/> steps on <paramref name="batch"/>(step) — x and y tensors that join the step's dispose
    /// scope — and evaluates on <paramref name="validation"/> (not disposed; evaluated in chunks of 4,096 rows).
    /// </summary>
    public static TrialResult Run(nn.Module<Tensor, Tensor> model, IOptimizer optimizer, Func<int, (Tensor X, Tensor Y)> batch, int steps,
                                  (Tensor X, Tensor Y) validation, LrSchedule? schedule = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var losses = new List<double>(steps);
        model.train();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            if (schedule is not null) optimizer.LearningRate = schedule.At(step);
            var (x, y) = batch(step);
            optimizer.ZeroGrad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            double value = loss.item<float>();
            losses.Add(value);
            if (!double.IsFinite(value)) return new TrialResult(losses, double.PositiveInfinity, Diverged: true);
            loss.backward();
            optimizer.Step();
        }
        double val = Evaluate(model, validation);
        return new TrialResult(losses, double.IsFinite(val) ? val : double.PositiveInfinity, Diverged: !double.IsFinite(val));
    }

    /// <summary>Mean cross-entropy (nats) of <paramref name="model"/> on (x, y), without gradients, in chunks.</summary>
    public static double Evaluate(nn.Module<Tensor, Tensor> model, (Tensor X, Tensor Y) data, int chunk = 4096)
    {
        using var noGrad = no_grad();
        model.eval();
        long n = data.Y.shape[0];
        double sum = 0;
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = NewDisposeScope();
            long len = Math.Min(chunk, n - start);
            var logits = model.call(data.X.narrow(0, start, len));                   // (len, V)
            sum += nn.functional.cross_entropy(logits, data.Y.narrow(0, start, len), reduction: nn.Reduction.Sum).item<float>();
        }
        model.train();
        return sum / n;
    }
}
