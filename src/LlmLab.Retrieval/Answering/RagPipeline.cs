using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Search;

namespace LlmLab.Retrieval.Answering;

/// <summary>
/// Retrieve, then answer with citations, or refuse when the best chunk's cosine similarity to the question is below
/// <see cref="RefusalThreshold"/>. An answer whose citations name chunks that were not given is replaced by the
/// refusal (a model must not cite what it was not shown). Thread-safe when its parts are.
/// </summary>
public sealed class RagPipeline(HybridRetriever retriever, IRagAnswerer answerer)
{
    /// <summary>Chunks retrieved and numbered for the answerer.</summary>
    public int K { get; init; } = 5;

    /// <summary>Retrieval mode.</summary>
    public RetrievalMode Mode { get; init; } = RetrievalMode.Hybrid;

    /// <summary>Minimum cosine similarity of the best chunk. MiniLM puts unrelated English pairs near 0–0.15
    /// (0.1046 for the README's weather vs stadium) and paraphrases above 0.5; 0.25 sits between.</summary>
    public double RefusalThreshold { get; init; } = 0.25;

    /// <summary>Answers <paramref name="question"/>; <paramref name="filter"/> restricts the chunks searched. The answer
    /// carries the wall time of each stage.</summary>
    public async Task<RagAnswer> AskAsync(string question, Func<Chunk, bool>? filter = null, CancellationToken cancellationToken = default)
    {
        var latency = new StageLatency();
        var chunks = retriever.Search(question, K, Mode, filter, latency);
        var empty = new CitationCheck([], []);
        if (chunks.Count == 0 || chunks.Max(c => c.Similarity) < RefusalThreshold)
        {
            return new RagAnswer(GroundedPrompt.Refusal, chunks, empty, Refused: true, latency);
        }
        long t = System.Diagnostics.Stopwatch.GetTimestamp();
        string text = await answerer.AnswerAsync(question, chunks, cancellationToken).ConfigureAwait(false);
        latency.GenerateMs = StageLatency.Since(t);
        var check = CitationCheck.Of(text, chunks.Count);
        if (check.Invented.Count > 0 || text.Contains(GroundedPrompt.Refusal, StringComparison.Ordinal))
        {
            return new RagAnswer(GroundedPrompt.Refusal, chunks, check, Refused: true, latency);
        }
        return new RagAnswer(text, chunks, check, Refused: false, latency);
    }
}
