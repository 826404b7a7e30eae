namespace LlmLab.Retrieval.Vectors;

/// <summary>
/// Hierarchical Navigable Small World graph, written from Malkov &amp; Yashunin (2018): Algorithm 1 (INSERT),
/// Algorithm 2 (SEARCH-LAYER), Algorithm 4 (SELECT-NEIGHBORS-HEURISTIC, keeping pruned connections) and
/// Algorithm 5 (K-NN-SEARCH). Distance is 1 − cosine similarity on vectors normalised at insertion.
/// Deletes are tombstones: a deleted node still routes searches (removing it would cut the graph) but is never
/// returned; replacing a key deletes its old node and inserts a new one. <see cref="HnswSerializer"/> persists it.
/// </summary>
/// <remarks>Not thread-safe for writes; concurrent searches without writers are safe.</remarks>
public sealed class HnswIndex : IVectorIndex
{
    internal readonly List<float[]> Vectors = [];
    internal readonly List<long> Keys = [];
    internal readonly List<int[][]> Links = [];       // Links[node][layer] = neighbour ids
    internal readonly List<bool> Deleted = [];
    internal readonly Dictionary<long, int> NodeOfKey = new();
    internal int EntryPoint = -1;
    internal int TopLayer = -1;
    readonly Random _rng;
    readonly double _levelMultiplier;
    readonly ThreadLocal<VisitedSet> _visited;

    /// <summary>An empty index of the given width.</summary>
    public HnswIndex(int dimensions, HnswOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        Options = options ?? new HnswOptions();
        Options.Validate();
        Dimensions = dimensions;
        _rng = new Random(Options.Seed);
        _levelMultiplier = 1 / Math.Log(Options.M); // the paper's optimal m_L = 1/ln(M)
        _visited = new ThreadLocal<VisitedSet>(() => new VisitedSet());
    }

    /// <summary>Parameters of the graph.</summary>
    public HnswOptions Options { get; }

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public int Count => NodeOfKey.Count;

    /// <summary>Nodes in the graph, deleted ones included.</summary>
    public int NodeCount => Vectors.Count;

    /// <summary>Candidate-list size for searches (settable between searches to trade recall for speed).</summary>
    public int EfSearch { get; set; } = -1;

    int MaxLinks(int layer) => layer == 0 ? 2 * Options.M : Options.M;

    float Distance(float[] a, float[] b) => 1f - VectorMath.Dot(a, b);

    /// <inheritdoc />
    public void Add(long key, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimensions) throw new ArgumentException($"vector has {vector.Length} dimensions, index {Dimensions}");
        Remove(key);
        var q = VectorMath.Normalized(vector);
        int level = (int)Math.Floor(-Math.Log(1 - _rng.NextDouble()) * _levelMultiplier); // Alg. 1 line 4
        Insert(key, q, level);
    }

    internal void Insert(long key, float[] q, int level)
    {
        int node = Vectors.Count;
        Vectors.Add(q);
        Keys.Add(key);
        Deleted.Add(false);
        var links = new int[level + 1][];
        for (int l = 0; l <= level; l++) links[l] = [];
        Links.Add(links);
        NodeOfKey[key] = node;
        if (EntryPoint < 0) { EntryPoint = node; TopLayer = level; return; }

        // Alg. 1 lines 5–7: greedy descent (ef = 1) through the layers above the new node's level.
        int ep = EntryPoint;
        for (int l = TopLayer; l > level; l--) ep = GreedyClosest(q, ep, l);
        // Lines 8–16: on each shared layer, find ef_construction candidates, link to M chosen by the heuristic.
        var entry = new List<int> { ep };
        for (int l = Math.Min(level, TopLayer); l >= 0; l--)
        {
            var candidates = SearchLayer(q, entry, Options.EfConstruction, l);
            var chosen = SelectNeighbors(q, candidates, Options.M);
            links[l] = chosen.ToArray();
            foreach (int e in chosen) Connect(e, node, l);
            entry = candidates.Select(c => c.Node).ToList();
        }
        if (level > TopLayer) { EntryPoint = node; TopLayer = level; } // lines 17–18
    }

    /// <summary>Adds a back link e → node, shrinking e's list with the heuristic when it overflows (Alg. 1 lines 12–15).</summary>
    void Connect(int e, int node, int layer)
    {
        var current = Links[e][layer];
        if (current.Length < MaxLinks(layer))
        {
            Links[e][layer] = [.. current, node];
            return;
        }
        var ve = Vectors[e];
        var candidates = current.Append(node).Select(n => (Node: n, Dist: Distance(ve, Vectors[n]))).ToList();
        Links[e][layer] = SelectNeighbors(ve, candidates, MaxLinks(layer)).ToArray();
    }

    /// <summary>Alg. 4 with keepPrunedConnections: take a candidate only if it is closer to q than to every one taken.</summary>
    List<int> SelectNeighbors(float[] q, List<(int Node, float Dist)> candidates, int m)
    {
        var result = new List<int>(m);
        var pruned = new List<int>();
        foreach (var (c, d) in candidates.OrderBy(x => x.Dist))
        {
            if (result.Count >= m) break;
            bool good = true;
            foreach (int r in result)
            {
                if (Distance(Vectors[c], Vectors[r]) < d) { good = false; break; }
            }
            if (good) result.Add(c); else pruned.Add(c);
        }
        for (int i = 0; i < pruned.Count && result.Count < m; i++) result.Add(pruned[i]);
        return result;
    }

    int GreedyClosest(float[] q, int ep, int layer)
    {
        float best = Distance(q, Vectors[ep]);
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (int n in Links[ep][layer])
            {
                float d = Distance(q, Vectors[n]);
                if (d < best) { best = d; ep = n; changed = true; }
            }
        }
        return ep;
    }

    /// <summary>Alg. 2: best-first search from the entry points, keeping the ef nearest found; nearest first.</summary>
    List<(int Node, float Dist)> SearchLayer(float[] q, List<int> entryPoints, int ef, int layer)
    {
        var visited = _visited.Value!;
        visited.Reset(Vectors.Count);
        var candidates = new PriorityQueue<int, float>();  // nearest first
        var found = new PriorityQueue<int, float>();       // furthest first (negated distance)
        foreach (int ep in entryPoints)
        {
            if (!visited.Add(ep)) continue;
            float d = Distance(q, Vectors[ep]);
            candidates.Enqueue(ep, d);
            found.Enqueue(ep, -d);
        }
        while (candidates.TryDequeue(out int c, out float dc))
        {
            found.TryPeek(out _, out float negWorst);
            if (dc > -negWorst) break; // every remaining candidate is further than the worst kept
            foreach (int e in Links[c][layer])
            {
                if (!visited.Add(e)) continue;
                float de = Distance(q, Vectors[e]);
                found.TryPeek(out _, out negWorst);
                if (found.Count < ef || de < -negWorst)
                {
                    candidates.Enqueue(e, de);
                    found.Enqueue(e, -de);
                    if (found.Count > ef) found.Dequeue();
                }
            }
        }
        var result = new List<(int, float)>(found.Count);
        while (found.TryDequeue(out int n, out float negD)) result.Add((n, -negD));
        result.Reverse();
        return result;
    }

    /// <inheritdoc />
    public bool Remove(long key)
    {
        if (!NodeOfKey.Remove(key, out int node)) return false;
        Deleted[node] = true;
        return true;
    }

    /// <inheritdoc />
    public List<(long Key, float Score)> Search(ReadOnlySpan<float> query, int k, Func<long, bool>? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (EntryPoint < 0) return [];
        var q = VectorMath.Normalized(query);
        int ep = EntryPoint;
        for (int l = TopLayer; l > 0; l--) ep = GreedyClosest(q, ep, l); // Alg. 5 lines 4–6
        int ef = Math.Max(EfSearch > 0 ? EfSearch : Options.EfSearch, k);
        // Deleted or filtered nodes route but are not answers: widen the list by the share they take.
        if (filter is not null || Count < NodeCount) ef = Math.Min(NodeCount, ef * Math.Max(1, NodeCount / Math.Max(Count, 1)) + k);
        var result = new List<(long, float)>(k);
        foreach (var (n, d) in SearchLayer(q, [ep], ef, 0))
        {
            if (Deleted[n] || (filter is not null && !filter(Keys[n]))) continue;
            result.Add((Keys[n], 1f - d));
            if (result.Count == k) break;
        }
        return result;
    }

    /// <summary>A reusable visited set: a generation stamp per node, so clearing is O(1).</summary>
    sealed class VisitedSet
    {
        int[] _stamp = [];
        int _generation;

        public void Reset(int size)
        {
            if (_stamp.Length < size) _stamp = new int[Math.Max(size, _stamp.Length * 2)];
            if (++_generation == int.MaxValue) { Array.Clear(_stamp); _generation = 1; }
        }

        public bool Add(int node)
        {
            if (_stamp[node] == _generation) return false;
            _stamp[node] = _generation;
            return true;
        }
    }
}
