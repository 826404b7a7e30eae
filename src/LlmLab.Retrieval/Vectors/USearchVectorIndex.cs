using Cloud.Unum.USearch;

namespace LlmLab.Retrieval.Vectors;

/// <summary>
/// USearch (NuGet Cloud.Unum.USearch, Unum's HNSW in C++) behind <see cref="IVectorIndex"/>: the peer our
/// <see cref="HnswIndex"/> is measured against, at the same M, ef_construction and ef_search. Filters are applied
/// after search on an over-fetched list. Dispose releases the native index. Not thread-safe for writes.
/// </summary>
public sealed class USearchVectorIndex : IVectorIndex, IDisposable
{
    readonly USearchIndex _index;

    /// <summary>A cosine index with the given graph parameters.</summary>
    public USearchVectorIndex(int dimensions, HnswOptions options)
    {
        Dimensions = dimensions;
        _index = new USearchIndex(MetricKind.Cos, ScalarKind.Float32, (ulong)dimensions,
            (ulong)options.M, (ulong)options.EfConstruction, (ulong)options.EfSearch);
    }

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public int Count => (int)_index.Size();

    /// <summary>The SIMD back-end USearch chose on this CPU (e.g. "haswell").</summary>
    public string Acceleration => _index.HardwareAcceleration();

    /// <inheritdoc />
    public void Add(long key, ReadOnlySpan<float> vector)
    {
        if (_index.Contains((ulong)key)) _index.Remove((ulong)key);
        _index.Add((ulong)key, vector.ToArray());
    }

    /// <summary>Adds many vectors in one native call.</summary>
    public void AddRange(long[] keys, float[][] vectors) => _index.Add(keys.Select(k => (ulong)k).ToArray(), vectors);

    /// <inheritdoc />
    public bool Remove(long key) => _index.Remove((ulong)key) > 0;

    /// <inheritdoc />
    public List<(long Key, float Score)> Search(ReadOnlySpan<float> query, int k, Func<long, bool>? filter = null)
    {
        int fetch = filter is null ? k : Math.Min(Count, k * 4);
        int n = _index.Search(query.ToArray(), fetch, out ulong[] keys, out float[] distances);
        var result = new List<(long, float)>(k);
        for (int i = 0; i < n && result.Count < k; i++)
        {
            if (filter is null || filter((long)keys[i])) result.Add(((long)keys[i], 1f - distances[i]));
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _index.Dispose();
}
