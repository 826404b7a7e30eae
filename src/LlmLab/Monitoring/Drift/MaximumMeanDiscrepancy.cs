using LlmLab.Runtime;

namespace LlmLab.Monitoring.Drift;

/// <summary>An MMD test's outcome: the unbiased MMD², the kernel bandwidth, the permutation p-value and the verdict.</summary>
public sealed record MmdResult(double Mmd2, double Sigma, double PValue, int Permutations, bool Drifted);

/// <summary>
/// The kernel two-sample test with the maximum mean discrepancy (Gretton et al. 2012, JMLR 13, "A Kernel Two-Sample
/// Test"), for multivariate data such as sentence embeddings: the unbiased MMD² (their eq. 3) with an RBF kernel
/// k(x, y) = exp(−‖x − y‖² / (2σ²)), σ by the median heuristic, and a permutation test. Pure; thread-safe.
/// </summary>
/// <remarks>
/// Median heuristic as alibi-detect's <c>sigma_median</c>: σ² = median(‖xᵢ − yⱼ‖²)/2 over the pooled sample's pairs, so
/// the kernel is exp(−d²/median d²). Permutation p-value: the pooled sample's labels shuffled
/// <c>permutations</c> times, p = (1 + #{MMD²_perm ≥ MMD²}) / (1 + permutations) (Phipson and Smyth 2010: never 0, valid at
/// any count). The pooled kernel matrix is computed once: O(n²·dim) + O(permutations·n²).
/// </remarks>
public static class MaximumMeanDiscrepancy
{
    /// <summary>Runs the test; drift when p &lt; <paramref name="alpha"/>.</summary>
    /// <param name="x">Reference vectors (at least 2, one dimension).</param>
    /// <param name="y">Current vectors (at least 2).</param>
    /// <param name="permutations">Label shuffles (alibi-detect's default: 100).</param>
    /// <param name="seed">Seed of the shuffles.</param>
    /// <param name="alpha">Significance level.</param>
    /// <param name="sigma">Kernel bandwidth; null = the median heuristic.</param>
    public static MmdResult Test(IReadOnlyList<float[]> x, IReadOnlyList<float[]> y, int permutations = 100, int seed = 0, double alpha = 0.05,
        double? sigma = null)
    {
        if (x.Count < 2 || y.Count < 2) throw new ArgumentException("the MMD test needs at least two vectors on each side");
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        var pooled = x.Concat(y).ToArray();
        int dim = pooled[0].Length;
        if (pooled.Any(v => v.Length != dim)) throw new ArgumentException("every vector must have the same dimension");
        int n = pooled.Length;
        var d2 = new double[n, n];
        var upper = new List<double>(n * (n - 1) / 2);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < dim; k++) { double t = pooled[i][k] - pooled[j][k]; s += t * t; }
                d2[i, j] = d2[j, i] = s;
                upper.Add(s);
            }
        double sig = sigma ?? Math.Sqrt(Math.Max(SampleStats.Median(upper), 1e-12) / 2);
        var kernel = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) kernel[i, j] = Math.Exp(-d2[i, j] / (2 * sig * sig));
        var index = Enumerable.Range(0, n).ToArray();
        double observed = Unbiased(kernel, index, x.Count);
        var rng = Seeding.Stream(seed, "mmd-permutations");
        int atLeast = 0;
        for (int p = 0; p < permutations; p++)
        {
            rng.Shuffle(index);
            if (Unbiased(kernel, index, x.Count) >= observed) atLeast++;
        }
        double pValue = (1.0 + atLeast) / (1.0 + permutations);
        return new MmdResult(observed, sig, pValue, permutations, pValue < alpha);
    }

    /// <summary>Unbiased MMD² of vectors <paramref name="x"/> and <paramref name="y"/> with bandwidth <paramref name="sigma"/>.</summary>
    public static double Unbiased(IReadOnlyList<float[]> x, IReadOnlyList<float[]> y, double sigma)
    {
        var pooled = x.Concat(y).ToArray();
        int n = pooled.Length;
        var kernel = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < pooled[i].Length; k++) { double t = pooled[i][k] - pooled[j][k]; s += t * t; }
                kernel[i, j] = Math.Exp(-s / (2 * sigma * sigma));
            }
        return Unbiased(kernel, Enumerable.Range(0, n).ToArray(), x.Count);
    }

    // MMD²_u = Σ_{i≠j} k(xi,xj)/(m(m−1)) + Σ_{i≠j} k(yi,yj)/(n(n−1)) − 2 Σ k(xi,yj)/(mn), with x = the first m of `order`.
    static double Unbiased(double[,] k, int[] order, int m)
    {
        int n = order.Length - m;
        double xx = 0, yy = 0, xy = 0;
        for (int a = 0; a < order.Length; a++)
        {
            int i = order[a];
            for (int b = a + 1; b < order.Length; b++)
            {
                double v = k[i, order[b]];
                if (b < m) xx += v;
                else if (a >= m) yy += v;
                else xy += v;
            }
        }
        return 2 * xx / ((double)m * (m - 1)) + 2 * yy / ((double)n * (n - 1)) - 2 * xy / ((double)m * n);
    }
}
