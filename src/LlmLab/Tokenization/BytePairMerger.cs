using System.Runtime.CompilerServices;

namespace LlmLab.Tokenization;

/// <summary>
/// Byte-pair merging of one piece, tiktoken's rule (openai/tiktoken <c>_byte_pair_merge</c>, also
/// Microsoft.ML.Tokenizers): start from single bytes; while some adjacent pair of parts concatenates to a token, merge
/// the pair whose token has the lowest rank, the leftmost on ties. A token's rank is its id (ids follow merge order in
/// every vocabulary we build or load).
/// </summary>
/// <remarks>
/// Pairs are looked up as two ids in a <see cref="PairTable"/> holding every split of every token into two tokens:
/// with this rule any two adjacent parts whose bytes make a token merge, whichever merge made that token in training.
/// Short pieces use a linear scan over a small array (cache-friendly); long ones a heap over a linked list. Immutable,
/// thread-safe.
/// </remarks>
internal sealed class BytePairMerger
{
    /// <summary>Up to this many bytes, merge by linear scan; above, by heap (tiktoken switches at 100, ML.Tokenizers at 128).</summary>
    const int LinearScanMaxBytes = 128;

    readonly int[] _byteIds;
    readonly PairTable _pairs;

    /// <param name="tokens">The bytes of each token by id (null where an id is unused or special).</param>
    /// <param name="byteIds">The id of each byte value.</param>
    /// <param name="idOf">The id of each token's bytes (built by the caller, who usually needs it too).</param>
    public BytePairMerger(IReadOnlyList<byte[]?> tokens, int[] byteIds, Dictionary<byte[], int> idOf)
    {
        _byteIds = byteIds;
        var lookup = idOf.GetAlternateLookup<ReadOnlySpan<byte>>();
        var entries = new List<KeyValuePair<long, int>>(tokens.Count * 2); // one byte string per pair: no conflicting repeats
        for (int id = 0; id < tokens.Count; id++)
        {
            if (tokens[id] is not { Length: > 1 } bytes) continue;
            for (int cut = 1; cut < bytes.Length; cut++)
                if (lookup.TryGetValue(bytes.AsSpan(0, cut), out int left) && lookup.TryGetValue(bytes.AsSpan(cut), out int right))
                    entries.Add(KeyValuePair.Create(PairTable.Key(left, right), id));
        }
        _pairs = new PairTable(entries);
    }

    /// <summary>The id of each token's bytes, for the constructor.</summary>
    public static Dictionary<byte[], int> IdsByBytes(IReadOnlyList<byte[]?> tokens)
    {
        var idOf = new Dictionary<byte[], int>(tokens.Count, ByteSequenceComparer.Instance);
        for (int id = 0; id < tokens.Count; id++)
            if (tokens[id] is { } b) idOf.TryAdd(b, id);
        return idOf;
    }

    /// <summary>Appends the merge of <paramref name="bytes"/> to <paramref name="ids"/>, using only tokens of id below
    /// <paramref name="maxRank"/> (int.MaxValue: all; a token's own id: how it was built from two lower ones).</summary>
    public void Merge(ReadOnlySpan<byte> bytes, List<int> ids, int maxRank = int.MaxValue)
    {
        if (bytes.Length == 0) return;
        if (bytes.Length == 1) { ids.Add(_byteIds[bytes[0]]); return; }
        if (bytes.Length <= LinearScanMaxBytes) MergeByScan(bytes, ids, maxRank);
        else MergeByHeap(bytes, ids, maxRank);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int Rank(int left, int right, int maxRank)
    {
        int merged = _pairs.Get(left, right);
        return merged < maxRank ? merged : int.MaxValue;
    }

    // parts[i]: the token at i; ranks[i]: the rank of merging parts[i] with parts[i + 1] (int.MaxValue: none).
    void MergeByScan(ReadOnlySpan<byte> bytes, List<int> ids, int maxRank)
    {
        Span<int> parts = stackalloc int[bytes.Length];
        Span<int> ranks = stackalloc int[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) parts[i] = _byteIds[bytes[i]];
        for (int i = 0; i + 1 < bytes.Length; i++) ranks[i] = Rank(parts[i], parts[i + 1], maxRank);
        int n = bytes.Length;
        while (n > 1)
        {
            // 1. The lowest rank, leftmost on ties (strict <).
            int best = int.MaxValue, at = -1;
            for (int i = 0; i + 1 < n; i++)
                if (ranks[i] < best) { best = ranks[i]; at = i; }
            if (at < 0) break;
            // 2. Merge parts[at] and parts[at + 1]; close the gap.
            parts[at] = best;
            parts.Slice(at + 2, n - at - 2).CopyTo(parts[(at + 1)..]);
            ranks.Slice(at + 2, n - at - 2).CopyTo(ranks[(at + 1)..]);
            n--;
            // 3. Only the two pairs that touch the new part change.
            ranks[at] = at + 1 < n ? Rank(parts[at], parts[at + 1], maxRank) : int.MaxValue;
            if (at > 0) ranks[at - 1] = Rank(parts[at - 1], parts[at], maxRank);
        }
        foreach (int id in parts[..n]) ids.Add(id);
    }

    // The same rule for long pieces in O(n log n): a doubly linked list of parts and a min-heap of (rank, position)
    // with lazy deletion — an entry is stale when its position is gone or its pair has changed since.
    void MergeByHeap(ReadOnlySpan<byte> bytes, List<int> ids, int maxRank)
    {
        int n = bytes.Length;
        var parts = new int[n];
        var next = new int[n];
        var prev = new int[n];
        var ranks = new int[n];
        var heap = new PriorityQueue<int, long>(n);
        for (int i = 0; i < n; i++) { parts[i] = _byteIds[bytes[i]]; next[i] = i + 1 < n ? i + 1 : -1; prev[i] = i - 1; }
        for (int i = 0; i + 1 < n; i++) Push(i, Rank(parts[i], parts[i + 1], maxRank));
        ranks[n - 1] = int.MaxValue;
        while (heap.TryDequeue(out int at, out long priority))
        {
            int rank = (int)(priority >> 32);
            if (ranks[at] != rank) continue; // stale
            int right = next[at];
            parts[at] = rank;
            next[at] = next[right];
            if (next[at] >= 0) prev[next[at]] = at;
            ranks[right] = -1; // gone
            Push(at, next[at] >= 0 ? Rank(parts[at], parts[next[at]], maxRank) : int.MaxValue);
            if (prev[at] >= 0) Push(prev[at], Rank(parts[prev[at]], parts[at], maxRank));
        }
        for (int i = 0; i >= 0; i = next[i]) ids.Add(parts[i]);

        void Push(int position, int rank)
        {
            ranks[position] = rank;
            if (rank != int.MaxValue) heap.Enqueue(position, ((long)rank << 32) | (uint)position);
        }
    }
}
