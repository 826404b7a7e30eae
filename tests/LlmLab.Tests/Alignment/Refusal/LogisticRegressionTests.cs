using LlmLab.Alignment.Refusal;
using LlmLab.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Tests.Alignment.Refusal;

/// <summary>Our logistic regression against libtorch: the objective and its gradient equal
/// <c>binary_cross_entropy_with_logits</c> + λ/2‖w‖² and autograd's gradient; the trained weights equal the optimum
/// Newton's method finds with libtorch's autograd Hessian (the problem is strictly convex, so the optimum is unique).</summary>
public sealed class LogisticRegressionTests
{
    static (List<FeatureVector> X, bool[] Y) Data(int n, int d, int seed, bool sparse)
    {
        var rng = new Random(seed);
        var x = new List<FeatureVector>();
        var y = new bool[n];
        double[] truth = Enumerable.Range(0, d).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        for (int i = 0; i < n; i++)
        {
            float[] v = Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            if (sparse)
            {
                int[] idx = Enumerable.Range(0, d).Where(_ => rng.NextDouble() < 0.4).ToArray();
                x.Add(new FeatureVector(idx, idx.Select(j => v[j]).ToArray()));
            }
            else x.Add(FeatureVector.Dense(v));
            double z = x[i].Dot(truth) + 0.3;
            y[i] = rng.NextDouble() < LogisticRegression.Sigmoid(z); // noisy labels: not separable, a finite optimum even as λ → 0
        }
        return (x, y);
    }

    static Tensor Dense(IReadOnlyList<FeatureVector> x, int d)
    {
        var a = new double[x.Count, d];
        for (int i = 0; i < x.Count; i++)
        {
            var row = new double[d];
            x[i].AddTo(row, 1);
            for (int j = 0; j < d; j++) a[i, j] = row[j];
        }
        return tensor(a, ScalarType.Float64);
    }

    static Tensor TorchObjective(Tensor x, Tensor y, Tensor w, Tensor b, double l2) =>
        nn.functional.binary_cross_entropy_with_logits(x.matmul(w) + b, y) + 0.5 * l2 * w.pow(2).sum();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Objective_and_gradient_equal_libtorch_autograd(bool sparse)
    {
        TorchRuntime.EnsureLoaded(1);
        using var scope = NewDisposeScope();
        const int d = 12;
        var (x, y) = Data(50, d, 7, sparse);
        var rng = new Random(1);
        double[] w = Enumerable.Range(0, d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double b = 0.2, l2 = 0.05;
        var (loss, gw, gb) = LogisticRegression.Objective(x, y, w, b, l2);
        var tw = tensor(w, ScalarType.Float64).requires_grad_();
        var tb = tensor(b, ScalarType.Float64).requires_grad_();
        var t = TorchObjective(Dense(x, d), tensor(y.Select(v => v ? 1.0 : 0.0).ToArray(), ScalarType.Float64), tw, tb, l2);
        t.backward();
        Assert.Equal(t.item<double>(), loss, 1e-12);
        Assert.Equal(tb.grad!.item<double>(), gb, 1e-12);
        double[] expected = tw.grad!.data<double>().ToArray();
        for (int j = 0; j < d; j++) Assert.True(Math.Abs(expected[j] - gw[j]) < 1e-12,
            $"grad[{j}]: libtorch {expected[j]} vs ours {gw[j]}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Training_reaches_the_optimum_newtons_method_finds_in_libtorch(bool sparse)
    {
        TorchRuntime.EnsureLoaded(1);
        using var scope = NewDisposeScope();
        const int d = 8;
        const double l2 = 1e-2;
        var (x, y) = Data(120, d, 11, sparse);
        var ours = LogisticRegression.Train(x, y, d, new LogisticRegressionOptions(l2, Tolerance: 1e-11, MaxIterations: 100_000));
        Assert.True(ours.Converged, $"did not converge in {ours.Iterations} iterations");

        // Reference: Newton on θ = (w, b) with libtorch's autograd gradient and Hessian (row by row: ∂(∂L/∂θ_k)/∂θ).
        var X = Dense(x, d);
        var Y = tensor(y.Select(v => v ? 1.0 : 0.0).ToArray(), ScalarType.Float64);
        var theta = zeros(d + 1, ScalarType.Float64);
        for (int it = 0; it < 30; it++)
        {
            var th = theta.detach().requires_grad_();
            var loss = TorchObjective(X, Y, th[..d], th[d], l2);
            var g = autograd.grad([loss], [th], retain_graph: true, create_graph: true)[0];
            var rows = Enumerable.Range(0, d + 1).Select(k => autograd.grad([g[k]], [th], retain_graph: true)[0]).ToArray();
            var h = stack(rows);
            theta = (th - linalg.solve(h, g)).detach();
        }
        double[] reference = theta.data<double>().ToArray();
        for (int j = 0; j < d; j++) Assert.True(Math.Abs(reference[j] - ours.Weights[j]) < 1e-7,
            $"w[{j}]: Newton {reference[j]} vs ours {ours.Weights[j]}");
        Assert.True(Math.Abs(reference[d] - ours.Bias) < 1e-7, $"b: Newton {reference[d]} vs ours {ours.Bias}");
    }

    [Fact]
    public void Bad_training_input_is_refused_with_its_reason()
    {
        var x = new[] { FeatureVector.Dense([1f, 0f]), FeatureVector.Dense([0f, 1f]) };
        Assert.Contains("single class", Assert.Throws<InputException>(() => LogisticRegression.Train(x, [true, true], 2)).Message);
        Assert.Contains("as many labels", Assert.Throws<InputException>(() => LogisticRegression.Train(x, [true], 2)).Message);
        Assert.Contains("l2", Assert.Throws<InputException>(() => LogisticRegression.Train(x, [true, false], 2, new(L2: 0))).Message);
        Assert.Contains("longer than the dimension", Assert.Throws<InputException>(() => LogisticRegression.Train(x, [true, false],
            1)).Message);
    }

    [Fact]
    public void Sigmoid_is_stable_at_the_extremes()
    {
        Assert.Equal(1.0, LogisticRegression.Sigmoid(800));
        Assert.Equal(0.0, LogisticRegression.Sigmoid(-800));
        Assert.Equal(0.5, LogisticRegression.Sigmoid(0));
    }
}
