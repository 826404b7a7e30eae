namespace LlmLab.Alignment;

/// <summary>The dataset after <see cref="TeacherParaphraser"/>, and what happened to the conversations it sent. Immutable.</summary>
/// <param name="Dataset">The dataset with kept paraphrases in place of their originals (test set unchanged).</param>
/// <param name="Sent">Training conversations sent to the teacher.</param>
/// <param name="Outcomes">How many ended each way.</param>
public sealed record ParaphraseReport(SyntheticDataset Dataset, int Sent, IReadOnlyDictionary<ParaphraseOutcome, int> Outcomes)
{
    /// <summary>One line for the CLI: kept, then each rejection reason with its count.</summary>
    public string Summary() =>
        $"teacher: {Outcomes[ParaphraseOutcome.Kept]} of {Sent} paraphrases kept; rejected: " +
        string.Join(", ", Outcomes.Where(kv => kv.Key != ParaphraseOutcome.Kept).Select(kv => $"{kv.Value} {Label(kv.Key)}"));

    static string Label(ParaphraseOutcome o) => o switch
    {
        ParaphraseOutcome.TeacherFailed => "teacher errors",
        ParaphraseOutcome.Malformed => "malformed",
        ParaphraseOutcome.Unchanged => "unchanged",
        ParaphraseOutcome.LostSlot => "lost a value",
        ParaphraseOutcome.NearTest => "worded like a test prompt",
        _ => "wrong answer on verification",
    };
}
