using System.Globalization;
using LlmLab.Retrieval;

namespace LlmLab.Agents.Memory;

/// <summary>
/// A scripted answerer whose behaviour is known, the reference the lab's answer checks rest on (a tiny local model's
/// answers are too poor to check anything with). It reads only what it is given: it ranks the context by cosine
/// similarity to the question (questions in it are skipped), abstains ("I don't know.") when nothing is similar
/// enough, and otherwise answers with the best item — and the runner-up when it is nearly as similar, for questions
/// that need two memories — each with its date. So its accuracy measures the context a memory system hands over, not
/// the answerer. Thread-safe (stateless).
/// </summary>
/// <param name="abstainBelow">Best cosine similarity under which it abstains (0.3 by default; the lab calibrates it on its
/// set's validation part: <see cref="AbstentionThreshold"/>).</param>
/// <param name="secondWithin">The runner-up is included when its similarity is within this of the best.</param>
public sealed class ReferenceAnswerer(double abstainBelow = 0.3, double secondWithin = 0.1)
{
    /// <summary>What it says when it abstains.</summary>
    public const string Abstention = "I don't know.";

    /// <summary>The similarity under which it abstains.</summary>
    public double AbstainBelow => abstainBelow;

    /// <summary>The answer to a question (unit-length embedding <paramref name="question"/>) from <paramref name="context"/>.</summary>
    public string Answer(float[] question, IReadOnlyList<MemoryRecord> context)
    {
        var ranked = Ranked(question, context).Take(2).ToList();
        if (ranked.Count == 0 || ranked[0].Similarity < abstainBelow) return Abstention;
        var used = ranked.Where((x, i) => i == 0 || x.Similarity >= ranked[0].Similarity - secondWithin);
        return string.Join(" ", used.Select(x => $"{x.Memory.Text.TrimEnd()} (on {Date(x.Memory.CreatedAt)})"));
    }

    /// <summary>The similarity of the memory it would answer with (−1 when the context holds none): what it compares with
    /// its threshold.</summary>
    public static double BestSimilarity(float[] question, IReadOnlyList<MemoryRecord> context) =>
        Ranked(question, context).Select(x => x.Similarity).DefaultIfEmpty(-1).First();

    static IEnumerable<(MemoryRecord Memory, double Similarity)> Ranked(float[] question, IReadOnlyList<MemoryRecord> context)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(context);
        // A question (an earlier one of the user's) says nothing about the answer: it is never quoted.
        return context.Where(m => !m.Text.TrimEnd().EndsWith('?'))
            .Select(m => (Memory: m, Similarity: (double)VectorMath.Dot(question, m.Embedding)))
            .OrderByDescending(x => x.Similarity).ThenByDescending(x => x.Memory.CreatedAt);
    }

    /// <summary>True when <paramref name="answer"/> is an abstention (ours, or a model's "I don't know").</summary>
    public static bool Abstains(string answer) =>
        answer.Contains("don't know", StringComparison.OrdinalIgnoreCase) || answer.Contains("do not know",
            StringComparison.OrdinalIgnoreCase)
        || answer.Contains("not in memory", StringComparison.OrdinalIgnoreCase);

    static string Date(DateTimeOffset t) => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
