using System.Text;
using System.Text.RegularExpressions;
using LlmLab.Retrieval.Search;
using Microsoft.Extensions.AI;

namespace LlmLab.Retrieval.Answering;

/// <summary>
/// The default answerer when no capable chat model is configured: (1) split the given chunks into sentences;
/// (2) score each by the mean of two cosine similarities to the question: the sentence's own and its chunk's (a
/// sentence that matches the question inside an off-topic chunk is a weaker answer); (3) answer with the best
/// <see cref="MaxSentences"/> sentences (kept in document order), each followed by the <c>[n]</c> of its chunk.
/// Every sentence is copied from a source, so the answer is faithful by construction; its weakness is fluency.
/// </summary>
public sealed partial class ExtractiveAnswerer(IEmbeddingGenerator<string, Embedding<float>> embedder) : IRagAnswerer
{
    /// <summary>Sentences in an answer.</summary>
    public int MaxSentences { get; init; } = 2;

    /// <summary>Sentences shorter than this many characters (headings, fragments) are not candidates.</summary>
    public int MinSentenceLength { get; init; } = 20;

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z0-9(\""'])|\n\s*\n")]
    private static partial Regex SentenceBreak();

    /// <summary>Sentences of a text (a simple splitter: end punctuation before a capital, or a blank line).</summary>
    public static IEnumerable<string> Sentences(string text) =>
        SentenceBreak().Split(text).Select(s => Regex.Replace(s, @"\s+", " ").Trim()).Where(s => s.Length > 0);

    /// <inheritdoc />
    public async Task<string> AnswerAsync(string question, IReadOnlyList<RetrievedChunk> chunks,
        CancellationToken cancellationToken = default)
    {
        var candidates = new List<(int Chunk, int Order, string Sentence)>();
        for (int i = 0; i < chunks.Count; i++)
        {
            int order = 0;
            foreach (var s in Sentences(chunks[i].Chunk.Chunk.Text))
            {
                if (s.Length >= MinSentenceLength) candidates.Add((i, order, s));
                order++;
            }
        }
        if (candidates.Count == 0) return GroundedPrompt.Refusal;
        var vectors = await embedder.GenerateAsync([question, .. candidates.Select(c => c.Sentence)], cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        var q = VectorMath.Normalized(vectors[0].Vector.Span);
        var best = candidates.Select((c, i) => (c, Score: 0.5 * VectorMath.Cosine(q, vectors[i + 1].Vector.Span)
            + 0.5 * chunks[c.Chunk].Similarity))
            .OrderByDescending(x => x.Score).Take(MaxSentences)
            .OrderBy(x => x.c.Chunk).ThenBy(x => x.c.Order);
        var sb = new StringBuilder();
        foreach (var (c, _) in best)
        {
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(c.Sentence).Append(" [").Append(c.Chunk + 1).Append(']');
        }
        return sb.ToString();
    }
}
