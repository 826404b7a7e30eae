namespace LlmLab.Nn.Moe;

/// <summary>
/// Expert load over a training run: one record per step of what every MoE layer routed (from
/// <c>GptModel.RoutingStatistics</c> after the step's forward), and summaries of it — the coefficient of variation of the
/// load, drop rates, and the per-expert share over windows of steps (the load histogram over training). Plain numbers;
/// not thread-safe.
/// </summary>
public sealed class MoeLoadTracker
{
    readonly List<Entry> _entries = [];

    sealed record Entry(int Step, long[][] Routed, long Assignments, long Dropped, long Tokens, long FullyDropped);

    /// <summary>E, experts per layer (0 before the first record).</summary>
    public int Experts { get; private set; }

    /// <summary>MoE layers (0 before the first record).</summary>
    public int Layers { get; private set; }

    /// <summary>Steps recorded.</summary>
    public int Count => _entries.Count;

    /// <summary>Records step <paramref name="step"/>'s statistics, one per MoE layer.</summary>
    /// <exception cref="ArgumentException">No layers, or a different number of layers or experts than before.</exception>
    public void Record(int step, IReadOnlyList<MoeRoutingStats> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("no MoE layer statistics: is the model dense?", nameof(layers));
        if (_entries.Count == 0) (Layers, Experts) = (layers.Count, layers[0].Experts);
        if (layers.Count != Layers || layers.Any(l => l.Experts != Experts))
            throw new ArgumentException($"expected {Layers} layers of {Experts} experts, got {layers.Count} layers", nameof(layers));
        _entries.Add(new Entry(step, layers.Select(l => (long[])l.Routed.Clone()).ToArray(), layers.Sum(l => l.Assignments),
            layers.Sum(l => l.DroppedAssignments), layers.Sum(l => l.Tokens), layers.Sum(l => l.TokensFullyDropped)));
    }

    /// <summary>Assignments per expert of one layer (or all layers summed, with null) over the steps ≥ <paramref name="fromStep"/>.</summary>
    public long[] Load(int? layer = null, int fromStep = 0)
    {
        var total = new long[Experts];
        foreach (var e in _entries.Where(e => e.Step >= fromStep))
            for (int l = 0; l < Layers; l++)
                if (layer is null || layer == l)
                    for (int x = 0; x < Experts; x++) total[x] += e.Routed[l][x];
        return total;
    }

    /// <summary>
    /// The load imbalance from <paramref name="fromStep"/> on: each layer's coefficient of variation of its experts'
    /// load (<see cref="ExpertLoad.CoefficientOfVariation"/>), averaged over layers (experts of different layers are
    /// unrelated, so their loads are not pooled).
    /// </summary>
    public double CoefficientOfVariation(int fromStep = 0) =>
        Layers == 0 ? 0 : Enumerable.Range(0, Layers).Average(l => ExpertLoad.CoefficientOfVariation(Load(l, fromStep)));

    /// <summary>Fraction of routing assignments dropped for capacity, over steps ≥ <paramref name="fromStep"/>.</summary>
    public double DroppedAssignmentFraction(int fromStep = 0) => Ratio(e => e.Dropped, e => e.Assignments, fromStep);

    /// <summary>Fraction of token-layer passes whose every choice was dropped (the token skipped that layer).</summary>
    public double FullyDroppedTokenFraction(int fromStep = 0) => Ratio(e => e.FullyDropped, e => e.Tokens, fromStep);

    /// <summary>
    /// The load histogram over training: for each window of <paramref name="window"/> steps, its last step and each
    /// expert's share of the assignments of all layers in it (Σ = 1).
    /// </summary>
    public IReadOnlyList<(int Step, double[] Shares)> History(int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var points = new List<(int, double[])>();
        for (int i = 0; i < _entries.Count; i += window)
        {
            var chunk = _entries.Skip(i).Take(window).ToList();
            var load = new long[Experts];
            foreach (var e in chunk)
                foreach (var layer in e.Routed)
                    for (int x = 0; x < Experts; x++) load[x] += layer[x];
            points.Add((chunk[^1].Step, ExpertLoad.Shares(load)));
        }
        return points;
    }

    double Ratio(Func<Entry, long> part, Func<Entry, long> whole, int fromStep)
    {
        var selected = _entries.Where(e => e.Step >= fromStep).ToList();
        long w = selected.Sum(whole);
        return w == 0 ? 0 : (double)selected.Sum(part) / w;
    }
}
