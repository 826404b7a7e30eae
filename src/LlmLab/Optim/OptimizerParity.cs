using LlmLab.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Optim;

/// <summary>
/// Verifies one of our optimizers against libtorch's built-in, step for step: two copies of a model with identical
/// weights see the same batches; after every step the parameters are compared element by element. Because both
/// copies start equal and our updates use the same tensor operations in the same order, any difference is a
/// difference in the update rule. Not thread-safe (uses libtorch's global state only through the model factory).
/// </summary>
public static class OptimizerParity
{
    /// <summary>
    /// Trains two copies of <paramref name="makeModel"/>()'s model for <paramref name="steps"/> steps with cross-entropy
    /// on <paramref name="batch"/>(step) — one with
    /// <paramref name="spec"/>.<see cref="OptimizerSpec.Create(IEnumerable{ParameterGroup})"/>, one with its built-in — and returns the
    /// largest parameter difference seen. With <paramref name="decayMatricesOnly"/> both use two groups
    /// (<see cref="ParameterGroup.DecayMatricesOnly"/>); with <paramref name="schedule"/> both get the same learning rate before every
    /// step. <paramref name="reference"/> replaces the built-in (to compare with any other optimizer over the same groups). Batches the
    /// callback returns join the step's dispose scope. Disposes everything it creates.
    /// </summary>
    public static ParityResult Compare(Func<nn.Module<Tensor, Tensor>> makeModel, OptimizerSpec spec, Func<int, (Tensor X, Tensor Y)> batch,
                                       int steps, bool decayMatricesOnly = false, LrSchedule? schedule = null,
                                       Func<IReadOnlyList<ParameterGroup>, optim.Optimizer>? reference = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        TorchRuntime.EnsureLoaded();
        using var ours = makeModel();
        using var other = makeModel();
        var a = ours.named_parameters().ToList();
        var b = other.named_parameters().ToList();
        if (a.Count != b.Count) throw new ArgumentException("makeModel must build the same architecture every time");
        using (no_grad())
            for (int i = 0; i < a.Count; i++) b[i].parameter.copy_(a[i].parameter); // 1. identical starting weights

        IReadOnlyList<ParameterGroup> Groups(List<(string, Parameter)> named) =>
            decayMatricesOnly ? ParameterGroup.DecayMatricesOnly(named, spec.WeightDecay) : [new ParameterGroup("default", named)];
        using var optOurs = spec.Create(Groups(a));
        using var optRef = reference is null ? spec.CreateBuiltIn(Groups(b)) : reference(Groups(b));

        var worst = new ParityResult(steps, 0, a[0].name, 0, 1, 0, 0);
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            if (schedule is not null)
            {
                // 2. The same learning rate for both, set through each optimizer's own API.
                double lr = schedule.At(step);
                optOurs.LearningRate = lr;
                foreach (var g in optRef.ParamGroups) g.LearningRate = lr;
            }
            // 3. The same batch, forward, backward and one step on each copy.
            var (x, y) = batch(step);
            optOurs.ZeroGrad();
            nn.functional.cross_entropy(ours.call(x), y).backward();
            optOurs.Step();
            optRef.zero_grad();
            nn.functional.cross_entropy(other.call(x), y).backward();
            optRef.step();
            // 4. Compare every element; remember the worst.
            for (int i = 0; i < a.Count; i++)
            {
                var diff = (a[i].parameter - b[i].parameter).abs().flatten(); // (numel,)
                long at = diff.argmax().item<long>();
                double d = diff[at].ToDouble();
                if (d > worst.MaxAbsDiff || double.IsNaN(d))
                    worst = new ParityResult(steps, double.IsNaN(d) ? double.PositiveInfinity : d, a[i].name, at, step + 1,
                        a[i].parameter.flatten()[at].ToDouble(), b[i].parameter.flatten()[at].ToDouble());
            }
        }
        return worst;
    }
}
