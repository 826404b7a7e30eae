using LlmLab.Retrieval.Search;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmLab.Retrieval.Evaluation;

/// <summary>The chunks an answer was grounded in, in the order it numbers them (<c>[n]</c> is <c>Chunks[n − 1]</c>), as
/// Microsoft.Extensions.AI.Evaluation context for <see cref="FaithfulnessEvaluator"/>. Its contents (what a report shows)
/// are the chunks' texts under their numbers.</summary>
public sealed class RetrievedChunksContext(IReadOnlyList<RetrievedChunk> chunks)
    : EvaluationContext(ContextName, chunks.Select((c, i) => (AIContent)new TextContent($"[{i + 1}] {c.Chunk.Chunk.Text}")).ToList())
{
    /// <summary>The context's name.</summary>
    public const string ContextName = "Retrieved chunks (RAG)";

    /// <summary>The chunks, in citation order.</summary>
    public IReadOnlyList<RetrievedChunk> Chunks { get; } = chunks;
}
