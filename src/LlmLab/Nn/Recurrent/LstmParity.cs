using LlmLab.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn.Recurrent;

/// <summary>
/// The from-scratch <see cref="ScratchLstm"/> against libtorch's <c>nn.LSTM</c> on one seeded case: the same weights
/// in both, the same input and initial state, then the outputs (output, h_n, c_n) and, after a backward pass of the
/// same random linear function of all three, the gradients of the input, of the initial state and of every weight.
/// </summary>
/// <param name="Items">Each compared tensor by name ("output", "grad weight_hh_l1", …) with its comparison.</param>
public sealed record LstmParity(IReadOnlyList<(string Name, TensorComparison Comparison)> Items)
{
    /// <summary>The tolerance the lab and the tests ask for: |Δ| ≤ 1e-5 per element.</summary>
    public static readonly TensorComparison.Tolerance DefaultTolerance = new(Relative: 0, Absolute: 1e-5);

    /// <summary>Every compared tensor is within the tolerance.</summary>
    public bool Passed => Items.All(i => i.Comparison.Passed);

    /// <summary>max |Δ| over the forward results.</summary>
    public double ForwardMaxAbsDiff => Items.Where(i => !i.Name.StartsWith("grad", StringComparison.Ordinal)).Max(i => i.Comparison.MaxAbsDiff);

    /// <summary>max |Δ| over the gradients.</summary>
    public double BackwardMaxAbsDiff => Items.Where(i => i.Name.StartsWith("grad", StringComparison.Ordinal)).Max(i => i.Comparison.MaxAbsDiff);

    /// <summary>
    /// Runs the comparison on inputs (batch, steps, inputSize), <paramref name="layers"/> layers of
    /// <paramref name="hidden"/> units, in <paramref name="dtype"/>. Weights, inputs and states come from a generator
    /// seeded with <paramref name="seed"/> (libtorch's global generator is not touched). Leaves no tensor behind.
    /// </summary>
    public static LstmParity Measure(int batch = 3, int steps = 7, int inputSize = 5, int hidden = 8, int layers = 2,
        ScalarType dtype = ScalarType.Float32, long seed = 1, TensorComparison.Tolerance? tolerance = null)
    {
        var tol = tolerance ?? DefaultTolerance;
        using var scope = NewDisposeScope();
        var gen = new Generator((ulong)seed);
        using var reference = nn.LSTM(inputSize, hidden, layers, batchFirst: true);
        using var scratch = new ScratchLstm(inputSize, hidden, layers);
        reference.to(dtype);
        scratch.to(dtype);
        double k = 1 / Math.Sqrt(hidden);
        using (no_grad())
            foreach (var (_, p) in reference.named_parameters())
                p.copy_(rand(p.shape, dtype: dtype, generator: gen) * (2 * k) - k); // U(−k, k), PyTorch's init range
        scratch.CopyFrom(reference);

        var x = randn([batch, steps, inputSize], dtype: dtype, generator: gen);
        var h0 = randn([layers, batch, hidden], dtype: dtype, generator: gen);
        var c0 = randn([layers, batch, hidden], dtype: dtype, generator: gen);
        var wo = randn([batch, steps, hidden], dtype: dtype, generator: gen);
        var wh = randn([layers, batch, hidden], dtype: dtype, generator: gen);
        var wc = randn([layers, batch, hidden], dtype: dtype, generator: gen);

        (Tensor O, Tensor H, Tensor C, Tensor X, Tensor H0, Tensor C0) Run(Func<Tensor, (Tensor, Tensor), (Tensor, Tensor, Tensor)> lstm)
        {
            var xi = x.clone().requires_grad_();
            var hi = h0.clone().requires_grad_();
            var ci = c0.clone().requires_grad_();
            var (o, h, c) = lstm(xi, (hi, ci));
            ((o * wo).sum() + (h * wh).sum() + (c * wc).sum()).backward(); // a random linear probe of every output
            return (o, h, c, xi, hi, ci);
        }

        var r = Run((xi, s) => reference.call(xi, s));
        var m = Run((xi, s) => scratch.call(xi, s));
        var items = new List<(string, TensorComparison)>
        {
            ("output", TensorComparison.Of(m.O, r.O, tol)),
            ("h_n", TensorComparison.Of(m.H, r.H, tol)),
            ("c_n", TensorComparison.Of(m.C, r.C, tol)),
            ("grad input", TensorComparison.Of(m.X.grad!, r.X.grad!, tol)),
            ("grad h0", TensorComparison.Of(m.H0.grad!, r.H0.grad!, tol)),
            ("grad c0", TensorComparison.Of(m.C0.grad!, r.C0.grad!, tol)),
        };
        var refParams = reference.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        for (int layer = 0; layer < layers; layer++)
        {
            var cell = scratch.Cell(layer);
            foreach (var (name, mine) in new[] { ("weight_ih", cell.WeightIh), ("weight_hh", cell.WeightHh), ("bias_ih", cell.BiasIh), ("bias_hh", cell.BiasHh) })
                items.Add(($"grad {name}_l{layer}", TensorComparison.Of(mine.grad!, refParams[$"{name}_l{layer}"].grad!, tol)));
        }
        return new LstmParity(items);
    }
}
