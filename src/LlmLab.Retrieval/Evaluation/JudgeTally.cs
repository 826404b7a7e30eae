using System.Globalization;

namespace LlmLab.Retrieval.Evaluation;

/// <summary>A <see cref="ChatFaithfulnessJudge"/>'s verdicts over a set of answers.</summary>
/// <param name="Faithfulness">Mean, over answers with at least one sentence, of the share of sentences judged supported
/// (unparseable and failed verdicts count as unsupported); NaN when no answer had a sentence.</param>
/// <param name="Answers">Answers judged (refusals have no sentence and are not counted).</param>
/// <param name="Sentences">Sentences over those answers.</param>
/// <param name="Supported">Sentences judged supported.</param>
/// <param name="NotSupported">Sentences judged not supported.</param>
/// <param name="Uncited">Sentences citing no given chunk (not sent to the judge).</param>
/// <param name="Unparseable">Replies <see cref="ChatFaithfulnessJudge.Parse"/> could not read.</param>
/// <param name="Failed">Calls that failed.</param>
/// <param name="FirstError">The first failed call's error, one line; null when none failed.</param>
/// <param name="FirstUnparseable">The first unreadable reply, one line; null when none.</param>
public sealed record JudgeTally(double Faithfulness, int Answers, int Sentences, int Supported, int NotSupported, int Uncited,
    int Unparseable, int Failed, string? FirstError, string? FirstUnparseable)
{
    /// <summary>Adds up the judge's verdicts on each answer.</summary>
    public static JudgeTally Of(IEnumerable<Faithfulness> answers)
    {
        var judged = answers.Where(a => a.Sentences.Count > 0).ToList();
        var all = judged.SelectMany(a => a.Sentences).ToList();
        int Count(JudgeVerdict v) => all.Count(s => s.Verdict == v);
        return new JudgeTally(judged.Count == 0 ? double.NaN : judged.Average(a => a.Score), judged.Count, all.Count,
            Count(JudgeVerdict.Supported), Count(JudgeVerdict.NotSupported), Count(JudgeVerdict.Uncited),
            Count(JudgeVerdict.Unparseable), Count(JudgeVerdict.Failed),
            all.FirstOrDefault(s => s.Verdict == JudgeVerdict.Failed)?.JudgeNote,
            all.FirstOrDefault(s => s.Verdict == JudgeVerdict.Unparseable)?.JudgeNote);
    }

    /// <summary>One line: the score and every count, then the first error or unreadable reply, if any.</summary>
    public string Summary()
    {
        string score = double.IsNaN(Faithfulness) ? "n/a" : Faithfulness.ToString("F2", CultureInfo.InvariantCulture);
        string line = $"judge faithfulness {score} over {Answers} answers: {Sentences} sentences, {Supported} supported, " +
            $"{NotSupported} not supported, {Uncited} uncited, {Unparseable} unparseable, {Failed} failed";
        if (FirstError is not null) line += $" (first error: {FirstError})";
        else if (FirstUnparseable is not null) line += $" (first unreadable reply: {FirstUnparseable})";
        return line;
    }

    /// <summary>The counts keyed as the CLI's JSON prints them (faithfulness left out when NaN: JSON has none).</summary>
    public Dictionary<string, double> ToDictionary()
    {
        var d = new Dictionary<string, double>
        {
            ["answers"] = Answers, ["sentences"] = Sentences, ["supported"] = Supported, ["not_supported"] = NotSupported,
            ["uncited"] = Uncited, ["unparseable"] = Unparseable, ["failed"] = Failed,
        };
        if (!double.IsNaN(Faithfulness)) d["faithfulness"] = Faithfulness;
        return d;
    }
}
