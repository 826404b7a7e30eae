namespace LlmLab.Monitoring.Caching;

/// <summary>
/// Recency order of a bounded set of keys: <see cref="Touch"/> marks a key most recently used and returns the keys pushed
/// out past the capacity, least recently used first. O(1) per operation (a linked list and a dictionary). Thread-safe.
/// </summary>
internal sealed class LruIndex<TKey>(int capacity) where TKey : notnull
{
    readonly LinkedList<TKey> _order = new();                  // first = most recently used
    readonly Dictionary<TKey, LinkedListNode<TKey>> _nodes = [];
    readonly Lock _lock = new();

    public int Count { get { lock (_lock) return _nodes.Count; } }

    /// <summary>Marks <paramref name="key"/> most recently used (adding it if new); returns the keys evicted.</summary>
    public List<TKey> Touch(TKey key)
    {
        var evicted = new List<TKey>();
        lock (_lock)
        {
            if (_nodes.TryGetValue(key, out var node)) _order.Remove(node);
            else _nodes[key] = node = new LinkedListNode<TKey>(key);
            _order.AddFirst(node);
            while (_nodes.Count > capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _nodes.Remove(last.Value);
                evicted.Add(last.Value);
            }
        }
        return evicted;
    }

    /// <summary>Forgets a key (expired or removed elsewhere).</summary>
    public void Remove(TKey key)
    {
        lock (_lock)
            if (_nodes.Remove(key, out var node)) _order.Remove(node);
    }
}
