using System.Text.RegularExpressions;
using LlmLab.Retrieval.Answering;
using LlmLab.Retrieval.Lexical;
using LlmLab.Retrieval.Search;
using Microsoft.Extensions.AI;

namespace LlmLab.Retrieval.Evaluation;

/// <summary>
/// Is each sentence of an answer supported by a chunk it cites? An NLI-free proxy for RAGAS-style faithfulness
/// (Es et al. 2023, "claims supported by the context"), restricted to the <em>cited</em> chunks so that a right claim
/// with a wrong citation counts against the answer. Steps: (1) cut the answer into claims: the text before each group
/// of <c>[n]</c> citations is one segment, cut into sentences; every sentence of a segment takes the segment's
/// citations (a sentence before any citation, or after the last, cites nothing and is unsupported); (2) a sentence's
/// content terms are its words lower-cased, minus English stop words but keeping "no" and "not"; its token recall in a
/// chunk is the share of those terms the chunk contains; (3) with an embedder, also the best cosine between the sentence
/// and the cited chunk's own sentences; (4) supported when the token recall reaches <see cref="MinTokenRecall"/> or the
/// cosine reaches <see cref="MinCosine"/>.
/// </summary>
/// <remarks>
/// Limits, by construction: word overlap is not entailment. A sentence that recombines a chunk's words into a false
/// claim ("Debian 12 replaced Debian 11's kernel" from a chunk naming both) passes; a faithful paraphrase in other words
/// fails the lexical test and passes only through the embedding proxy, which in turn scores a negated or
/// number-swapped sentence close to the original (MiniLM places "X is Y" and "X is not Y" near each other). So the
/// score catches invented content and misattributed citations, not subtle contradictions; an <c>IChatClient</c> judge is
/// the stronger tool where a capable model is at hand. Thread-safe when the embedder is.
/// </remarks>
public sealed partial class FaithfulnessChecker(IEmbeddingGenerator<string, Embedding<float>>? embedder = null) : IFaithfulnessChecker
{
    /// <summary>Lucene's English stop words without the negations, so "not" is a content term that must be supported.</summary>
    static readonly TextAnalyzer Analyzer = new(TextAnalyzer.EnglishStopWords.Where(w => w is not ("no" or "not")).ToHashSet());

    /// <summary>Share of a sentence's content terms a cited chunk must contain. 0.6: a sentence copied from the chunk scores
    /// 1; one that adds a clause of its own (two or three new terms in a ten-term sentence) still passes, one whose main
    /// content is new does not.</summary>
    public double MinTokenRecall { get; init; } = 0.6;

    /// <summary>Cosine to a sentence of a cited chunk that counts as support. 0.8: above MiniLM's 0.7553 for "A man is eating
    /// food." vs "A man is eating a piece of bread." (related, not entailed) and far above unrelated pairs (~0.1).</summary>
    public double MinCosine { get; init; } = 0.8;

    [GeneratedRegex(@"(?:\s*\[\d+(?:\s*,\s*\d+)*\])+")]
    private static partial Regex CitationGroup();

    /// <inheritdoc />
    public async Task<Faithfulness> CheckAsync(string answer, IReadOnlyList<RetrievedChunk> chunks,
        CancellationToken cancellationToken = default)
    {
        var claims = Claims(answer, chunks.Count);
        if (claims.Count == 0) return new Faithfulness([]);
        var chunkTerms = new Dictionary<int, HashSet<string>>();
        foreach (int n in claims.SelectMany(c => c.Cited).Distinct())
        {
            chunkTerms[n] = Analyzer.Analyze(chunks[n - 1].Chunk.Chunk.Text).ToHashSet(StringComparer.Ordinal);
        }
        var cosines = embedder is null ? null : await Cosines(claims, chunks, cancellationToken).ConfigureAwait(false);
        var result = new List<SentenceSupport>();
        for (int i = 0; i < claims.Count; i++)
        {
            var (sentence, cited) = claims[i];
            var terms = Analyzer.Analyze(sentence).Distinct(StringComparer.Ordinal).ToList();
            double recall = cited.Count == 0 || terms.Count == 0 ? 0
                : cited.Max(n => (double)terms.Count(chunkTerms[n].Contains) / terms.Count);
            double? cos = cosines?[i];
            bool supported = cited.Count > 0 && (recall >= MinTokenRecall || cos >= MinCosine);
            result.Add(new SentenceSupport(sentence, cited, recall, cos, supported));
        }
        return new Faithfulness(result);
    }

    /// <summary>The answer's sentences with the valid chunk numbers each cites (step 1). The refusal sentence is no claim.</summary>
    public static List<(string Sentence, List<int> Cited)> Claims(string answer, int chunkCount)
    {
        var claims = new List<(string, List<int>)>();
        if (answer.Contains(GroundedPrompt.Refusal, StringComparison.Ordinal)) return claims;
        int start = 0;
        foreach (Match? m in CitationGroup().Matches(answer).Append(null))
        {
            string segment = m is null ? answer[start..] : answer[start..m.Index];
            List<int> cited = m is null ? [] : CitationCheck.Of(m.Value, chunkCount).Cited.ToList();
            foreach (var s in ExtractiveAnswerer.Sentences(segment))
            {
                string sentence = s.TrimStart('.', ',', ';', ':', ' ').Trim();
                if (sentence.Any(char.IsLetterOrDigit)) claims.Add((sentence, cited));
            }
            if (m is not null) start = m.Index + m.Length;
        }
        return claims;
    }

    async Task<double[]> Cosines(List<(string Sentence, List<int> Cited)> claims, IReadOnlyList<RetrievedChunk> chunks,
        CancellationToken cancellationToken)
    {
        var chunkSentences = claims.SelectMany(c => c.Cited).Distinct()
            .ToDictionary(n => n, n => ExtractiveAnswerer.Sentences(chunks[n - 1].Chunk.Chunk.Text).ToList());
        var texts = claims.Select(c => c.Sentence).Concat(chunkSentences.Values.SelectMany(s => s)).ToList();
        var vectors = (await embedder!.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false))
            .Select(e => VectorMath.Normalized(e.Vector.Span)).ToList();
        var offset = new Dictionary<int, int>();
        int at = claims.Count;
        foreach (var (n, list) in chunkSentences) { offset[n] = at; at += list.Count; }
        var result = new double[claims.Count];
        for (int i = 0; i < claims.Count; i++)
        {
            double best = 0;
            foreach (int n in claims[i].Cited)
            {
                for (int j = 0; j < chunkSentences[n].Count; j++) best = Math.Max(best, VectorMath.Dot(vectors[i], vectors[offset[n] + j]));
            }
            result[i] = best;
        }
        return result;
    }
}
