namespace LlmLab.Monitoring.Statistics;

/// <summary>How the two-sample KS p-value is computed.</summary>
public enum KsMethod
{
    /// <summary>Exact when both samples have at most 10,000 values, asymptotic above (SciPy's <c>method='auto'</c> rule).</summary>
    Auto,
    /// <summary>The exact null distribution of D for continuous data (lattice-path counting).</summary>
    Exact,
    /// <summary>Kolmogorov's limiting distribution at √(n₁n₂/(n₁+n₂))·D.</summary>
    Asymptotic,
}

/// <summary>A two-sample KS result: D, its two-sided p-value and the method that gave it.</summary>
public readonly record struct KsResult(double Statistic, double PValue, KsMethod Method);

/// <summary>
/// The two-sample Kolmogorov–Smirnov test, two-sided (SciPy's <c>stats.ks_2samp</c>; Evidently's default test for a
/// numeric column whose reference has at most 1,000 rows). Pure; thread-safe.
/// </summary>
/// <remarks>
/// <para>D = max over the pooled values of |F₁(x) − F₂(x)|, the empirical CDFs counted with ties included (right-continuous).</para>
/// <para>Exact p-value: under H₀ (continuous data, no ties) the merged order is a uniformly random lattice path from (0, 0) to
/// (n₁, n₂); the point (i, j) has |i/n₁ − j/n₂| = |i·n₂ − j·n₁| / (n₁n₂), so with g = gcd(n₁, n₂) and h = round(D·n₁n₂/g)
/// the path reaches D exactly where |i·n₂ − j·n₁| ≥ h·g (integer arithmetic, as SciPy rounds D to the lattice). We push
/// the probability mass of the path forward through the band (a step right from (i, j) has probability
/// (n₁ − i)/(n₁ + n₂ − i − j)) and add up the mass that first touches the boundary: that sum is P(D ≥ d) itself, so tiny
/// p-values keep their relative precision (1 − P(inside) would cancel below 1e-16). O(n₁·band) time, O(n₂) memory.</para>
/// <para>Asymptotic p-value: Kolmogorov's limit, <see cref="SpecialFunctions.KolmogorovSf"/>(√(n₁n₂/(n₁+n₂))·D).
/// SciPy ≥ 1.5's <c>method='asymp'</c> instead evaluates the one-sample finite-n distribution <c>kstwo.sf(D, round(en))</c>;
/// both converge to the same limit, and the lab reports how far apart they are on its goldens.</para>
/// </remarks>
public static class KolmogorovSmirnov
{
    /// <summary>Both samples at most this large: <see cref="KsMethod.Auto"/> computes the exact p-value (SciPy's MAX_AUTO_N).</summary>
    public const int MaxExactN = 10_000;

    /// <summary>Runs the test.</summary>
    /// <exception cref="ArgumentException">An empty sample, or a NaN.</exception>
    public static KsResult TwoSample(IReadOnlyList<double> a, IReadOnlyList<double> b, KsMethod method = KsMethod.Auto)
    {
        double d = Statistic(a, b);
        int n1 = a.Count, n2 = b.Count;
        if (method == KsMethod.Auto) method = Math.Max(n1, n2) <= MaxExactN ? KsMethod.Exact : KsMethod.Asymptotic;
        if (method == KsMethod.Exact) return new(d, ExactPValue(n1, n2, d), method);
        double en = (double)n1 * n2 / (n1 + n2);
        return new(d, SpecialFunctions.KolmogorovSf(Math.Sqrt(en) * d), method);
    }

    /// <summary>D = sup |F₁ − F₂| over the pooled sample.</summary>
    public static double Statistic(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count == 0 || b.Count == 0) throw new ArgumentException("the KS test needs two non-empty samples");
        var x = a.Order().ToArray();
        var y = b.Order().ToArray();
        if (double.IsNaN(x[^1]) || double.IsNaN(y[^1])) throw new ArgumentException("the KS test got a NaN value");
        int i = 0, j = 0;
        double d = 0;
        // Walk the merged order; at each distinct value, step past all its copies in both samples, then compare the CDFs.
        while (i < x.Length && j < y.Length)
        {
            double v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] == v) i++;
            while (j < y.Length && y[j] == v) j++;
            d = Math.Max(d, Math.Abs((double)i / x.Length - (double)j / y.Length));
        }
        return d;
    }

    /// <summary>P(D ≥ d) under H₀ for samples of sizes <paramref name="n1"/> and <paramref name="n2"/> (continuous data).</summary>
    public static double ExactPValue(int n1, int n2, double d)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n1, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n2, 1);
        long g = Gcd(n1, n2);
        long lcm = n1 / g * n2;
        long h = (long)Math.Round(d * lcm);
        if (h <= 0) return 1;
        long bound = h * g; // the path reaches D ≥ d where |i·n2 − j·n1| ≥ bound
        int total = n1 + n2;
        var mass = new double[n2 + 1]; // mass[j]: probability of being at (i, j) without having touched the boundary
        var next = new double[n2 + 1];
        mass[0] = 1;
        double outside = 0;
        int lo = 0, hi = 0; // columns j holding mass at this row i
        for (int i = 0; i <= n1; i++)
        {
            Array.Clear(next);
            int nlo = int.MaxValue, nhi = -1;
            for (int j = lo; j <= hi; j++)
            {
                double m = mass[j];
                if (m == 0) continue;
                int rest = total - i - j;
                if (rest == 0) continue; // at (n1, n2): the end
                double right = (double)(n1 - i) / rest; // next value from sample 1
                if (i < n1) Step(i + 1, j, m * right, next, ref nlo, ref nhi, ref outside, isSameRow: false);
                if (j < n2) Step(i, j + 1, m * (1 - right), mass, ref lo, ref hi, ref outside, isSameRow: true);
            }
            (mass, next) = (next, mass);
            if (nhi < 0) break;
            (lo, hi) = (nlo, nhi);
        }
        return Math.Clamp(outside, 0, 1);

        void Step(int i, int j, double m, double[] row, ref int rlo, ref int rhi, ref double absorbed, bool isSameRow)
        {
            if (Math.Abs((long)i * n2 - (long)j * n1) >= bound) { absorbed += m; return; }
            row[j] += m;
            if (isSameRow) { if (j > rhi) rhi = j; }
            else { if (j < rlo) rlo = j; if (j > rhi) rhi = j; }
        }
    }

    static long Gcd(long a, long b) { while (b != 0) (a, b) = (b, a % b); return a; }
}
