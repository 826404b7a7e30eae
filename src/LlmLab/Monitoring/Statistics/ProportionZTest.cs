namespace LlmLab.Monitoring.Statistics;

/// <summary>
/// The two-proportion z-test with a pooled proportion (Evidently's test for a binary column whose reference has at most
/// 1,000 rows): z = (p₁ − p₂) / √(P(1 − P)(1/n₁ + 1/n₂)), P = (x₁ + x₂)/(n₁ + n₂), two-sided p = 2·Φ(−|z|). Pure; thread-safe.
/// </summary>
public static class ProportionZTest
{
    /// <summary>Tests <paramref name="x1"/> successes of <paramref name="n1"/> against <paramref name="x2"/> of <paramref name="n2"/>.
    /// Both samples all one value (P = 0 or 1): no evidence of a difference, z = 0 and p = 1 (Evidently's special case).</summary>
    public static TestResult TwoSided(long x1, long n1, long x2, long n2)
    {
        if (n1 < 1 || n2 < 1 || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2)
            throw new ArgumentException($"need 0 <= x <= n and n >= 1 (got {x1}/{n1}, {x2}/{n2})");
        double p1 = (double)x1 / n1, p2 = (double)x2 / n2, pooled = (double)(x1 + x2) / (n1 + n2);
        double se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        if (se == 0) return new(0, 1);
        double z = (p1 - p2) / se;
        return new(z, 2 * SpecialFunctions.NormalSf(Math.Abs(z)));
    }
}
