using LlmLab.Nn;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>Tiny GPT configs and seeded inputs shared by the GPT tests.</summary>
internal static class GptTestModels
{
    /// <summary>2 layers, 4 heads of 8 channels, 32 positions, 50 tokens: milliseconds per forward.</summary>
    public static GptConfig Tiny => new()
    {
        VocabSize = 50, Context = 32, Width = 32, Layers = 2, Heads = 4, Attention = LlmLab.Nn.Attention.AttentionKernel.Naive,
    };

    /// <summary>The variants every structural test runs over: learned/RoPE positions, MHA/GQA, GELU/SwiGLU, LayerNorm/RMSNorm.</summary>
    public static TheoryData<string> Variants => new() { "learned", "rope", "learned-gqa", "rope-gqa-swiglu-rmsnorm", "untied-nobias" };

    public static GptConfig Variant(string name) => name switch
    {
        "learned" => Tiny,
        "rope" => Tiny with { PositionEmbedding = PositionEmbeddingKind.Rope },
        "learned-gqa" => Tiny with { KvHeads = 2 },
        "rope-gqa-swiglu-rmsnorm" => Tiny with
        {
            PositionEmbedding = PositionEmbeddingKind.Rope, KvHeads = 1, Mlp = FeedForwardKind.SwiGlu, Norm = NormalizationKind.RmsNorm, Bias = false,
        },
        "untied-nobias" => Tiny with { TieWordEmbeddings = false, Bias = false },
        _ => throw new ArgumentException(name),
    };

    /// <summary>A model with seeded weights, in evaluation mode.</summary>
    public static GptModel Build(GptConfig config, long seed = 1)
    {
        TorchRuntime.EnsureLoaded(1);
        Seeding.SeedTorch(seed);
        var model = new GptModel(config);
        model.eval();
        return model;
    }

    /// <summary>
    /// A model whose weights depend only on <paramref name="config"/>'s shape, not on libtorch's global generator (which
    /// tests running in parallel share): every parameter is filled from its own seeded stream.
    /// </summary>
    public static GptModel BuildIdentical(GptConfig config)
    {
        var model = Build(config);
        using var noGrad = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            var rng = new Random(name.Aggregate(17, (h, c) => h * 31 + c));
            var values = Enumerable.Range(0, (int)p.numel()).Select(_ => (float)((rng.NextDouble() - 0.5) * 0.2)).ToArray();
            p.copy_(tensor(values, p.shape));
        }
        return model;
    }

    /// <summary>Seeded token ids (B, T) in 0..V−1.</summary>
    public static Tensor Tokens(int batch, int length, int vocab, int seed = 7)
    {
        var rng = new Random(seed);
        return tensor(Enumerable.Range(0, batch * length).Select(_ => (long)rng.Next(vocab)).ToArray(), [batch, length]);
    }

    /// <summary>fp32 agreement within an absolute 1e-5 (plus a relative 1e-5 for larger values).</summary>
    public static TensorComparison.Tolerance Fp32 { get; } = new(1e-5, 1e-5);
}
