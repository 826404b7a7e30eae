using LlmLab.Retrieval;

namespace LlmLab.Agents.Memory;

/// <summary>
/// Ranks a user's memories for a query by relevance (cosine of MiniLM embeddings), recency and importance, as Park et
/// al. 2023 retrieve a generative agent's memories. Current facts, summaries and messages compete in one list;
/// superseded facts and stale messages (whose every fact was superseded) are history and left out, so an updated fact
/// wins over the message that stated the old value. Exact scan: a user's memory is thousands of rows, not millions.
/// Thread-safe (stateless).
/// </summary>
public sealed class MemoryRetriever(MemoryOptions options)
{
    /// <summary>The options used.</summary>
    public MemoryOptions Options { get; } = options;

    /// <summary>The top <paramref name="k"/> memories of <paramref name="candidates"/> for a unit-length query vector.</summary>
    /// <param name="query">The query's embedding, unit length.</param>
    /// <param name="candidates">The memories to rank.</param>
    /// <param name="now">The time recency is measured from.</param>
    /// <param name="k">How many to return.</param>
    /// <param name="exclude">Memories not to return (e.g. messages already in the context).</param>
    public IReadOnlyList<ScoredMemory> Rank(float[] query, IEnumerable<MemoryRecord> candidates, DateTimeOffset now, int k,
        Func<MemoryRecord, bool>? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var scored = new List<ScoredMemory>();
        foreach (var m in candidates)
        {
            if (m.SupersededBy is not null || m.Stale || exclude?.Invoke(m) == true) continue;
            double relevance = VectorMath.Dot(query, m.Embedding);
            if (relevance < Options.MinRelevance) continue;
            double hours = Math.Max(0, (now - m.CreatedAt).TotalHours);
            double recency = Math.Pow(Options.RecencyDecayPerHour, hours);
            double score = Options.RelevanceWeight * relevance + Options.RecencyWeight * recency + Options.ImportanceWeight * m.Importance;
            scored.Add(new ScoredMemory(m, score, relevance, recency));
        }
        // Ties (equal scores) broken by kind, then id, so that a ranking is reproducible.
        return scored.OrderByDescending(s => s.Score).ThenBy(s => s.Record.Kind).ThenBy(s => s.Record.Id).Take(k).ToList();
    }

    /// <summary>Every retrievable memory of a user in the store: current facts, summaries and messages.</summary>
    public static IReadOnlyList<MemoryRecord> Candidates(MemoryStore store, string user) =>
        [.. store.Facts(user), .. store.Summaries(user), .. store.Messages(user)];
}
