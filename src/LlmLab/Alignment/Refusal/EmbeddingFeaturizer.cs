using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LlmLab.Alignment.Refusal;

/// <summary>
/// Sentence-embedding features through an injected Microsoft.Extensions.AI <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/>
/// (lab 7.3 and the CLI inject MiniLM, <c>LlmLab.Retrieval.Embeddings.OnnxSentenceEncoder</c>; the core library cannot
/// reference that assembly, and any other generator drops in), each vector scaled to unit L2 norm. The gate file
/// records the model id and dimension, and a generator that returns another dimension is refused. Thread safety is
/// the generator's.
/// </summary>
public sealed class EmbeddingFeaturizer : PromptFeaturizer
{
    readonly IEmbeddingGenerator<string, Embedding<float>> _generator;

    /// <param name="generator">The embedding model (not owned).</param>
    /// <param name="modelId">Its id, recorded in the gate file (e.g. "all-MiniLM-L6-v2").</param>
    /// <param name="dimension">Its output dimension.</param>
    public EmbeddingFeaturizer(IEmbeddingGenerator<string, Embedding<float>> generator, string modelId, int dimension)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (string.IsNullOrWhiteSpace(modelId)) throw new InputException("the embedding model id must not be empty");
        if (dimension < 1) throw new InputException($"the embedding dimension must be >= 1 (got {dimension})");
        (_generator, ModelId, Dimension) = (generator, modelId, dimension);
    }

    /// <summary>The embedding model's id.</summary>
    public string ModelId { get; }

    public override string Kind => "embedding";
    public override int Dimension { get; }
    public override string Title => $"{ModelId} sentence embeddings ({Dimension} dimensions)";

    public override JsonObject Describe() => new() { ["kind"] = Kind, ["model"] = ModelId, ["dimension"] = Dimension };

    /// <exception cref="InputException">The generator returned a vector of another dimension, or not one per text.</exception>
    public override async Task<IReadOnlyList<FeatureVector>> FeaturizeAsync(IReadOnlyList<string> texts,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) return [];
        var embeddings = await _generator.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != texts.Count)
            throw new InputException($"the embedding model returned {embeddings.Count} vectors for {texts.Count} texts");
        var list = new FeatureVector[texts.Count];
        for (int i = 0; i < list.Length; i++)
        {
            float[] v = embeddings[i].Vector.ToArray();
            if (v.Length != Dimension)
                throw new InputException($"the embedding model returned {v.Length} dimensions where the gate expects {Dimension} " +
                    $"({ModelId})");
            double norm = Math.Sqrt(v.Sum(e => (double)e * e));
            if (norm > 0) for (int j = 0; j < v.Length; j++) v[j] = (float)(v[j] / norm);
            list[i] = FeatureVector.Dense(v);
        }
        return list;
    }
}
