using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Nn.Recurrent;

/// <summary>
/// One LSTM cell written from its gate equations (Hochreiter &amp; Schmidhuber 1997, with the forget gate of Gers et
/// al. 2000), in PyTorch's formulation, gate order and parameter layout so that the weights of an <c>nn.LSTM</c> layer
/// can be copied in unchanged:
/// <code>
/// [i; f; g; o] = W_ih x + b_ih + W_hh h + b_hh        (4H rows: input, forget, cell candidate, output)
/// i, f, o = σ(·)    g = tanh(·)
/// c' = f ⊙ c + i ⊙ g
/// h' = o ⊙ tanh(c')
/// </code>
/// Shapes: B batch, I input features, H hidden units. Parameters: weight_ih (4H, I), weight_hh (4H, H), bias_ih (4H),
/// bias_hh (4H), initialised as PyTorch does, U(−1/√H, 1/√H), from libtorch's global generator.
/// Not thread-safe (a TorchSharp module); dispose it.
/// </summary>
public sealed class LstmCell : nn.Module<Tensor, (Tensor H, Tensor C), (Tensor H, Tensor C)>
{
    // Field names are the registered parameter names: PyTorch's nn.LSTMCell names.
    readonly Parameter weight_ih, weight_hh, bias_ih, bias_hh;

    /// <param name="inputSize">I, features per input vector.</param>
    /// <param name="hiddenSize">H, hidden and cell units.</param>
    public LstmCell(long inputSize, long hiddenSize) : base(nameof(LstmCell))
    {
        if (inputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), $"inputSize must be >= 1 (got {inputSize})");
        if (hiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(hiddenSize), $"hiddenSize must be >= 1 (got {hiddenSize})");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        double k = 1 / Math.Sqrt(hiddenSize); // PyTorch's RNNBase.reset_parameters: every weight and bias ~ U(−k, k)
        weight_ih = new Parameter(empty(4 * hiddenSize, inputSize).uniform_(-k, k));
        weight_hh = new Parameter(empty(4 * hiddenSize, hiddenSize).uniform_(-k, k));
        bias_ih = new Parameter(empty(4 * hiddenSize).uniform_(-k, k));
        bias_hh = new Parameter(empty(4 * hiddenSize).uniform_(-k, k));
        RegisterComponents();
    }

    public long InputSize { get; }
    public long HiddenSize { get; }

    /// <summary>W_ih (4H, I), rows in gate order i, f, g, o.</summary>
    public Parameter WeightIh => weight_ih;
    /// <summary>W_hh (4H, H).</summary>
    public Parameter WeightHh => weight_hh;
    /// <summary>b_ih (4H).</summary>
    public Parameter BiasIh => bias_ih;
    /// <summary>b_hh (4H).</summary>
    public Parameter BiasHh => bias_hh;

    /// <summary>One step: x (B, I) and the state (h, c), each (B, H) → the new (h', c'), fresh tensors the caller owns.</summary>
    public override (Tensor H, Tensor C) forward(Tensor x, (Tensor H, Tensor C) state)
    {
        using var scope = NewDisposeScope();
        var (h, c) = Step(InputProjection(x), state.H, state.C);
        return (h.MoveToOuterDisposeScope(), c.MoveToOuterDisposeScope());
    }

    /// <summary>W_ih x + b_ih for any leading shape (…, I) → (…, 4H): the part of the gates that does not depend on
    /// the state, which a layer computes for every time step in one matrix product before the recurrence.</summary>
    public Tensor InputProjection(Tensor x) => nn.functional.linear(x, weight_ih, bias_ih);

    /// <summary>The recurrence given the input part of the gates, xProj = W_ih x + b_ih (B, 4H), and the state (B, H).
    /// Returns fresh (h', c') in the caller's dispose scope; the intermediates join it too.</summary>
    public (Tensor H, Tensor C) Step(Tensor xProj, Tensor h, Tensor c)
    {
        var gates = xProj + nn.functional.linear(h, weight_hh, bias_hh); // (B, 4H)
        var chunks = gates.chunk(4, dim: 1);                             // 4 × (B, H), PyTorch's order
        var i = chunks[0].sigmoid();  // input gate: how much of the candidate to write
        var f = chunks[1].sigmoid();  // forget gate: how much of the old cell to keep
        var g = chunks[2].tanh();     // cell candidate
        var o = chunks[3].sigmoid();  // output gate: how much of the cell to expose
        var cNext = f * c + i * g;        // (B, H)
        var hNext = o * cNext.tanh();     // (B, H)
        return (hNext, cNext);
    }

    /// <summary>Copies weights of the same shapes (e.g. one layer of an <c>nn.LSTM</c>) into this cell.</summary>
    /// <exception cref="ArgumentException">A shape differs.</exception>
    public void CopyFrom(Tensor weightIh, Tensor weightHh, Tensor biasIh, Tensor biasHh)
    {
        using var noGrad = no_grad();
        foreach (var (dst, src, name) in new[] { (weight_ih, weightIh, "weight_ih"), (weight_hh, weightHh, "weight_hh"), (bias_ih, biasIh, "bias_ih"), (bias_hh, biasHh, "bias_hh") })
        {
            if (!dst.shape.SequenceEqual(src.shape))
                throw new ArgumentException($"{name}: shape ({string.Join(", ", src.shape)}) does not match the cell's ({string.Join(", ", dst.shape)})");
            dst.copy_(src);
        }
    }
}
