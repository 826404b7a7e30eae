using System.Text;
using LlmLab.Data;
using LlmLab.Nn;
using LlmLab.Nn.Landscape;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

public class LossLandscapeTests
{
    public LossLandscapeTests() => TorchRuntime.EnsureLoaded(1);

    static readonly byte[] Text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 40)));

    static MlpLanguageModel Model(int seed, bool residual = true)
    {
        manual_seed(seed);
        return new MlpLanguageModel(new MlpLmConfig(Context: 4, Embed: 4, Hidden: 16, Layers: 3, Residual: residual));
    }

    static double DirectLoss(MlpLanguageModel model, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return nn.functional.cross_entropy(model.call(x), y).item<float>();
    }

    [Fact]
    public void Interpolation_at_0_and_1_reproduces_the_losses_of_both_ends_exactly()
    {
        using var scope = NewDisposeScope();
        var (x, y) = ContextWindows.Evenly(Text, 4, 200);
        using var a = Model(1);
        using var b = Model(2);
        using var theta0 = ParameterVector.Of(a);
        using var theta1 = ParameterVector.Of(b);
        var landscape = new LossLandscape(a, x, y, chunk: 64);
        double l0 = landscape.Evaluate().Loss;
        theta1.CopyTo(a);
        double l1 = landscape.Evaluate().Loss;
        theta0.CopyTo(a);

        var curve = landscape.Interpolate(theta0, theta1, LossCurve.Axis(-0.5, 1.5, 5, 0.0, 1.0));
        Assert.Equal([-0.5, 0, 0.5, 1, 1.5], curve.Alphas);
        Assert.Equal(l0, curve.At(0).Loss);
        Assert.Equal(l1, curve.At(1).Loss);
        Assert.NotEqual(l0, curve.At(0.5).Loss);
        Assert.True(theta0.BitEquals(a), "the model must hold θ0 again after the scan");
    }

    [Fact]
    public void Grid_centre_is_the_models_loss_and_the_grid_is_laid_out_alpha_by_column_beta_by_row()
    {
        using var scope = NewDisposeScope();
        var (x, y) = ContextWindows.Evenly(Text, 4, 300);
        using var model = Model(3);
        using var theta = ParameterVector.Of(model);
        using var delta = FilterNormalization.RandomDirection(theta, 1);
        using var eta = FilterNormalization.RandomDirection(theta, 2);
        var landscape = new LossLandscape(model, x, y);
        var grid = landscape.Grid(theta, delta, eta, radius: 0.5, points: 5);

        Assert.Equal([-0.5, -0.25, 0, 0.25, 0.5], grid.Alphas);
        Assert.Equal(landscape.Evaluate().Loss, grid.CenterLoss);
        Assert.True(Math.Abs(grid.CenterLoss - DirectLoss(model, x, y)) <= 1e-6, $"centre {grid.CenterLoss} vs direct {DirectLoss(model, x, y)}");
        // Loss[j, i] = L(θ + α_i·δ + β_j·η): check the corner α = +0.5, β = −0.5 by hand.
        using (var corner = ParameterVector.Combine(1, theta, 0.5, delta))
        {
            corner.Add(-0.5, eta);
            corner.CopyTo(model);
            Assert.True(Math.Abs(grid.Loss[0, 4] - DirectLoss(model, x, y)) <= 1e-5);
            Assert.True(Math.Abs(grid.Loss[4, 0] - DirectLoss(model, x, y)) > 1e-4, "the transposed corner must differ");
        }
        theta.CopyTo(model);
        Assert.InRange(grid.Accuracy[2, 2], 0, 1);
    }

    [Fact]
    public void Every_scan_restores_the_weights_bit_for_bit_and_the_training_flag_even_on_error()
    {
        using var scope = NewDisposeScope();
        var (x, y) = ContextWindows.Evenly(Text, 4, 100);
        using var model = Model(4, residual: false);
        model.train();
        using var before = ParameterVector.Of(model);
        using var d = FilterNormalization.RandomDirection(before, 3);
        var landscape = new LossLandscape(model, x, y);
        landscape.Grid(before, d, d, 1, 3);
        landscape.Slice(before, d, [-1, 0.3, 1]);
        landscape.Sharpness(before, [d], 0.5);
        Assert.True(before.BitEquals(model));
        Assert.True(model.training);

        int rows = 0;
        Assert.Throws<InvalidOperationException>(() => landscape.Grid(before, d, d, 1, 5, () => { if (++rows == 2) throw new InvalidOperationException("stop"); }));
        Assert.True(before.BitEquals(model), "weights after a scan that threw");
        Assert.True(model.training);
    }

    [Fact]
    public void Sharpness_is_the_mean_two_sided_rise_at_rho()
    {
        using var scope = NewDisposeScope();
        var (x, y) = ContextWindows.Evenly(Text, 4, 100);
        using var model = Model(5);
        using var theta = ParameterVector.Of(model);
        using var d1 = FilterNormalization.RandomDirection(theta, 11);
        using var d2 = FilterNormalization.RandomDirection(theta, 12);
        var landscape = new LossLandscape(model, x, y);
        var s = landscape.Sharpness(theta, [d1, d2], 0.2);
        double c = landscape.Evaluate().Loss;
        var c1 = landscape.Slice(theta, d1, [-0.2, 0.2]).Losses;
        var c2 = landscape.Slice(theta, d2, [-0.2, 0.2]).Losses;
        Assert.Equal(c, s.CenterLoss);
        Assert.Equal((c1[0] + c1[1]) / 2 - c, s.Increases[0], 12);
        Assert.Equal(((c1[0] + c1[1]) / 2 - c + (c2[0] + c2[1]) / 2 - c) / 2, s.MeanIncrease, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => landscape.Sharpness(theta, [d1], 0));
    }

    [Fact]
    public void Vector_operations_and_axes_give_known_answers()
    {
        using var scope = NewDisposeScope();
        using var a = ParameterVector.FromTensors([("w", tensor(new float[] { 1, 2, 2, 0 }, [2, 2])), ("b", tensor(new float[] { 4 }))]);
        using var b = a.Select((_, t) => ones_like(t));
        Assert.Equal(5, a.Numel);
        Assert.Equal(5, a.Norm(), 12);                      // √(1 + 4 + 4 + 16)
        Assert.Equal(9, a.Dot(b), 12);
        using var c = ParameterVector.Combine(2, a, -1, b);
        Assert.Equal(new float[] { 1, 3, 3, -1 }, c.Tensors[0].data<float>().ToArray());
        c.Add(1, b);
        Assert.Equal(new float[] { 8 }, c.Tensors[1].data<float>().ToArray());

        Assert.Equal(0.0, LossGrid.Axis(1, 51)[25]);
        Assert.Equal([-0.5, 0, 0.25, 0.3, 0.7, 1.0], LossCurve.Axis(-0.5, 1, 3, 0.0, 0.7, 0.3, 5.0).Select(v => Math.Round(v, 12)));
        var curve = new LossCurve([0, 0.5, 1], [new(3, 0), new(3.5, 0), new(1, 0)]);
        Assert.Equal(0.5, curve.Barrier(0, 1), 12);
        var grid = new LossGrid(1, [-1, 1], [-1, 1], new double[2, 2], new double[2, 2]);
        Assert.Throws<InvalidOperationException>(() => grid.CenterLoss);
        var clipped = new LossGrid(1, [-1, 1], [-1, 1], new[,] { { 0.5, 2 }, { 100, double.NaN } }, new double[2, 2]).ClippedLogLoss(1, 10);
        Assert.Equal(new[,] { { 0, Math.Log(2) }, { Math.Log(10), Math.Log(10) } }, clipped);
        // One bowl: 1 local minimum; a second dimple in the corner (strictly lower than its 3 neighbours): 2.
        var bowl = new double[5, 5];
        for (int j = 0; j < 5; j++) for (int i = 0; i < 5; i++) bowl[j, i] = (i - 2) * (i - 2) + (j - 2) * (j - 2);
        Assert.Equal(1, new LossGrid(1, LossGrid.Axis(1, 5), LossGrid.Axis(1, 5), bowl, bowl).LocalMinima());
        bowl[0, 0] = 1;
        Assert.Equal(2, new LossGrid(1, LossGrid.Axis(1, 5), LossGrid.Axis(1, 5), bowl, bowl).LocalMinima());
    }

    [Fact]
    public void Tanh_init_gives_glorot_weights_zero_biases_and_keeps_the_embedding()
    {
        using var scope = NewDisposeScope();
        manual_seed(8);
        using var model = new MlpLanguageModel(new MlpLmConfig(Context: 4, Embed: 8, Hidden: 128, Layers: 3));
        using var before = ParameterVector.Of(model);
        Assert.Equal(8, TanhInit.Apply(model));            // input, 2 hidden, head: weight + bias each
        using var after = ParameterVector.Of(model);
        Assert.True(before.Tensors[0].equal(after.Tensors[0]).all().item<bool>(), "embedding untouched");
        for (int k = 1; k < after.Count; k++)
            if (after.Tensors[k].dim() == 1) Assert.Equal(0, after.Tensors[k].abs().max().item<float>());
        // hidden.0.weight (128, 128): Glorot normal std = gain · √(2 / (fan_in + fan_out)) = 5/3 · √(2/256) = 0.1473.
        int hiddenIndex = after.Names.ToList().IndexOf("hidden.0.weight");
        Assert.InRange(after.Tensors[hiddenIndex].std().item<float>(), 0.1473 * 0.97, 0.1473 * 1.03);
        Assert.Throws<ArgumentOutOfRangeException>(() => TanhInit.Apply(model, gain: 0));
    }

    [Fact]
    public void Bad_input_is_rejected_with_a_message_that_names_it()
    {
        using var scope = NewDisposeScope();
        var (x, y) = ContextWindows.Evenly(Text, 4, 10);
        using var model = Model(6);
        using var other = Model(7, residual: false);
        using var theta = ParameterVector.Of(model);
        Assert.Contains("y must be (N,)", Assert.Throws<ArgumentException>(() => new LossLandscape(model, x, y.narrow(0, 0, 5))).Message);
        var landscape = new LossLandscape(model, x, y);
        Assert.Contains("radius must be > 0", Assert.Throws<ArgumentOutOfRangeException>(() => landscape.Grid(theta, theta, theta, 0, 5)).Message);
        Assert.Contains("at least 2 points", Assert.Throws<ArgumentOutOfRangeException>(() => landscape.Grid(theta, theta, theta, 1, 1)).Message);
        using var small = ParameterVector.FromTensors([("w", zeros(2))]);
        Assert.Contains("parameter tensors", Assert.Throws<ArgumentException>(() => small.CopyTo(model)).Message);
        theta.Dispose();
        Assert.Throws<ObjectDisposedException>(() => theta.Norm());
    }
}
