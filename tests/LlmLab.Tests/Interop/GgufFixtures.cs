using LlmLab.Nn.Gpt;
using LlmLab.Tests.Alignment;
using LlmLab.Tests.Nn;
using LlmLab.Tokenization;
using static TorchSharp.torch;

namespace LlmLab.Tests.Interop;

/// <summary>Small models of both exportable shapes, sized for the alignment fixtures' chat tokenizer.</summary>
internal static class GgufFixtures
{
    public static BpeTokenizer Tokenizer => AlignmentFixtures.Tokenizer;

    /// <summary>gpt2: learned positions, LayerNorm, GELU (with or without biases, tied or not); llama: RoPE, RMSNorm,
    /// SwiGLU, GQA. Widths are multiples of 32 so that Q8_0/Q4_0 apply to every matrix.</summary>
    public static GptConfig Config(string shape)
    {
        var gpt2 = new GptConfig { VocabSize = Tokenizer.VocabSize + 3, Context = 48, Width = 64, Layers = 2, Heads = 4, Dropout = 0 };
        return shape switch
        {
            "gpt2" => gpt2,
            "gpt2-untied-nobias" => gpt2 with { TieWordEmbeddings = false, Bias = false },
            "llama" => gpt2 with
            {
                PositionEmbedding = PositionEmbeddingKind.Rope, Norm = NormalizationKind.RmsNorm, Mlp = FeedForwardKind.SwiGlu,
                KvHeads = 2, Bias = false, IntermediateSize = 96, RopeTheta = 5000, NormEps = 1e-6,
            },
            _ => throw new ArgumentException(shape),
        };
    }

    /// <summary>A model whose weights are seeded per parameter (independent of libtorch's global generator), with non-trivial
    /// norm gains and biases so that a swapped or dropped tensor shows in the logits.</summary>
    public static GptModel Model(string shape) => GptTestModels.BuildIdentical(Config(shape));

    /// <summary>Logits (1, T, V) of <paramref name="model"/> for <paramref name="ids"/> as a flat array.</summary>
    public static float[] Logits(GptModel model, int[] ids)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return model.forward(tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length])).data<float>().ToArray();
    }

    public static int[] Prompt => Tokenizer.Encode("<|user|>What is 12 plus 30?<|end|><|assistant|>The answer is 42.");
}
