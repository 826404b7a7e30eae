using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmLab.Retrieval.Evaluation;

/// <summary>
/// <see cref="ChatFaithfulnessJudge"/> as a Microsoft.Extensions.AI.Evaluation <see cref="IEvaluator"/>, so a RAG answer can
/// be scored beside that library's evaluators and in its reports. The judge is the <see cref="ChatConfiguration"/>'s
/// client (the library's convention for model-based evaluators); the chunks come as a <see cref="RetrievedChunksContext"/>;
/// the answer is the response's text with its <c>[n]</c> citations. Metrics: <see cref="FaithfulnessMetricName"/> (share
/// of sentences judged supported, null for an answer without sentences), <see cref="UnparseableMetricName"/> and
/// <see cref="FailedMetricName"/> (counts); each failed call is an error diagnostic and each unreadable reply a warning.
/// </summary>
public sealed class FaithfulnessEvaluator : IEvaluator
{
    /// <summary>Share of answer sentences the judge found supported by the chunks they cite (0–1).</summary>
    public const string FaithfulnessMetricName = "RAG Faithfulness";

    /// <summary>Sentences whose verdict could not be read.</summary>
    public const string UnparseableMetricName = "RAG Faithfulness Unparseable Verdicts";

    /// <summary>Sentences whose judge call failed.</summary>
    public const string FailedMetricName = "RAG Faithfulness Failed Verdicts";

    /// <inheritdoc />
    public IReadOnlyCollection<string> EvaluationMetricNames => [FaithfulnessMetricName, UnparseableMetricName, FailedMetricName];

    /// <inheritdoc />
    public async ValueTask<EvaluationResult> EvaluateAsync(IEnumerable<ChatMessage> messages, ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null, IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelResponse);
        var score = new NumericMetric(FaithfulnessMetricName);
        var unparseable = new NumericMetric(UnparseableMetricName);
        var failed = new NumericMetric(FailedMetricName);
        var result = new EvaluationResult(score, unparseable, failed);
        var context = additionalContext?.OfType<RetrievedChunksContext>().FirstOrDefault();
        if (chatConfiguration is null || context is null)
        {
            score.AddDiagnostics(EvaluationDiagnostic.Error(chatConfiguration is null
                ? $"{nameof(FaithfulnessEvaluator)} needs a {nameof(ChatConfiguration)} whose client is the judge"
                : $"{nameof(FaithfulnessEvaluator)} needs a {nameof(RetrievedChunksContext)} with the chunks the answer cites"));
            return result;
        }
        var f = await new ChatFaithfulnessJudge(chatConfiguration.ChatClient)
            .CheckAsync(modelResponse.Text, context.Chunks, cancellationToken).ConfigureAwait(false);
        int supported = f.Sentences.Count(s => s.Supported);
        score.Value = f.Sentences.Count == 0 ? null : f.Score;
        score.Reason = f.Sentences.Count == 0 ? "the answer has no sentence to judge (a refusal)"
            : $"{supported} of {f.Sentences.Count} sentences judged supported by the chunks they cite";
        unparseable.Value = f.Count(JudgeVerdict.Unparseable);
        failed.Value = f.Count(JudgeVerdict.Failed);
        for (int i = 0; i < f.Sentences.Count; i++)
        {
            var s = f.Sentences[i];
            string where = $"sentence {(i + 1).ToString(CultureInfo.InvariantCulture)}";
            if (s.Verdict == JudgeVerdict.Failed) failed.AddDiagnostics(EvaluationDiagnostic.Error($"{where}: {s.JudgeNote}"));
            if (s.Verdict == JudgeVerdict.Unparseable)
                unparseable.AddDiagnostics(EvaluationDiagnostic.Warning($"{where}: unreadable verdict: {s.JudgeNote}"));
        }
        if (f.Count(JudgeVerdict.Failed) + f.Count(JudgeVerdict.Unparseable) > 0)
            score.Interpretation = new EvaluationMetricInterpretation(EvaluationRating.Inconclusive, failed: false,
                reason: "some verdicts are missing (unparseable or failed) and were counted as unsupported");
        return result;
    }
}
