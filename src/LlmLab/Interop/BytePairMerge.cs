namespace LlmLab.Interop;

/// <summary>
/// Rank-ordered BPE merging over a word's symbols, as Hugging Face's <c>tokenizers</c> merges a word: repeatedly merge the
/// adjacent pair with the lowest rank, the leftmost among equal ranks, until no adjacent pair has a merge. A priority queue
/// of candidate pairs (rank, position) over a linked list of symbols makes it O(n log n); a candidate whose symbols changed
/// since it was queued is skipped when it comes up. Stateless.
/// </summary>
static class BytePairMerge
{
    /// <summary>The merged ids of <paramref name="symbols"/>.</summary>
    /// <param name="symbols">The word's initial ids.</param>
    /// <param name="merges">(left id, right id) → (rank, merged id).</param>
    public static List<int> Apply(List<int> symbols, IReadOnlyDictionary<(int, int), (int Rank, int Id)> merges)
    {
        int n = symbols.Count;
        if (n < 2) return symbols;
        var id = symbols.ToArray();
        var prev = new int[n];
        var next = new int[n];
        var alive = new bool[n];
        for (int i = 0; i < n; i++) (prev[i], next[i], alive[i]) = (i - 1, i + 1 < n ? i + 1 : -1, true);
        var queue = new PriorityQueue<(int Left, int LeftId, int RightId), (int Rank, int Position)>();
        void Offer(int left)
        {
            int right = next[left];
            if (right >= 0 && merges.TryGetValue((id[left], id[right]), out var m))
                queue.Enqueue((left, id[left], id[right]), (m.Rank, left));
        }
        for (int i = 0; i + 1 < n; i++) Offer(i);
        while (queue.TryDequeue(out var c, out _))
        {
            int right = next[c.Left];
            // Stale: the left symbol was merged away, or either side changed since this pair was queued.
            if (!alive[c.Left] || right < 0 || id[c.Left] != c.LeftId || id[right] != c.RightId) continue;
            id[c.Left] = merges[(c.LeftId, c.RightId)].Id;
            alive[right] = false;
            next[c.Left] = next[right];
            if (next[right] >= 0) prev[next[right]] = c.Left;
            if (prev[c.Left] >= 0) Offer(prev[c.Left]);
            Offer(c.Left);
        }
        var result = new List<int>(n);
        for (int i = 0; i >= 0; i = next[i]) result.Add(id[i]);
        return result;
    }
}
