namespace LlmLab.Data.Shards;

/// <summary>
/// One source of the mixture and its accounting, as <c>index.json</c> records it. "Available" counts the tokens of the
/// source's documents (each followed by the separator); "taken" what the mixture used. Epochs = taken / available: above 1
/// the source was up-sampled (its chunks repeated, each pass in a new shuffled order), below 1 only part of it was used.
/// Immutable.
/// </summary>
/// <param name="Name">The source's name (NAME of <c>--source NAME=PATH</c>).</param>
/// <param name="Origin">Where it was read from (the path as given, or "sdk-docs").</param>
/// <param name="Weight">The weight given, or null when the proportions came from the temperature.</param>
/// <param name="Target">The target proportion of the mixture (weights normalised, or temperature sampling).</param>
/// <param name="Documents">Documents read (train and validation).</param>
/// <param name="ValDocuments">Of those, documents in the validation split.</param>
/// <param name="TrainAvailable">Tokens of its training documents.</param>
/// <param name="ValAvailable">Tokens of its validation documents.</param>
/// <param name="TrainTaken">Tokens the training shards hold from it.</param>
/// <param name="ValTaken">Tokens the validation shards hold from it.</param>
/// <param name="TrainRealised">TrainTaken over all training tokens.</param>
/// <param name="ValRealised">ValTaken over all validation tokens (0 when there is no validation split).</param>
/// <param name="Epochs">TrainTaken / TrainAvailable.</param>
public sealed record ShardSourceEntry(string Name, string Origin, double? Weight, double Target, long Documents, long ValDocuments,
    long TrainAvailable, long ValAvailable, long TrainTaken, long ValTaken, double TrainRealised, double ValRealised, double Epochs);
