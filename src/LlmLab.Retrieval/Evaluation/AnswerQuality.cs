using LlmLab.Retrieval.Search;

namespace LlmLab.Retrieval.Evaluation;

/// <summary>Answer quality of one answerer over a question set.</summary>
/// <param name="TokenF1">Mean SQuAD token F1 against the gold answers (refusals score 0).</param>
/// <param name="CitationPrecision">Share of cited chunks whose source is relevant, over all answers' citations.</param>
/// <param name="ValidCitations">Share of answers whose citations name only given chunks (and at least one).</param>
/// <param name="RefusalRate">Share of questions refused.</param>
/// <param name="MillisecondsPerAnswer">Mean time to retrieve and answer.</param>
/// <param name="Faithfulness">Mean, over answered questions, of the share of answer sentences a cited chunk supports
/// (<see cref="FaithfulnessChecker"/>); NaN when no question was answered.</param>
/// <param name="Latency">Mean wall time per stage and question.</param>
/// <param name="Judge">A chat judge's verdicts on the same answers (<see cref="ChatFaithfulnessJudge"/>); null when none
/// was configured.</param>
public sealed record AnswerQuality(double TokenF1, double CitationPrecision, double ValidCitations, double RefusalRate,
    double MillisecondsPerAnswer, double Faithfulness, StageLatency Latency, JudgeTally? Judge = null);
