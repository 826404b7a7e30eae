using static TorchSharp.torch;

namespace LlmLab.Optim;

/// <summary>
/// Rosenbrock's banana function f(x, y) = (1 − x)² + 100(y − x²)² (Rosenbrock 1960): minimum 0 at (1, 1) at the
/// bottom of a long, curved, flat-floored valley — easy to reach, slow to follow, the classic test of how an
/// optimizer copes with ill-conditioning. Thread-safe (except <see cref="Descend"/>, which uses libtorch).
/// </summary>
public static class Rosenbrock
{
    /// <summary>f(x, y).</summary>
    public static double Value(double x, double y) => (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);

    /// <summary>f of a (2,) tensor [x, y], as a scalar tensor (differentiable).</summary>
    public static Tensor Value(Tensor xy)
    {
        var x = xy[0];
        var y = xy[1];
        return (1 - x).square() + 100 * (y - x.square()).square();
    }

    /// <summary>
    /// Minimises f from (<paramref name="x0"/>, <paramref name="y0"/>) for <paramref name="steps"/> steps with the optimizer
    /// <paramref name="spec"/> describes — ours, or libtorch's built-in with <paramref name="builtIn"/> — in float64 so
    /// the path is the optimizer's and not rounding's. Returns the start and every point after it as (x, y, f); stops
    /// after the first point where f is no longer finite (a diverging run).
    /// </summary>
    public static IReadOnlyList<(double X, double Y, double F)> Descend(OptimizerSpec spec, double x0, double y0, int steps,
        bool builtIn = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        Runtime.TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var xy = new TorchSharp.Modules.Parameter(tensor(new[] { x0, y0 }, float64));
        var path = new List<(double, double, double)> { (x0, y0, Value(x0, y0)) };
        IOptimizer? ours = builtIn ? null : spec.Create([xy]);
        optim.Optimizer? theirs = builtIn ? spec.CreateBuiltIn([xy]) : null;
        try
        {
            for (int i = 0; i < steps; i++)
            {
                using var stepScope = NewDisposeScope();
                if (ours is not null) ours.ZeroGrad(); else theirs!.zero_grad();
                Value(xy).backward();
                if (ours is not null) ours.Step(); else theirs!.step();
                var p = xy.data<double>().ToArray();
                double f = Value(p[0], p[1]);
                path.Add((p[0], p[1], f));
                if (!double.IsFinite(f)) break;
            }
        }
        finally
        {
            ours?.Dispose();
            theirs?.Dispose();
        }
        return path;
    }

    /// <summary>f on an nx × ny grid over [xMin, xMax] × [yMin, yMax]: result[i, j] = f(x_j, y_i), row i = y.</summary>
    public static double[,] Grid(double xMin, double xMax, double yMin, double yMax, int nx, int ny)
    {
        if (nx < 2 || ny < 2) throw new ArgumentOutOfRangeException(nameof(nx), $"the grid needs at least 2 × 2 points (got {nx} × {ny})");
        var z = new double[ny, nx];
        for (int i = 0; i < ny; i++)
            for (int j = 0; j < nx; j++)
                z[i, j] = Value(xMin + (xMax - xMin) * j / (nx - 1), yMin + (yMax - yMin) * i / (ny - 1));
        return z;
    }
}
