using LlmLab.Inference;
using LlmLab.Nn.Attention;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;

namespace LlmLab.Server;

/// <summary>
/// A small, randomly initialised, UNTRAINED GPT and its tokenizer, to run the server, its clients and its benchmarks
/// before any checkpoint exists (<c>llmlab serve --demo</c>, the serving labs, the tests). Its text is noise: it shows
/// the plumbing, latency and batching, not language. Builds a new model each call (the caller owns it; dispose it).
/// </summary>
public static class DemoModel
{
    /// <summary>The id the demo server reports, which says what it is.</summary>
    public const string ModelId = "llmlab-demo-untrained";

    /// <summary>Printable ASCII and newline: what a char-level demo accepts; other characters are encoded as &lt;unk&gt;.</summary>
    public static CharTokenizer CharTokenizer() =>
        Tokenization.CharTokenizer.Build([new string(Enumerable.Range(32, 95).Select(c => (char)c).Append('\n').ToArray())], UnknownCharPolicy.Unk);

    /// <summary>The demo's shape: 2 layers of width 64, 4 heads, <paramref name="context"/> positions.</summary>
    public static GptConfig Config(int vocab, int context = 256, int layers = 2, int width = 64) => new()
    {
        VocabSize = vocab, Context = context, Width = width, Layers = layers, Heads = 4, Attention = AttentionKernel.Sdpa,
    };

    /// <summary>An engine over a seeded random model; <paramref name="tokenizer"/> is "char" or "gpt2".</summary>
    /// <exception cref="InputException">An unknown tokenizer name.</exception>
    public static GenerationEngine Create(string tokenizer = "char", int context = 256, int layers = 2, int width = 64, long seed = 1)
    {
        ITokenizer tok = tokenizer switch
        {
            "char" => CharTokenizer(),
            "gpt2" => PretrainedTokenizers.Gpt2(),
            _ => throw new InputException($"unknown demo tokenizer '{tokenizer}': use char or gpt2"),
        };
        TorchRuntime.EnsureLoaded();
        Seeding.SeedTorch(seed);
        var model = new GptModel(Config(tok.VocabSize, context, layers, width));
        model.eval();
        return new GenerationEngine(model, tok, PromptOverflow.Error, (int)seed);
    }
}
