using LlmLab.Nn.Recurrent;
using LlmLab.Runtime;

namespace LlmLab.Training;

/// <summary>A trained recurrent LM with its training record and its score over the whole validation text. Owns the
/// model: dispose it.</summary>
/// <param name="Model">The trained model.</param>
/// <param name="Training">Steps and evaluations on fixed validation windows.</param>
/// <param name="Validation">Total nats over every validation token, read as a stateful model reads (<see cref="RecurrentLmScorer"/>).</param>
public sealed record RecurrentLmOutcome(RecurrentLanguageModel Model, TrainingResult Training, TextScore Validation) : IDisposable
{
    public void Dispose() => Model.Dispose();
}

/// <summary>
/// One experiment of Part 3: build a <see cref="RecurrentLanguageModel"/> from a seed, train it with
/// <see cref="Trainer"/> on random windows of the training tokens while evaluating on fixed windows of the validation
/// tokens, then score the whole validation text. Two calls with the same seed start from the same weights (when the
/// configs have the same shapes) and see the same batches, so models differ only by what they are.
/// </summary>
public static class RecurrentLmTraining
{
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public static RecurrentLmOutcome Train(RecurrentLmConfig config, int[] train, int[] validation, TrainerOptions options, long seed,
        Action<StepMetrics>? onStep = null, Action<EvalMetrics>? onEval = null, Action<string>? log = null, int scoreStreams = 16)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        options.Validate();
        Seeding.SeedTorch(Seeding.DeriveSeed(seed, "recurrent-lm-init")); // weights and dropout masks
        var model = new RecurrentLanguageModel(config);
        try
        {
            using var eval = EvalSet.FromTokens(validation, options.Context, options.Batch, options.EvalBatches);
            var batches = new TokenWindowBatches(train, options.Batch, options.Context, Seeding.DeriveSeed(seed, "recurrent-lm-batches"));
            var result = new Trainer(model, LanguageModelLoss.For(model), options).Run(batches, eval, onStep, onEval, log);
            var score = RecurrentLmScorer.Score(model, validation, scoreStreams, options.Context);
            return new RecurrentLmOutcome(model, result, score);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
