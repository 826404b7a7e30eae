using LlmLab.Retrieval;
using LlmLab.Retrieval.Embeddings;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Retrieval;

/// <summary>all-MiniLM-L6-v2 on ONNX Runtime against the figures sentence-transformers publishes for it.</summary>
public class MiniLmEncoderTests
{
    static readonly Lazy<OnnxSentenceEncoder> Encoder = new(() => OnnxSentenceEncoder.CreateMiniLm(threads: 1));

    [Fact]
    public async Task ReadmeExampleSimilarities()
    {
        // sentence-transformers README (all-MiniLM-L6-v2): similarity matrix [[1, 0.6660, 0.1046], [., 1, 0.1411], ...].
        string[] s = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."];
        var e = await Encoder.Value.GenerateAsync(s);
        Assert.Equal(3, e.Count);
        Assert.All(e, x => Assert.Equal(384, x.Vector.Length));
        Assert.Equal(0.6660, VectorMath.Cosine(e[0].Vector.Span, e[1].Vector.Span), 1e-3);
        Assert.Equal(0.1046, VectorMath.Cosine(e[0].Vector.Span, e[2].Vector.Span), 1e-3);
        Assert.Equal(0.1411, VectorMath.Cosine(e[1].Vector.Span, e[2].Vector.Span), 1e-3);
    }

    [Fact]
    public void ManEatingFood()
    {
        // The same ONNX model under another runtime gives 0.7553 for this pair.
        var v = Encoder.Value.Embed(["A man is eating food.", "A man is eating a piece of bread."]);
        Assert.Equal(0.7553, VectorMath.Dot(v[0], v[1]), 1e-3);
    }

    [Fact]
    public void BatchingAndPaddingDoNotChangeVectors()
    {
        string[] texts = ["short", "a considerably longer sentence that pads the short one in its batch", "mid length text"];
        var together = Encoder.Value.Embed(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            var alone = Encoder.Value.Embed([texts[i]])[0];
            Assert.True(VectorMath.Dot(alone, together[i]) > 0.99999f, $"text {i} differs when batched");
            Assert.Equal(1.0, Math.Sqrt(VectorMath.Dot(alone, alone)), 1e-5);
        }
    }

    [Fact]
    public void LongTextIsTruncatedNotRejected()
    {
        var v = Encoder.Value.Embed([string.Join(' ', Enumerable.Repeat("token", 1000))])[0];
        Assert.Equal(384, v.Length);
        Assert.Equal(MiniLmModel.ModelId, Encoder.Value.Metadata.DefaultModelId);
    }
}
