namespace LlmLab.Alignment;

/// <summary>How a model did on one task family's test conversations.</summary>
/// <param name="Family">The family's name.</param>
/// <param name="Count">Conversations graded.</param>
/// <param name="Correct">Replies whose parsed answer was right.</param>
/// <param name="FormatValid">Replies in the family's answer format (a number, a JSON object, a tool call).</param>
/// <param name="NoRoom">Conversations whose reference reply could not have been written: it has more tokens than the
/// generation budget (max_tokens, and what the context leaves after the prompt). Such a question is wrong whatever the
/// model knows — a setting to fix, not a capacity limit.</param>
/// <param name="Cut">Replies that ended at max_tokens or a full context rather than where the template ends a turn.</param>
public sealed record FamilyScore(string Family, int Count, int Correct, int FormatValid, int NoRoom = 0, int Cut = 0)
{
    /// <summary>Correct / Count (exact match of the parsed answer).</summary>
    public double Accuracy => Count == 0 ? 0 : Correct / (double)Count;

    /// <summary>FormatValid / Count.</summary>
    public double FormatValidity => Count == 0 ? 0 : FormatValid / (double)Count;
}
