using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn.Landscape;

/// <summary>
/// Evaluates a classifier's (here: a language model's) loss at points of parameter space on one FIXED evaluation
/// batch, after Li et al. 2018: 1-D linear interpolation between two solutions (their §3, after Goodfellow et al.
/// 2015), 1-D and 2-D slices along filter-normalised random directions around a minimum θ* (§4–§5), and a sharpness
/// figure derived from them. Every scan evaluates in no-grad, eval mode, and puts the model's weights (bit for bit)
/// and its training flag back when it ends, also on error.
/// <para>The model and the batch stay owned by the caller and must outlive this object. Not thread-safe: a scan
/// writes into the model's parameters.</para>
/// </summary>
public sealed class LossLandscape
{
    readonly nn.Module<Tensor, Tensor> _model;
    readonly Tensor _x, _y;
    readonly int _chunk;

    /// <param name="model">Maps x (N, …) to logits (N, C).</param>
    /// <param name="x">Evaluation inputs (N, …).</param>
    /// <param name="y">Targets (N,) int64.</param>
    /// <param name="chunk">Examples per forward pass; bounds memory on large evaluation sets, does not change the loss
    /// beyond float summation order.</param>
    public LossLandscape(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y, int chunk = 4096)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _x = x ?? throw new ArgumentNullException(nameof(x));
        _y = y ?? throw new ArgumentNullException(nameof(y));
        if (x.shape[0] != y.shape[0] || y.dim() != 1)
            throw new ArgumentException($"x has {x.shape[0]} examples and y has shape [{string.Join(", ", y.shape)}]; y must be (N,) with N = x's rows");
        if (x.shape[0] < 1) throw new ArgumentException("the evaluation batch is empty", nameof(x));
        if (chunk < 1) throw new ArgumentOutOfRangeException(nameof(chunk), $"chunk must be >= 1 (got {chunk})");
        _chunk = chunk;
    }

    /// <summary>Examples in the evaluation batch.</summary>
    public long Examples => _x.shape[0];

    /// <summary>Loss and accuracy of the model as it is now, on the evaluation batch.</summary>
    public LandscapePoint Evaluate()
    {
        bool training = _model.training;
        _model.eval();
        try { return EvaluateCurrent(); }
        finally { _model.train(training); }
    }

    /// <summary>Linear interpolation θ(α) = (1−α)·θ0 + α·θ1 at each α (Li et al. §3; Goodfellow et al. 2015). Exact at
    /// α = 0 and α = 1: the model then holds θ0 or θ1 bit for bit.</summary>
    public LossCurve Interpolate(ParameterVector theta0, ParameterVector theta1, IReadOnlyList<double> alphas) =>
        Scan(alphas, a =>
        {
            using var theta = ParameterVector.Combine(1 - a, theta0, a, theta1);
            theta.CopyTo(_model);
        });

    /// <summary>The 1-D slice L(θ* + α·d) at each α (Li et al. §5, "1D plots" along a filter-normalised d).</summary>
    public LossCurve Slice(ParameterVector center, ParameterVector direction, IReadOnlyList<double> alphas) =>
        Scan(alphas, a => center.CopyTo(_model, a, direction, 0, direction));

    /// <summary>
    /// The 2-D grid L(θ* + α·δ + β·η) for α, β in <see cref="LossGrid.Axis"/>(<paramref name="radius"/>,
    /// <paramref name="points"/>) (Li et al. §5, "contour plots"). <paramref name="onRow"/> is called after each row
    /// of β (for progress).
    /// </summary>
    public LossGrid Grid(ParameterVector center, ParameterVector delta, ParameterVector eta, double radius, int points, Action? onRow = null)
    {
        if (!(radius > 0) || double.IsInfinity(radius)) throw new ArgumentOutOfRangeException(nameof(radius), $"radius must be > 0 (got {radius})");
        double[] axis = LossGrid.Axis(radius, points);
        var loss = new double[points, points];
        var accuracy = new double[points, points];
        WithRestore(() =>
        {
            for (int j = 0; j < points; j++)
            {
                for (int i = 0; i < points; i++)
                {
                    center.CopyTo(_model, axis[i], delta, axis[j], eta);
                    var p = EvaluateCurrent();
                    loss[j, i] = p.Loss;
                    accuracy[j, i] = p.Accuracy;
                }
                onRow?.Invoke();
            }
        });
        return new LossGrid(radius, axis, (double[])axis.Clone(), loss, accuracy);
    }

    /// <summary>
    /// Sharpness at filter-normalised radius ρ, defined here (Li et al. compare sharpness by eye and give no single
    /// figure) as the mean loss increase when stepping ρ along each direction, both ways:
    /// <code>S(ρ) = 1/K Σ_k ( [L(θ* + ρ·d_k) + L(θ* − ρ·d_k)] / 2 − L(θ*) )</code>
    /// Filter normalisation makes S comparable between networks: ρ = 0.1 moves every filter by 10% of its own norm.
    /// A flat minimum has a small S, a sharp one a large S.
    /// </summary>
    public SharpnessEstimate Sharpness(ParameterVector center, IReadOnlyList<ParameterVector> directions, double rho)
    {
        if (directions.Count == 0) throw new ArgumentException("give at least one direction", nameof(directions));
        if (!(rho > 0) || double.IsInfinity(rho)) throw new ArgumentOutOfRangeException(nameof(rho), $"rho must be > 0 (got {rho})");
        double c = Slice(center, directions[0], [0.0]).Points[0].Loss;
        var increases = directions.Select(d =>
        {
            var curve = Slice(center, d, [-rho, rho]);
            return (curve.Points[0].Loss + curve.Points[1].Loss) / 2 - c;
        }).ToList();
        return new SharpnessEstimate(rho, c, increases);
    }

    LossCurve Scan(IReadOnlyList<double> alphas, Action<double> place)
    {
        if (alphas.Count == 0) throw new ArgumentException("give at least one coordinate", nameof(alphas));
        var points = new LandscapePoint[alphas.Count];
        WithRestore(() =>
        {
            for (int i = 0; i < alphas.Count; i++)
            {
                place(alphas[i]);
                points[i] = EvaluateCurrent();
            }
        });
        return new LossCurve(alphas.ToArray(), points);
    }

    /// <summary>Runs <paramref name="scan"/> in eval mode, then restores the weights it found, bit for bit.</summary>
    void WithRestore(Action scan)
    {
        bool training = _model.training;
        using var saved = ParameterVector.Of(_model);
        _model.eval();
        try { scan(); }
        finally
        {
            saved.CopyTo(_model);
            _model.train(training);
        }
    }

    /// <summary>Mean cross-entropy and accuracy over the batch, summed per chunk in float64.</summary>
    LandscapePoint EvaluateCurrent()
    {
        using var _ = no_grad();
        long n = _x.shape[0];
        double lossSum = 0, correct = 0;
        for (long start = 0; start < n; start += _chunk)
        {
            using var scope = NewDisposeScope();
            long len = Math.Min(_chunk, n - start);
            var x = _x.narrow(0, start, len);
            var y = _y.narrow(0, start, len);
            var logits = _model.call(x);                                                     // (n, C)
            lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).to_type(ScalarType.Float64).item<double>();
            correct += logits.argmax(1).eq(y).sum().to_type(ScalarType.Float64).item<double>();
        }
        return new LandscapePoint(lossSum / n, correct / n);
    }
}
