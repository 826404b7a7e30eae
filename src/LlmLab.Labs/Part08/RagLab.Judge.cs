using LlmLab.Labs.Framework;
using LlmLab.Retrieval.Evaluation;

namespace LlmLab.Labs.Part08;

/// <summary>Lab 8.1's chat-model faithfulness judge: reported when one is configured, beside the lexical checker (the
/// checked figure) and on the same negative control.</summary>
public sealed partial class RagLab
{
    static void JudgeTable(LabContext ctx, RagLabConfig cfg, AnswerQuality extractive, double control, JudgeTally? judgedControl,
        AnswerQuality? chat)
    {
        if (extractive.Judge is null || judgedControl is null)
        {
            ctx.Report.Paragraph("No faithfulness judge configured: `--set 8.1:judge=NAME [--set 8.1:judge_base_url=URL]` (an " +
                "endpoint's model, key from OPENAI_API_KEY, or a checkpoint folder) asks a chat model, sentence by sentence, " +
                "whether the chunks cited support it, and reports its verdicts here beside the lexical checker's; " +
                "`llmlab rag eval --answers --judge-model NAME` does the same for any question set.");
            return;
        }
        var rows = new List<string[]>
        {
            JudgeRow("extractive answers", extractive.Faithfulness, extractive.Judge),
            JudgeRow("same answers, citations moved to the next chunk (negative control)", control, judgedControl),
        };
        if (chat?.Judge is not null) rows.Add(JudgeRow($"{cfg.OpenaiModel} (endpoint) answers", chat.Faithfulness, chat.Judge));
        ctx.Report.Table(["answers", "lexical faithfulness", "judge faithfulness", "sentences", "supported", "not supported",
            "uncited", "unparseable", "failed"], rows,
            $"judge: {cfg.Judge}{(cfg.JudgeBaseUrl.Length > 0 ? " at " + cfg.JudgeBaseUrl : "")}, temperature 0, one call per " +
            "cited sentence with only the chunks it cites; an unparseable or failed verdict counts as unsupported. Reported, " +
            "not checked: the lexical checker is the lab's checked figure. A sound judge scores the control low, as the lexical " +
            "checker must.");
        foreach (var (name, t) in new[] { ("extractive", extractive.Judge), ("control", judgedControl), ("chat", chat?.Judge) })
        {
            if (t is null) continue;
            ctx.Metrics.Log(new { part = "judge", answers = name, judge = cfg.Judge, faithfulness = double.IsNaN(t.Faithfulness) ?
                (double?)null : t.Faithfulness, sentences = t.Sentences, supported = t.Supported, not_supported = t.NotSupported,
                uncited = t.Uncited, unparseable = t.Unparseable, failed = t.Failed });
            if (t.FirstError is not null || t.FirstUnparseable is not null)
                ctx.Report.Paragraph($"Judge on {name} answers: {t.Summary()}.");
        }
    }

    static string[] JudgeRow(string name, double lexical, JudgeTally t) =>
        [name, F(lexical), F(t.Faithfulness), t.Sentences.ToString(C), t.Supported.ToString(C), t.NotSupported.ToString(C),
            t.Uncited.ToString(C), t.Unparseable.ToString(C), t.Failed.ToString(C)];
}
