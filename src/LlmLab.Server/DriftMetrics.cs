using LlmLab.Monitoring.Drift;
using LlmLab.Monitoring.Requests;
using Prometheus;

namespace LlmLab.Server;

/// <summary>
/// The live drift monitor as Prometheus gauges, evaluated just before each scrape (the monitor caches its report until a
/// new request arrives). Per feature: <c>llmlab_drift_p_value</c> (KS, chi-square, z) or <c>llmlab_drift_distance</c>
/// (normed Wasserstein, Jensen–Shannon) — which one is fixed by the reference's size, so a feature's series never
/// switches — and <c>llmlab_drift_detected</c> (0/1); for
/// the whole window: <c>llmlab_drift_dataset_detected</c>, <c>llmlab_drift_share</c> and
/// <c>llmlab_drift_window_requests</c>. Feature series appear once the window holds the monitor's minimum of requests.
/// Alert rules: deploy/alerts.yml.
/// </summary>
public static class DriftMetrics
{
    /// <summary>Registers the gauges on <paramref name="registry"/>.</summary>
    public static void Register(CollectorRegistry registry, LiveDriftMonitor monitor)
    {
        var f = Metrics.WithCustomRegistry(registry);
        var p = f.CreateGauge("llmlab_drift_p_value", "Drift test p-value of a request feature over the rolling window (drift below the threshold).",
            "feature");
        var d = f.CreateGauge("llmlab_drift_distance", "Drift distance of a request feature over the rolling window (drift at or above the threshold).",
            "feature");
        var detected = f.CreateGauge("llmlab_drift_detected", "1 when the request feature drifted from the reference in the rolling window.", "feature");
        var dataset = f.CreateGauge("llmlab_drift_dataset_detected", "1 when the share of drifted features reaches the drift share.");
        var share = f.CreateGauge("llmlab_drift_share", "Share of request features that drifted in the rolling window (0-1).");
        var window = f.CreateGauge("llmlab_drift_window_requests", "Requests in the drift monitor's rolling window.");
        registry.AddBeforeCollectCallback(() =>
        {
            window.Set(monitor.Count);
            if (monitor.Evaluate() is not { } report) return;
            foreach (var c in report.Columns)
            {
                (c.ScoreIsPValue ? p : d).WithLabels(c.Column).Set(c.Score);
                detected.WithLabels(c.Column).Set(c.Drifted ? 1 : 0);
            }
            dataset.Set(report.DatasetDrift ? 1 : 0);
            share.Set(report.DriftedShare);
        });
    }
}
