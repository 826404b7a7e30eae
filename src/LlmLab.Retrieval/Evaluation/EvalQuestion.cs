namespace LlmLab.Retrieval.Evaluation;

/// <summary>One line of a question set: <c>{"question", "answer", "relevant": [source ids]}</c>.</summary>
/// <param name="Question">The question asked.</param>
/// <param name="Answer">The gold answer (for token F1); may be empty.</param>
/// <param name="Relevant">Source ids whose chunks answer it; a retrieved chunk counts when its source is listed.</param>
public sealed record EvalQuestion(string Question, string Answer, IReadOnlyList<string> Relevant);
