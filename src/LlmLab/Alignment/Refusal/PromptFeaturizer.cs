using System.Text.Json.Nodes;

namespace LlmLab.Alignment.Refusal;

/// <summary>
/// Turns prompts into <see cref="FeatureVector"/>s for a <see cref="RefusalClassifier"/>: hashed n-grams
/// (<see cref="NgramFeaturizer"/>) or sentence embeddings through an injected Microsoft.Extensions.AI
/// <c>IEmbeddingGenerator</c> (<see cref="EmbeddingFeaturizer"/>). Every vector has unit L2 norm (or is zero), which
/// bounds the logistic loss's curvature and so fixes the training step. <see cref="Describe"/> is what a gate file
/// stores to rebuild the same featurizer.
/// </summary>
public abstract class PromptFeaturizer
{
    /// <summary>"ngram" or "embedding" (the gate file's <c>features.kind</c>).</summary>
    public abstract string Kind { get; }

    /// <summary>The feature dimension (weights per classifier).</summary>
    public abstract int Dimension { get; }

    /// <summary>The features of each text, in order.</summary>
    public abstract Task<IReadOnlyList<FeatureVector>> FeaturizeAsync(IReadOnlyList<string> texts,
        CancellationToken cancellationToken = default);

    /// <summary>The settings that rebuild this featurizer, as the gate file's <c>features</c> object.</summary>
    public abstract JsonObject Describe();

    /// <summary>A short description for reports ("hashed word 1–2-grams + char 4-grams, 16384 buckets").</summary>
    public abstract string Title { get; }
}
