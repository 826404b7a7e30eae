namespace LlmLab.Data.Dedup;

/// <summary>
/// Disjoint sets over 0..n−1 (Tarjan's union-find with union by size and path halving: near-constant time per
/// operation). <see cref="Smallest"/> names each set by its smallest member, an id that depends only on the sets,
/// never on the order of the unions. Not thread-safe.
/// </summary>
public sealed class UnionFind
{
    readonly int[] _parent;
    readonly int[] _size;

    public UnionFind(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _parent = new int[count];
        _size = new int[count];
        for (int i = 0; i < count; i++) { _parent[i] = i; _size[i] = 1; }
    }

    public int Count => _parent.Length;

    /// <summary>The representative of <paramref name="x"/>'s set (an internal root, not stable: use <see cref="Smallest"/> for
    /// ids).</summary>
    public int Find(int x)
    {
        while (_parent[x] != x)
        {
            _parent[x] = _parent[_parent[x]];
            x = _parent[x];
        }
        return x;
    }

    /// <summary>Joins the sets of <paramref name="a"/> and <paramref name="b"/>; false when they were already one.</summary>
    public bool Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        if (ra == rb) return false;
        if (_size[ra] < _size[rb]) (ra, rb) = (rb, ra);
        _parent[rb] = ra;
        _size[ra] += _size[rb];
        return true;
    }

    /// <summary>The size of <paramref name="x"/>'s set.</summary>
    public int SizeOf(int x) => _size[Find(x)];

    /// <summary>For every element, the smallest member of its set: deterministic set ids.</summary>
    public int[] Smallest()
    {
        var minOfRoot = new int[_parent.Length];
        Array.Fill(minOfRoot, int.MaxValue);
        for (int i = 0; i < _parent.Length; i++)
        {
            int r = Find(i);
            if (i < minOfRoot[r]) minOfRoot[r] = i;
        }
        var result = new int[_parent.Length];
        for (int i = 0; i < _parent.Length; i++) result[i] = minOfRoot[Find(i)];
        return result;
    }
}
