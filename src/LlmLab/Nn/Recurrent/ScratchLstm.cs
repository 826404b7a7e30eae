using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Nn.Recurrent;

/// <summary>
/// A multi-layer LSTM unrolled over time from <see cref="LstmCell"/>s: the from-scratch counterpart of
/// <c>nn.LSTM(I, H, L, batch_first: true)</c>, with the same inputs, outputs, parameter shapes and inter-layer dropout,
/// so <see cref="CopyFrom"/> can load an <c>nn.LSTM</c>'s weights and the two can be compared step for step.
/// Shapes: B batch, T time steps, I input features, H hidden units, L layers.
/// <list type="number">
/// <item>Per layer, the input part of every gate, W_ih x_t + b_ih, for all T steps at once (one matrix product).</item>
/// <item>The recurrence, one <see cref="LstmCell.Step"/> per time step; autograd records it (backpropagation through time).</item>
/// <item>The layer's outputs h_1..h_T are the next layer's inputs (after dropout in training, except after the last layer).</item>
/// </list>
/// Slower than libtorch's fused kernel (one small product per step from C#); it is here to be read and verified.
/// Not thread-safe; dispose it.
/// </summary>
public sealed class ScratchLstm : nn.Module<Tensor, (Tensor H, Tensor C)?, (Tensor Output, Tensor H, Tensor C)>
{
    readonly ModuleList<LstmCell> cells;
    readonly double dropout;

    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="numLayers">L ≥ 1.</param>
    /// <param name="dropout">Dropout on each layer's output except the last, in training (nn.LSTM's <c>dropout</c>).</param>
    public ScratchLstm(long inputSize, long hiddenSize, int numLayers = 1, double dropout = 0) : base(nameof(ScratchLstm))
    {
        if (numLayers < 1) throw new ArgumentOutOfRangeException(nameof(numLayers), $"numLayers must be >= 1 (got {numLayers})");
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), $"dropout must be in [0, 1) (got {dropout})");
        cells = new ModuleList<LstmCell>(Enumerable.Range(0, numLayers).Select(k => new LstmCell(k == 0 ? inputSize : hiddenSize, hiddenSize)).ToArray());
        this.dropout = dropout;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        RegisterComponents();
    }

    public long HiddenSize { get; }
    public int NumLayers { get; }

    /// <summary>The cell of layer <paramref name="layer"/>.</summary>
    public LstmCell Cell(int layer) => cells[layer];

    /// <summary>
    /// x (B, T, I) and an optional initial state (h0, c0), each (L, B, H) (zeros when null) → output (B, T, H) = the last
    /// layer's h_t for every t, and the final state h_T, c_T, each (L, B, H). Fresh tensors the caller owns.
    /// </summary>
    public override (Tensor Output, Tensor H, Tensor C) forward(Tensor x, (Tensor H, Tensor C)? state)
    {
        if (x.dim() != 3) throw new ArgumentException($"input must be (B, T, I); got ({string.Join(", ", x.shape)})", nameof(x));
        using var scope = NewDisposeScope();
        long B = x.shape[0], T = x.shape[1];
        var layerInput = x;
        var hs = new List<Tensor>(NumLayers);
        var cs = new List<Tensor>(NumLayers);
        for (int k = 0; k < NumLayers; k++)
        {
            var cell = cells[k];
            var h = state is { } s0 ? s0.H[k] : zeros(B, HiddenSize, dtype: x.dtype, device: x.device); // (B, H)
            var c = state is { } s1 ? s1.C[k] : zeros(B, HiddenSize, dtype: x.dtype, device: x.device); // (B, H)
            var proj = cell.InputProjection(layerInput);                   // 1. (B, T, 4H)
            var outputs = new Tensor[T];
            for (long t = 0; t < T; t++)                                    // 2. the recurrence
            {
                (h, c) = cell.Step(proj.select(1, t), h, c);
                outputs[t] = h;
            }
            hs.Add(h);
            cs.Add(c);
            layerInput = stack(outputs, dim: 1);                            // 3. (B, T, H)
            if (dropout > 0 && training && k < NumLayers - 1) layerInput = nn.functional.dropout(layerInput, dropout, training: true);
        }
        return (layerInput.MoveToOuterDisposeScope(), stack(hs, 0).MoveToOuterDisposeScope(), stack(cs, 0).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Loads the weights of an <c>nn.LSTM</c> with the same sizes (unidirectional, with biases): its parameters
    /// weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} go to cell k.
    /// </summary>
    /// <exception cref="ArgumentException">A parameter is missing or its shape differs.</exception>
    public void CopyFrom(nn.Module lstm)
    {
        var p = lstm.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        Tensor Get(string name) => p.TryGetValue(name, out var t) ? t
            : throw new ArgumentException($"the module has no parameter '{name}' (has: {string.Join(", ", p.Keys)}); give a unidirectional nn.LSTM with biases and {NumLayers} layers");
        for (int k = 0; k < NumLayers; k++)
            cells[k].CopyFrom(Get($"weight_ih_l{k}"), Get($"weight_hh_l{k}"), Get($"bias_ih_l{k}"), Get($"bias_hh_l{k}"));
    }
}
