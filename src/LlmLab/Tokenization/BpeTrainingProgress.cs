namespace LlmLab.Tokenization;

/// <summary>Where training is: <see cref="Phase"/> "counting" (<see cref="Done"/> = documents read, total unknown: 0)
/// or "merging" (merges done of <see cref="Total"/>).</summary>
public readonly record struct BpeTrainingProgress(string Phase, long Done, long Total);
