namespace LlmLab.Alignment.Refusal;

/// <summary>
/// The gate's classifier: a <see cref="PromptFeaturizer"/> then our <see cref="LogisticRegression"/>; its score is
/// p(unsafe | prompt). Immutable; thread-safe when the featurizer is.
/// </summary>
public sealed class RefusalClassifier
{
    /// <param name="featurizer">Turns prompts into features (not owned).</param>
    /// <param name="model">Weights over the featurizer's dimension.</param>
    /// <exception cref="InputException">The model's weight count differs from the featurizer's dimension.</exception>
    public RefusalClassifier(PromptFeaturizer featurizer, LogisticRegression model)
    {
        ArgumentNullException.ThrowIfNull(featurizer);
        ArgumentNullException.ThrowIfNull(model);
        if (model.Weights.Length != featurizer.Dimension)
            throw new InputException($"the classifier has {model.Weights.Length} weights but its features have {featurizer.Dimension} " +
                $"dimensions");
        (Featurizer, Model) = (featurizer, model);
    }

    public PromptFeaturizer Featurizer { get; }
    public LogisticRegression Model { get; }

    /// <summary>Trains on labelled prompts (unsafe = positive class).</summary>
    /// <exception cref="InputException">Bad options, or a single class in <paramref name="data"/>.</exception>
    public static async Task<RefusalClassifier> TrainAsync(PromptFeaturizer featurizer, IReadOnlyList<RefusalPrompt> data,
        LogisticRegressionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(featurizer);
        ArgumentNullException.ThrowIfNull(data);
        var x = await featurizer.FeaturizeAsync(data.Select(p => p.Text).ToArray(), cancellationToken).ConfigureAwait(false);
        var model = LogisticRegression.Train(x, data.Select(p => p.Unsafe).ToArray(), featurizer.Dimension, options);
        return new RefusalClassifier(featurizer, model);
    }

    /// <summary>p(unsafe) of each text.</summary>
    public async Task<double[]> ScoreAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var x = await Featurizer.FeaturizeAsync(texts, cancellationToken).ConfigureAwait(false);
        return x.Select(Model.Probability).ToArray();
    }
}
