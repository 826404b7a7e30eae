using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Nn;

/// <summary>
/// Settings of <see cref="MlpLanguageModel"/>.
/// </summary>
/// <param name="Context">Tokens of context (k): the model sees x[t-k..t-1] and predicts x[t].</param>
/// <param name="Vocab">Vocabulary size; 256 for raw bytes.</param>
/// <param name="Embed">Embedding width per context token.</param>
/// <param name="Hidden">Width of the hidden layers.</param>
/// <param name="Layers">Hidden layers (≥ 1).</param>
/// <param name="Residual">Skip connections around each hidden layer after the first (h ← h + f(h)): the switch Li et
/// al. 2018 show turns a chaotic loss landscape into a smooth one.</param>
public sealed record MlpLmConfig(int Context = 8, int Vocab = 256, int Embed = 16, int Hidden = 128, int Layers = 3, bool Residual = true);

/// <summary>
/// A small neural language model in the manner of Bengio et al. 2003: embed the previous k tokens, concatenate, run
/// an MLP with tanh hidden layers, output next-token logits. Small enough to train in seconds on a CPU, real enough
/// that its loss landscape and its optimizers behave like a language model's. Input (B, k) int64, output (B, V) logits.
/// Not thread-safe (a TorchSharp module); dispose it.
/// </summary>
public sealed class MlpLanguageModel : nn.Module<Tensor, Tensor>
{
    readonly Embedding embed;
    readonly Linear input;
    readonly ModuleList<Linear> hidden;
    readonly Linear head;

    public MlpLanguageModel(MlpLmConfig config) : base(nameof(MlpLanguageModel))
    {
        if (config.Context < 1 || config.Vocab < 2 || config.Embed < 1 || config.Hidden < 1 || config.Layers < 1)
            throw new ArgumentException($"invalid MLP language model config: {config}");
        Config = config;
        embed = nn.Embedding(config.Vocab, config.Embed);
        input = nn.Linear(config.Context * config.Embed, config.Hidden);
        hidden = new ModuleList<Linear>(Enumerable.Range(0, config.Layers - 1).Select(_ => nn.Linear(config.Hidden, config.Hidden)).ToArray());
        head = nn.Linear(config.Hidden, config.Vocab);
        RegisterComponents();
    }

    public MlpLmConfig Config { get; }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var e = embed.call(x).flatten(1);          // (B, k·E)
        var h = input.call(e).tanh();              // (B, H)
        foreach (var layer in hidden)
            h = Config.Residual ? h + layer.call(h).tanh() : layer.call(h).tanh(); // (B, H)
        return head.call(h).MoveToOuterDisposeScope(); // (B, V)
    }
}
