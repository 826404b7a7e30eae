namespace LlmLab.Data.Dedup;

/// <summary>
/// LSH banding of MinHash signatures: the signature is cut into <see cref="Bands"/> bands of <see cref="Rows"/>
/// values, and two documents become a candidate pair when any band is identical. For a pair of Jaccard similarity
/// s, P(candidate) = 1 − (1 − s^r)^b: the S-curve, steepest near (1/b)^(1/r) (Leskovec, Rajaraman and Ullman,
/// Mining of Massive Datasets, §3.4).
/// </summary>
/// <remarks>
/// <see cref="Optimal"/> chooses b and r as datasketch's <c>MinHashLSH</c> does (its <c>_optimal_param</c>): over every
/// b ≥ 1 and r ≥ 1 with b·r ≤ k, minimise w_fp·FP + w_fn·FN, where FP = ∫₀^t P(s) ds is the area under the S-curve
/// left of the threshold t (pairs below t that become candidates) and FN = ∫_t^1 (1 − P(s)) ds the area above it to
/// the right (pairs above t that are missed); datasketch's weights are 0.5 and 0.5 (the defaults here), the pipeline's
/// are skewed toward recall (<see cref="DedupOptions.DefaultFalsePositiveWeight"/> says why). The integrals are computed by
/// composite Simpson's rule on 2,048 intervals (the integrand is a polynomial of degree b·r ≤ k; the error is far
/// below the gaps between candidates). Ties go to the smaller b, then the smaller r (the iteration order).
/// </remarks>
/// <param name="Bands">b: the number of bands.</param>
/// <param name="Rows">r: MinHash values per band.</param>
public sealed record LshParameters(int Bands, int Rows)
{
    const int SimpsonIntervals = 2048;

    /// <summary>Signature values the banding uses (b·r, at most the signature length).</summary>
    public int Used => Bands * Rows;

    /// <summary>P(candidate | Jaccard = s) = 1 − (1 − s^r)^b.</summary>
    public double Probability(double s) => CandidateProbability(s, Bands, Rows);

    /// <summary>The similarity where the S-curve is steepest, (1/b)^(1/r): the effective threshold of the banding.</summary>
    public double Knee => Math.Pow(1.0 / Bands, 1.0 / Rows);

    /// <summary>FP area ∫₀^t P(s) ds.</summary>
    public double FalsePositiveArea(double threshold) => Integrate(s => Probability(s), 0, threshold);

    /// <summary>FN area ∫_t^1 (1 − P(s)) ds.</summary>
    public double FalseNegativeArea(double threshold) => Integrate(s => 1 - Probability(s), threshold, 1);

    /// <summary>1 − (1 − s^r)^b.</summary>
    public static double CandidateProbability(double s, int bands, int rows) => 1 - Math.Pow(1 - Math.Pow(s, rows), bands);

    /// <summary>The b × r that minimises the weighted FP and FN areas for <paramref name="threshold"/> and a signature of
    /// <paramref name="permutations"/> values (datasketch's rule; see the remarks).</summary>
    public static LshParameters Optimal(double threshold, int permutations, double falsePositiveWeight = 0.5,
        double falseNegativeWeight = 0.5)
    {
        if (!(threshold > 0 && threshold < 1))
            throw new ArgumentOutOfRangeException(nameof(threshold), $"threshold must be in (0, 1) (got {threshold})");
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        if (!(falsePositiveWeight >= 0 && falseNegativeWeight >= 0 && falsePositiveWeight + falseNegativeWeight > 0))
            throw new ArgumentOutOfRangeException(nameof(falsePositiveWeight), "weights must be ≥ 0 and not both 0");
        return Cache.GetOrAdd((threshold, permutations, falsePositiveWeight, falseNegativeWeight),
            key => Search(key.Item1, key.Item2, key.Item3, key.Item4));
    }

    // The search costs ~0.1 s (≈ k·ln k integrals); every stage asks for the same answer.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<(double, int, double, double), LshParameters> Cache = new();

    static LshParameters Search(double threshold, int permutations, double falsePositiveWeight, double falseNegativeWeight)
    {
        // Simpson's nodes and weights on [0, t] and on [t, 1]; for each r, (1 − s^r)^b is updated from b − 1 to b by one
        // multiplication per node, so the whole search costs about k·ln k · 4,096 multiplications.
        int m = SimpsonIntervals;
        var (left, wl) = Nodes(0, threshold, m);
        var (right, wr) = Nodes(threshold, 1, m);
        (int B, int R) best = (1, 1);
        double bestError = double.PositiveInfinity;
        var ql = new double[m + 1];
        var qr = new double[m + 1];
        for (int r = 1; r <= permutations; r++)
        {
            var ul = left.Select(x => 1 - Math.Pow(x, r)).ToArray();
            var ur = right.Select(x => 1 - Math.Pow(x, r)).ToArray();
            Array.Fill(ql, 1.0);
            Array.Fill(qr, 1.0);
            for (int b = 1; b <= permutations / r; b++)
            {
                double fp = 0, fn = 0;
                for (int i = 0; i <= m; i++)
                {
                    ql[i] *= ul[i];
                    qr[i] *= ur[i];
                    fp += wl[i] * (1 - ql[i]); // P(s) = 1 − (1 − s^r)^b left of t
                    fn += wr[i] * qr[i];       // 1 − P(s) right of t
                }
                double error = falsePositiveWeight * fp + falseNegativeWeight * fn;
                // datasketch scans b, then r, keeping the first strict minimum: the same order breaks ties here.
                if (error < bestError || (error == bestError && (b < best.B || (b == best.B && r < best.R))))
                    (best, bestError) = ((b, r), error);
            }
        }
        return new LshParameters(best.B, best.R);
    }

    static (double[] X, double[] W) Nodes(double a, double b, int m)
    {
        double h = (b - a) / m;
        var x = new double[m + 1];
        var w = new double[m + 1];
        for (int i = 0; i <= m; i++)
        {
            x[i] = a + i * h;
            w[i] = (i == 0 || i == m ? 1 : i % 2 == 1 ? 4 : 2) * h / 3;
        }
        return (x, w);
    }

    /// <summary>Composite Simpson's rule over [a, b].</summary>
    internal static double Integrate(Func<double, double> f, double a, double b)
    {
        if (b <= a) return 0;
        double h = (b - a) / SimpsonIntervals, sum = f(a) + f(b);
        for (int i = 1; i < SimpsonIntervals; i++) sum += f(a + i * h) * (i % 2 == 1 ? 4 : 2);
        return sum * h / 3;
    }

    public override string ToString() => $"{Bands} bands × {Rows} rows";
}
