using LlmLab.Optim;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Optim;

public class RosenbrockAndGridTests
{
    public RosenbrockAndGridTests() => TorchRuntime.EnsureLoaded(1);

    [Fact]
    public void Rosenbrock_values_and_gradient_by_hand()
    {
        Assert.Equal(0, Rosenbrock.Value(1, 1));
        Assert.Equal(12.5, Rosenbrock.Value(-1.5, 2), 12);   // 2.5² + 100·(2 − 2.25)²
        using var scope = NewDisposeScope();
        var xy = tensor(new[] { -1.5, 2.0 }, float64).requires_grad_();
        Rosenbrock.Value(xy).backward();
        var g = xy.grad!.data<double>().ToArray();
        Assert.Equal(-2 * 2.5 - 400 * -1.5 * (2 - 2.25), g[0], 10); // ∂f/∂x = −2(1 − x) − 400x(y − x²) = −155
        Assert.Equal(200 * (2 - 2.25), g[1], 10);                   // ∂f/∂y = 200(y − x²) = −50
        var grid = Rosenbrock.Grid(-2, 2, -1, 3, 5, 5);
        Assert.Equal(Rosenbrock.Value(1, 1), grid[2, 3]);          // x = 1 is column 3, y = 1 is row 2
    }

    [Fact]
    public void Descent_lowers_f_and_our_path_is_the_builtin_path()
    {
        foreach (var (spec, steps, target) in new[] { (new OptimizerSpec(OptimizerKind.Adam, 0.1, WeightDecay: 0.01), 500, 0.5),
                     (new OptimizerSpec(OptimizerKind.Sgd, 1e-3, Momentum: 0.9), 1000, 0.01) })
        {
            var ours = Rosenbrock.Descend(spec, -1.5, 2, steps);
            var theirs = Rosenbrock.Descend(spec, -1.5, 2, steps, builtIn: true);
            Assert.Equal(steps + 1, ours.Count);
            Assert.True(ours[^1].F < target, $"{spec.Label}: f = {ours[^1].F}");
            Assert.Equal(theirs[^1].X, ours[^1].X);
            Assert.Equal(theirs[^1].Y, ours[^1].Y);
        }
        // A learning rate far too large for SGD diverges, and the path stops at the first non-finite point.
        var blowUp = Rosenbrock.Descend(new OptimizerSpec(OptimizerKind.Sgd, 0.1), -1.5, 2, 100);
        Assert.True(blowUp.Count < 101 && !double.IsFinite(blowUp[^1].F));
    }

    [Fact]
    public void Grid_finds_the_best_rate_per_decay_and_its_spread()
    {
        double inf = double.PositiveInfinity;
        var grid = new LrDecayGrid([1e-3, 1e-2, 1e-1], [0.0, 0.1, 1.0], new double[,]
        {
            { 2.0, 1.5, 1.8 },   // best 1e-2
            { 1.9, 1.7, 1.6 },   // best 1e-1
            { inf, double.NaN, inf }, // all diverged
        });
        Assert.Equal([1, 2, -1], Enumerable.Range(0, 3).Select(grid.BestLrIndex));
        Assert.Equal(1.0, grid.Log10BestLrSpread(), 12);
        Assert.Equal(1.5, grid.BestLoss());
        Assert.True(double.IsNaN(grid.BestLearningRates()[2]));
        Assert.Contains("loss must be 2 decays × 3 learning rates", Assert.Throws<ArgumentException>(
            () => new LrDecayGrid([1, 2, 3], [0, 1], new double[3, 3])).Message);
    }
}
