namespace LlmLab.Agents.Memory;

/// <summary>The outcome of a <see cref="MemoryEvaluator"/> run: every answer and every retrieval, with the aggregates the
/// lab reports. Immutable.</summary>
/// <param name="K">Memories retrieved per question.</param>
/// <param name="Answers">One per question × condition × answerer.</param>
/// <param name="Retrievals">One per question.</param>
public sealed record MemoryEvalReport(int K, IReadOnlyList<MemoryEvalReport.AnswerOutcome> Answers,
    IReadOnlyList<MemoryEvalReport.RetrievalOutcome> Retrievals)
{
    /// <summary>One answer.</summary>
    /// <param name="User">The conversation.</param>
    /// <param name="Question">The question id.</param>
    /// <param name="Category">Its category.</param>
    /// <param name="Condition">memory, full-context or no-memory.</param>
    /// <param name="Answerer">"reference" or a model's name.</param>
    /// <param name="Answer">What it answered.</param>
    /// <param name="Correct">Judged by <see cref="MemoryEvaluator.IsCorrect"/>.</param>
    /// <param name="PromptTokens">Tokens of the prompt.</param>
    /// <param name="Milliseconds">Retrieval (memory condition) plus answering.</param>
    public sealed record AnswerOutcome(string User, string Question, string Category, string Condition, string Answerer, string Answer,
        bool Correct, int PromptTokens, double Milliseconds);

    /// <summary>One retrieval.</summary>
    /// <param name="User">The conversation.</param>
    /// <param name="Question">The question id.</param>
    /// <param name="Category">Its category.</param>
    /// <param name="Recall">Share of the evidence turns covered by the top k; null for a no-answer question.</param>
    /// <param name="OutdatedRetrieved">A retrieved memory holds one of the question's outdated values.</param>
    /// <param name="Retrieved">Labels of the retrieved memories, best first.</param>
    public sealed record RetrievalOutcome(string User, string Question, string Category, double? Recall, bool OutdatedRetrieved,
        IReadOnlyList<string> Retrieved);

    /// <summary>The reference answerer's abstention threshold (best similarity under which it says it does not know).</summary>
    public double AbstainBelow { get; init; } = double.NaN;

    /// <summary>True when <see cref="AbstainBelow"/> was calibrated on <see cref="Validation"/>, false when it was given.</summary>
    public bool Calibrated { get; init; }

    /// <summary>Ids of the questions of the set's validation part (the threshold's calibration); the rest is the test part.</summary>
    public IReadOnlySet<string> Validation { get; init; } = new HashSet<string>();

    /// <summary>How an answerer's abstentions under a condition fare against the set's no-answer questions — on the test
    /// part (<paramref name="validation"/> false), the validation part (true) or all (null): abstentions, right ones
    /// (on a no-answer question), no-answer questions; precision = right / abstentions, recall = right / no-answer.</summary>
    public (int Abstained, int Right, int NoAnswer, double Precision, double Recall) Abstention(string answerer, string condition,
        bool? validation)
    {
        var list = Select(answerer, condition, null)
            .Where(a => validation is null || Validation.Contains(a.Question) == validation).ToList();
        int abstained = list.Count(a => ReferenceAnswerer.Abstains(a.Answer));
        int right = list.Count(a => ReferenceAnswerer.Abstains(a.Answer) && a.Category == "no-answer");
        int noAnswer = list.Count(a => a.Category == "no-answer");
        return (abstained, right, noAnswer, abstained == 0 ? double.NaN : right / (double)abstained,
            noAnswer == 0 ? double.NaN : right / (double)noAnswer);
    }

    /// <summary>Mean recall@k over questions with evidence (of one category when given).</summary>
    public double RecallAtK(string? category = null) =>
        Retrievals.Where(r => r.Recall is not null && (category is null || r.Category == category)).Select(r => r.Recall!.Value)
            .DefaultIfEmpty(double.NaN).Average();

    /// <summary>Share of updated-fact questions whose retrieved memories hold an outdated value.</summary>
    public double OutdatedRate => Retrievals.Where(r => r.Category == "updated").Select(r => r.OutdatedRetrieved ? 1.0 : 0.0)
        .DefaultIfEmpty(double.NaN).Average();

    /// <summary>Accuracy of an answerer under a condition (of one category when given).</summary>
    public double Accuracy(string answerer, string condition, string? category = null) =>
        Select(answerer, condition, category).Select(a => a.Correct ? 1.0 : 0.0).DefaultIfEmpty(double.NaN).Average();

    /// <summary>Mean prompt tokens per question.</summary>
    public double MeanTokens(string answerer, string condition) =>
        Select(answerer, condition, null).Select(a => (double)a.PromptTokens).DefaultIfEmpty(double.NaN).Average();

    /// <summary>Mean milliseconds per question.</summary>
    public double MeanMilliseconds(string answerer, string condition) =>
        Select(answerer, condition, null).Select(a => a.Milliseconds).DefaultIfEmpty(double.NaN).Average();

    /// <summary>The answerers present, reference first.</summary>
    public IReadOnlyList<string> Answerers => Answers.Select(a => a.Answerer).Distinct().ToList();

    IEnumerable<AnswerOutcome> Select(string answerer, string condition, string? category) =>
        Answers.Where(a => a.Answerer == answerer && a.Condition == condition && (category is null || a.Category == category));
}
