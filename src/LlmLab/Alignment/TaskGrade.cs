namespace LlmLab.Alignment;

/// <summary>How a reply fared against its reference: was the answer right, and was it in the expected shape (a number,
/// a JSON object, a tool call) at all.</summary>
/// <param name="Correct">The parsed answer equals the reference's parsed answer.</param>
/// <param name="FormatValid">The reply could be parsed as the family's answer format.</param>
public readonly record struct TaskGrade(bool Correct, bool FormatValid);
