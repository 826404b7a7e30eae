using LlmLab.Nn;
using LlmLab.Nn.Recurrent;
using LlmLab.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>The from-scratch LSTM against libtorch's nn.LSTM and nn.LSTMCell, forward and backward.</summary>
public sealed class LstmCellTests
{
    public LstmCellTests() => TorchRuntime.EnsureLoaded(1);

    [Fact]
    public void Two_layer_lstm_matches_nn_LSTM_forward_and_backward_within_1e5_in_fp32()
    {
        var p = LstmParity.Measure(batch: 3, steps: 7, inputSize: 5, hidden: 8, layers: 2, dtype: ScalarType.Float32, seed: 11);
        foreach (var (name, c) in p.Items) Assert.True(c.Passed, c.Describe(name));
        // output, h_n, c_n, grads of input, h0, c0, and 4 weights × 2 layers: every one compared.
        Assert.Equal(6 + 8, p.Items.Count);
        Assert.Contains(p.Items, i => i.Name == "grad weight_hh_l1");
        Assert.True(p.ForwardMaxAbsDiff <= 1e-5 && p.BackwardMaxAbsDiff <= 1e-5);
        // Two different computations in fp32 round differently somewhere: a difference of exactly 0 everywhere would mean the
        // comparison looked at one computation twice.
        Assert.True(p.BackwardMaxAbsDiff > 0 || p.ForwardMaxAbsDiff > 0, "bit-identical everywhere: is the reference the code under test?");
    }

    [Fact]
    public void In_fp64_the_match_is_at_roundoff_level()
    {
        var p = LstmParity.Measure(batch: 2, steps: 12, inputSize: 4, hidden: 6, layers: 3, dtype: ScalarType.Float64, seed: 3,
            tolerance: new TensorComparison.Tolerance(1e-10, 1e-12));
        foreach (var (name, c) in p.Items) Assert.True(c.Passed, c.Describe(name));
    }

    [Fact]
    public void Cell_step_matches_nn_LSTMCell()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(5);
        using var reference = nn.LSTMCell(4, 6);
        using var cell = new LstmCell(4, 6);
        var w = reference.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        cell.CopyFrom(w["weight_ih"], w["weight_hh"], w["bias_ih"], w["bias_hh"]);
        var x = randn([3, 4], generator: g);
        var h = randn([3, 6], generator: g);
        var c = randn([3, 6], generator: g);
        var (hr, cr) = reference.call(x, (h, c));
        var (hm, cm) = cell.call(x, (h, c));
        TensorAssert.Close(hm, hr, "h'", LstmParity.DefaultTolerance);
        TensorAssert.Close(cm, cr, "c'", LstmParity.DefaultTolerance);
    }

    [Fact]
    public void Swapping_the_input_and_forget_gates_is_caught()
    {
        // The parity check must be able to fail: the same weights with the i and f row blocks exchanged give another LSTM.
        using var scope = NewDisposeScope();
        var g = new Generator(7);
        using var reference = nn.LSTM(3, 4, 1, batchFirst: true);
        using var scratch = new ScratchLstm(3, 4);
        scratch.CopyFrom(reference);
        using (no_grad())
        {
            var wih = scratch.Cell(0).WeightIh;
            var swapped = cat([wih.narrow(0, 4, 4), wih.narrow(0, 0, 4), wih.narrow(0, 8, 8)], 0);
            wih.copy_(swapped);
        }
        var x = randn([2, 5, 3], generator: g);
        var (o1, _, _) = reference.call(x, null);
        var (o2, _, _) = scratch.call(x, null);
        Assert.False(TensorComparison.Of(o2, o1, LstmParity.DefaultTolerance).Passed);
    }

    [Fact]
    public void Copying_from_a_module_of_another_size_names_the_parameter()
    {
        using var reference = nn.LSTM(3, 5, 1, batchFirst: true);
        using var scratch = new ScratchLstm(3, 4);
        var e = Assert.Throws<ArgumentException>(() => scratch.CopyFrom(reference));
        Assert.Contains("weight_ih", e.Message);
        using var twoLayers = new ScratchLstm(3, 5, numLayers: 2);
        var missing = Assert.Throws<ArgumentException>(() => twoLayers.CopyFrom(reference));
        Assert.Contains("weight_ih_l1", missing.Message);
    }

    [Fact]
    public void Parameter_names_and_init_range_follow_PyTorch()
    {
        using var cell = new LstmCell(5, 16);
        var names = cell.named_parameters().Select(n => n.name).ToArray();
        Assert.Equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], names);
        double k = 1 / Math.Sqrt(16);
        foreach (var (_, p) in cell.named_parameters())
            Assert.True(p.abs().max().item<float>() <= k, "U(-1/sqrt(H), 1/sqrt(H))");
        Assert.Equal([64L, 5L], cell.WeightIh.shape);
    }
}
