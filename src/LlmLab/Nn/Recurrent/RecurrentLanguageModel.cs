using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Nn.Recurrent;

/// <summary>
/// A recurrent language model in the manner of char-rnn (Karpathy 2015): token embedding → RNN, GRU or LSTM
/// (libtorch's modules, or <see cref="ScratchLstm"/>) → dropout → linear head over the vocabulary. Stateful:
/// <see cref="Forward"/> takes the state left by the previous call, so a long text can be read in chunks, and
/// sampling feeds one token at a time. Shapes: B batch, T time steps, E embedding, H hidden, L layers, V vocabulary.
/// Parameter names: embed.*, core.* (libtorch's weight_ih_l0 … for RNN/GRU/LSTM), head.*.
/// Not thread-safe (a TorchSharp module); dispose it.
/// </summary>
public sealed class RecurrentLanguageModel : nn.Module<Tensor, Tensor>
{
    readonly Embedding embed;
    readonly nn.Module core;
    readonly Dropout drop;
    readonly Linear head;

    /// <exception cref="ArgumentException">An invalid config (<see cref="RecurrentLmConfig.Validate"/>).</exception>
    public RecurrentLanguageModel(RecurrentLmConfig config) : base(nameof(RecurrentLanguageModel))
    {
        config.Validate();
        Config = config;
        // nn.LSTM's own dropout only acts between layers; the dropout after the core covers the last layer (and L = 1).
        double between = config.Layers > 1 ? config.Dropout : 0;
        embed = nn.Embedding(config.Vocab, config.Embed);
        core = config.Kind switch
        {
            RecurrentKind.Rnn => nn.RNN(config.Embed, config.Hidden, config.Layers, batchFirst: true, dropout: between),
            RecurrentKind.Gru => nn.GRU(config.Embed, config.Hidden, config.Layers, batchFirst: true, dropout: between),
            RecurrentKind.Lstm => nn.LSTM(config.Embed, config.Hidden, config.Layers, batchFirst: true, dropout: between),
            _ => new ScratchLstm(config.Embed, config.Hidden, config.Layers, between),
        };
        drop = nn.Dropout(config.Dropout);
        head = nn.Linear(config.Hidden, config.Vocab);
        RegisterComponents();
    }

    public RecurrentLmConfig Config { get; }

    /// <summary>The recurrent core (an nn.RNN, nn.GRU, nn.LSTM or <see cref="ScratchLstm"/>), e.g. to copy weights.</summary>
    public nn.Module Core => core;

    /// <summary>Logits (B, T, V) for tokens (B, T) int64, from a zero state.</summary>
    public override Tensor forward(Tensor tokens)
    {
        var (logits, state) = Forward(tokens, null);
        state.Dispose();
        return logits;
    }

    /// <summary>
    /// Tokens (B, T) int64 and the state left by the previous chunk (null: zeros) → logits (B, T, V) and the state after
    /// the last token. Both results are fresh and the caller's; the state still carries the autograd graph (call
    /// <see cref="RecurrentState.Detach"/> to truncate backpropagation between chunks).
    /// </summary>
    public (Tensor Logits, RecurrentState State) Forward(Tensor tokens, RecurrentState? state)
    {
        if (tokens.dim() != 2) throw new ArgumentException($"tokens must be (B, T); got ({string.Join(", ", tokens.shape)})", nameof(tokens));
        using var scope = NewDisposeScope();
        var e = embed.call(tokens);                       // (B, T, E)
        Tensor output, h;
        Tensor? c = null;
        switch (core)
        {
            case RNN rnn: (output, h) = rnn.call(e, state?.H); break;
            case GRU gru: (output, h) = gru.call(e, state?.H); break;
            case LSTM lstm:
                (output, h, c) = lstm.call(e, state is null ? null : (state.H, state.C ?? throw MissingCell()));
                break;
            case ScratchLstm scratch:
                (output, h, c) = scratch.call(e, state is null ? null : (state.H, state.C ?? throw MissingCell()));
                break;
            default: throw new InvalidOperationException($"unknown core {core.GetType().Name}");
        }
        var logits = head.call(drop.call(output));          // (B, T, V)
        return (logits.MoveToOuterDisposeScope(), new RecurrentState(h, c).MoveToOuterDisposeScope());
    }

    static ArgumentException MissingCell() => new("an LSTM needs the cell state C as well as H; pass the state an LSTM returned", "state");
}
