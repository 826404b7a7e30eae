using static TorchSharp.torch;

namespace LlmLab.Nn.Recurrent;

/// <summary>
/// The hidden state a <see cref="RecurrentLanguageModel"/> carries from one call to the next: H (L, B, hidden) and,
/// for an LSTM, the cell C (L, B, hidden). The state owns its tensors: dispose it, or let the dispose scope that
/// created them do so.
/// </summary>
public sealed class RecurrentState(Tensor h, Tensor? c = null) : IDisposable
{
    /// <summary>Hidden state (L, B, H).</summary>
    public Tensor H { get; } = h;

    /// <summary>LSTM cell state (L, B, H); null for RNN and GRU.</summary>
    public Tensor? C { get; } = c;

    /// <summary>The same values cut from the autograd graph (truncated backpropagation through time), as new tensors.</summary>
    public RecurrentState Detach() => new(H.detach(), C?.detach());

    /// <summary>Moves the tensors to the dispose scope outside the current one.</summary>
    public RecurrentState MoveToOuterDisposeScope()
    {
        H.MoveToOuterDisposeScope();
        C?.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        H.Dispose();
        C?.Dispose();
    }
}
