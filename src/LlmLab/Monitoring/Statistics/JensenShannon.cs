namespace LlmLab.Monitoring.Statistics;

/// <summary>
/// The Jensen–Shannon distance between two discrete distributions (SciPy's <c>spatial.distance.jensenshannon</c>,
/// natural log): both vectors normalised to sum 1, m = (p + q)/2, distance = √((KL(p‖m) + KL(q‖m)) / 2), in [0, √ln 2].
/// Evidently's test for a column whose reference has more than 1,000 rows (drift at ≥ 0.1). Pure; thread-safe.
/// </summary>
public static class JensenShannon
{
    /// <summary>The distance; 0 · ln 0 counts as 0.</summary>
    public static double Distance(IReadOnlyList<double> p, IReadOnlyList<double> q)
    {
        if (p.Count != q.Count || p.Count == 0) throw new ArgumentException($"need two distributions of one length (got {p.Count}, {q.Count})");
        double sp = p.Sum(), sq = q.Sum();
        if (sp <= 0 || sq <= 0 || p.Any(v => v < 0) || q.Any(v => v < 0)) throw new ArgumentException("probabilities must be >= 0 with a positive sum");
        double js = 0;
        for (int i = 0; i < p.Count; i++)
        {
            double a = p[i] / sp, b = q[i] / sq, m = (a + b) / 2;
            if (a > 0) js += a * Math.Log(a / m);
            if (b > 0) js += b * Math.Log(b / m);
        }
        return Math.Sqrt(Math.Max(js, 0) / 2);
    }
}
