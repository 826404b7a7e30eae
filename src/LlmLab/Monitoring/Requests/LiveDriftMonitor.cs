using LlmLab.Monitoring.Drift;

namespace LlmLab.Monitoring.Requests;

/// <summary>
/// Drift of live traffic: the features of the last <see cref="Window"/> requests (numbers and a language code, never
/// their text) tested against a saved reference with <see cref="DriftDetector"/>. The server adds each finished request
/// and evaluates on a metrics scrape; an evaluation is cached until the next request arrives. Thread-safe.
/// </summary>
public sealed class LiveDriftMonitor
{
    readonly DriftTable _reference;
    readonly RequestFeatures[] _ring;
    readonly Lock _gate = new();
    long _added, _evaluatedAt = -1;
    DriftReport? _last;

    /// <summary>A monitor of <paramref name="window"/> requests against <paramref name="reference"/>.</summary>
    /// <param name="reference">A reference whose columns are all <see cref="RequestFeatures.Columns"/>.</param>
    /// <param name="window">Requests in the rolling window.</param>
    /// <param name="minRequests">Fewer requests in the window than this and nothing is evaluated (a handful of rows tests nothing).</param>
    /// <param name="options">Thresholds (Evidently's defaults).</param>
    /// <exception cref="InputException">A reference column the server does not measure, or bad sizes or thresholds.</exception>
    public LiveDriftMonitor(DriftTable reference, int window, int minRequests = 30, DriftOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Options = options ?? new DriftOptions();
        Options.Validate();
        if (window < 2) throw new InputException($"the drift window must hold at least 2 requests (got {window})");
        if (minRequests < 2 || minRequests > window) throw new InputException($"the drift monitor's minimum must be in [2, window = {window}] (got {minRequests})");
        var unknown = reference.Columns.Select(c => c.Name).Where(n => !RequestFeatures.Columns.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new InputException($"the reference has other columns than the server measures: {string.Join(", ", unknown)} " +
                $"(it measures {string.Join(", ", RequestFeatures.Columns)}); build it from captured requests with 'llmlab drift reference'");
        if (reference.Rows == 0) throw new InputException("the drift reference has no rows");
        (_reference, _ring, MinRequests) = (reference, new RequestFeatures[window], minRequests);
    }

    public DriftOptions Options { get; }

    /// <summary>Requests in the window at most.</summary>
    public int Window => _ring.Length;

    /// <summary>The smallest window that is evaluated.</summary>
    public int MinRequests { get; }

    /// <summary>The reference's column names, in order.</summary>
    public IReadOnlyList<string> Columns => _reference.Columns.Select(c => c.Name).ToList();

    /// <summary>Requests now in the window.</summary>
    public int Count { get { lock (_gate) return (int)Math.Min(_added, _ring.Length); } }

    /// <summary>Adds a finished request's features, evicting the oldest when the window is full.</summary>
    public void Add(RequestFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        lock (_gate) _ring[_added++ % _ring.Length] = features;
    }

    /// <summary>The window's drift report, or null while it holds fewer than <see cref="MinRequests"/> requests.</summary>
    public DriftReport? Evaluate()
    {
        RequestFeatures[] rows;
        long version;
        lock (_gate)
        {
            if (_added == _evaluatedAt) return _last;
            int n = (int)Math.Min(_added, _ring.Length);
            if (n < MinRequests) return null;
            rows = _ring[..n];
            version = _added;
        }
        var all = RequestFeatures.Table(rows);
        var current = new DriftTable(_reference.Columns.Select(c => all.Find(c.Name)!), rows.Length);
        var report = DriftDetector.Detect(_reference, current, Options);
        lock (_gate)
        {
            if (version >= _evaluatedAt) (_last, _evaluatedAt) = (report, version);
        }
        return report;
    }
}
