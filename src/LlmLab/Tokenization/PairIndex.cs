using System.Runtime.InteropServices;

namespace LlmLab.Tokenization;

/// <summary>
/// Step 2 of BPE training: for every adjacent pair of tokens in the distinct words, its count (summed word
/// frequencies) and the positions where it occurs, plus a max-heap of pairs by count — so each merge touches only
/// the words that hold the merged pair, never the whole corpus (the approach of HF tokenizers' BPE trainer).
/// </summary>
/// <remarks>
/// <para>Order (deterministic): the highest count first; on a tie, the smallest (left id, right id). On Wikipedia's
/// "aaabdaaabac" this merges "aa", then "ab" (before "Za", which has the same count), then "ZY".</para>
/// <para>Lazy heap: a pair is pushed with its count when it is created, and counts only fall afterwards (a merge only
/// creates pairs that contain the new token). A popped entry whose count is stale is pushed again with the current
/// count, so the first fresh entry popped is the true maximum. Position lists may hold stale positions; the trainer
/// checks each before merging there.</para>
/// </remarks>
internal sealed class PairIndex
{
    internal sealed class Pair
    {
        public long Count;
        public readonly List<int> Positions = [];
    }

    sealed class ByCountThenPair : IComparer<(long Count, long Key)>
    {
        public int Compare((long Count, long Key) x, (long Count, long Key) y)
        {
            int c = y.Count.CompareTo(x.Count); // a min-heap: the larger count comes out first
            return c != 0 ? c : x.Key.CompareTo(y.Key); // key = left << 32 | right: ordered by left, then right
        }
    }

    readonly Dictionary<long, Pair> _pairs = new(PairTable.KeyComparer);
    readonly PriorityQueue<long, (long Count, long Key)> _heap = new(new ByCountThenPair());
    readonly HashSet<long> _touched = new(PairTable.KeyComparer);

    /// <summary>Distinct pairs with a positive count.</summary>
    public int Count => _pairs.Count;

    /// <summary>Counts <paramref name="frequency"/> more occurrences of <paramref name="key"/> at <paramref name="position"/>.</summary>
    public void Add(long key, long frequency, int position)
    {
        ref Pair? pair = ref CollectionsMarshal.GetValueRefOrAddDefault(_pairs, key, out _);
        pair ??= new Pair();
        pair.Count += frequency;
        pair.Positions.Add(position);
        _touched.Add(key);
    }

    /// <summary>Counts <paramref name="frequency"/> fewer occurrences of <paramref name="key"/>; forgets it at zero.</summary>
    public void Subtract(long key, long frequency)
    {
        if (!_pairs.TryGetValue(key, out var pair)) return; // the pair being merged, already taken out
        pair.Count -= frequency;
        if (pair.Count <= 0) _pairs.Remove(key);
    }

    /// <summary>Puts the pairs added since the last call on the heap.</summary>
    public void PushAdded()
    {
        foreach (long key in _touched)
            if (_pairs.TryGetValue(key, out var pair)) _heap.Enqueue(key, (pair.Count, key));
        _touched.Clear();
    }

    /// <summary>Takes the best pair out of the index.</summary>
    public bool TryTakeBest(out long key, out Pair pair)
    {
        while (_heap.TryDequeue(out key, out var entry))
        {
            if (!_pairs.TryGetValue(key, out pair!)) continue; // gone to zero
            if (pair.Count != entry.Count) { _heap.Enqueue(key, (pair.Count, key)); continue; } // fell since pushed
            _pairs.Remove(key);
            return true;
        }
        pair = null!;
        return false;
    }
}
