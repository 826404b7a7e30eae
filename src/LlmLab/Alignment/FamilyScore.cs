namespace LlmLab.Alignment;

/// <summary>How a model did on one task family's test conversations.</summary>
/// <param name="Family">The family's name.</param>
/// <param name="Count">Conversations graded.</param>
/// <param name="Correct">Replies whose parsed answer was right.</param>
/// <param name="FormatValid">Replies in the family's answer format (a number, a JSON object, a tool call).</param>
public sealed record FamilyScore(string Family, int Count, int Correct, int FormatValid)
{
    /// <summary>Correct / Count (exact match of the parsed answer).</summary>
    public double Accuracy => Count == 0 ? 0 : Correct / (double)Count;

    /// <summary>FormatValid / Count.</summary>
    public double FormatValidity => Count == 0 ? 0 : FormatValid / (double)Count;
}
