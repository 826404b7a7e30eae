namespace LlmLab.Data.Analysis;

/// <summary>
/// A power law y = C·x^a fitted by least squares on (ln x, ln y). Used for Zipf's law (frequency against rank,
/// f(r) ∝ r^−s: <see cref="Exponent"/> = −s), Heaps' law (vocabulary against text length, V(n) = K·n^β) and scaling
/// curves (loss against parameters or compute, lab 6). The project's one power-law fit.
/// </summary>
/// <param name="Exponent">The slope a of ln y against ln x.</param>
/// <param name="Coefficient">C = e^intercept.</param>
/// <param name="RSquared">Coefficient of determination of the log-log line.</param>
/// <param name="Points">Points used.</param>
public sealed record PowerLawFit(double Exponent, double Coefficient, double RSquared, int Points)
{
    /// <summary>C·x^a.</summary>
    public double At(double x) => Coefficient * Math.Pow(x, Exponent);

    /// <summary>Least squares on (ln x, ln y); every x and y must be &gt; 0, at least two distinct x.</summary>
    public static PowerLawFit Fit(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2) throw new ArgumentException($"a power-law fit needs at least 2 points (got {points.Count})", nameof(points));
        double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
        foreach (var (x, y) in points)
        {
            if (!(x > 0 && y > 0)) throw new ArgumentException($"a power-law fit needs x > 0 and y > 0 (got ({x}, {y}))", nameof(points));
            double lx = Math.Log(x), ly = Math.Log(y);
            sx += lx; sy += ly; sxx += lx * lx; sxy += lx * ly; syy += ly * ly;
        }
        int n = points.Count;
        double vx = sxx - sx * sx / n, vy = syy - sy * sy / n, cxy = sxy - sx * sy / n;
        if (vx <= 0) throw new ArgumentException("a power-law fit needs at least two distinct x", nameof(points));
        double slope = cxy / vx, intercept = (sy - slope * sx) / n;
        double r2 = vy <= 0 ? 1 : cxy * cxy / (vx * vy);
        return new PowerLawFit(slope, Math.Exp(intercept), r2, n);
    }

    /// <summary>Least squares on (ln x, ln y) for parallel lists (a scaling curve: loss against parameters or compute, as in
    /// Kaplan et al. 2020).</summary>
    public static PowerLawFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count)
            throw new ArgumentException($"a power-law fit needs as many x as y (got {x.Count} and {y.Count})", nameof(y));
        return Fit(x.Zip(y).ToList());
    }

    /// <summary>
    /// Zipf's exponent s of a rank-frequency list (frequencies sorted in decreasing order): the fit over ranks
    /// <paramref name="minRank"/>..<paramref name="maxRank"/>, stopping before the tail of types seen fewer than
    /// <paramref name="minCount"/> times (whose frequencies are quantised, 1, 2, 3 …, and flatten the curve).
    /// Ranks are taken on a log grid (ratio 1.05) so that each decade weighs the same in the fit rather than the
    /// thousands of rare types dominating it. Returns the fit of ln f against ln r; s = −<see cref="Exponent"/>.
    /// </summary>
    public static PowerLawFit Zipf(IReadOnlyList<long> frequencies, int minRank = 1, int maxRank = int.MaxValue, long minCount = 5)
    {
        int last = 0;
        while (last < frequencies.Count && frequencies[last] >= minCount) last++; // ranks 1..last qualify
        int hi = Math.Min(last, maxRank);
        var points = LogGrid(minRank, hi).Select(r => ((double)r, (double)frequencies[(int)r - 1])).ToList();
        if (points.Count < 2)
            throw new InvalidOperationException(
                $"Zipf fit: only {points.Count} rank(s) in [{minRank}, {hi}] with ≥ {minCount} occurrences; analyse more text");
        return Fit(points);
    }

    /// <summary>
    /// Heaps' law V(n) = K·n^β from the positions at which each type first occurred (sorted ascending, 0-based, in a
    /// stream of <paramref name="total"/> type occurrences): V(n) = the number of first positions &lt; n, at log-spaced
    /// n from <paramref name="minN"/> to <paramref name="total"/>. β = <see cref="Exponent"/>, K = <see cref="Coefficient"/>.
    /// </summary>
    public static PowerLawFit Heaps(IReadOnlyList<long> sortedFirstPositions, long total, long minN = 100)
    {
        var points = HeapsCurve(sortedFirstPositions, total, minN);
        if (points.Count < 2)
            throw new InvalidOperationException(
                $"Heaps fit: the text has {total:N0} words, fewer than the {minN:N0} the fit starts at; analyse more text");
        return Fit(points);
    }

    /// <summary>The vocabulary growth curve (n, V(n)) on a log grid of n in [minN, total].</summary>
    public static List<(double N, double V)> HeapsCurve(IReadOnlyList<long> sortedFirstPositions, long total, long minN = 100)
    {
        var points = new List<(double, double)>();
        int k = 0;
        foreach (long n in LogGrid(Math.Max(1, minN), total))
        {
            while (k < sortedFirstPositions.Count && sortedFirstPositions[k] < n) k++;
            points.Add((n, k));
        }
        return points;
    }

    /// <summary>Integers from lo to hi (inclusive) spaced by a ratio of about 1.05, both ends included.</summary>
    public static IEnumerable<long> LogGrid(long lo, long hi)
    {
        if (hi < lo) yield break;
        long prev = -1;
        for (double x = lo; x < hi; x *= 1.05)
        {
            long v = (long)Math.Round(x);
            if (v != prev && v < hi) { yield return v; prev = v; }
        }
        if (prev != hi) yield return hi;
    }
}
