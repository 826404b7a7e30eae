namespace LlmLab.Retrieval.Vectors;

/// <summary>Brute-force cosine search: every vector scored. The ground truth for recall. Not thread-safe for writes.</summary>
public sealed class ExactIndex : IVectorIndex
{
    readonly Dictionary<long, float[]> _vectors = new();

    /// <summary>An empty index of the given width.</summary>
    public ExactIndex(int dimensions) => Dimensions = dimensions;

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public int Count => _vectors.Count;

    /// <inheritdoc />
    public void Add(long key, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimensions) throw new ArgumentException($"vector has {vector.Length} dimensions, index {Dimensions}");
        _vectors[key] = VectorMath.Normalized(vector);
    }

    /// <inheritdoc />
    public bool Remove(long key) => _vectors.Remove(key);

    /// <inheritdoc />
    public List<(long Key, float Score)> Search(ReadOnlySpan<float> query, int k, Func<long, bool>? filter = null)
    {
        var q = VectorMath.Normalized(query);
        var top = new PriorityQueue<long, float>(); // min-heap of the best k by score
        foreach (var (key, v) in _vectors)
        {
            if (filter is not null && !filter(key)) continue;
            float s = VectorMath.Dot(q, v);
            if (top.Count < k) top.Enqueue(key, s);
            else if (top.TryPeek(out _, out float worst) && s > worst) top.DequeueEnqueue(key, s);
        }
        var result = new List<(long, float)>(top.Count);
        while (top.TryDequeue(out long key, out float s)) result.Add((key, s));
        result.Reverse();
        return result;
    }
}
