namespace LlmLab.Monitoring.Statistics;

/// <summary>
/// The special functions the drift tests need: log-gamma, the regularised upper incomplete gamma function Q(a, x) (hence
/// the chi-square and normal tails) and Kolmogorov's limiting distribution. Written here rather than taken from a
/// numerics package because these few dozen lines are all the core library needs; each is tested against SciPy
/// (<c>bench/scipy/drift_goldens.py</c>). Pure functions; thread-safe.
/// </summary>
public static class SpecialFunctions
{
    // Lanczos approximation, g = 7, n = 9 (Numerical Recipes' coefficients' common double-precision set): |rel. err.| < 1e-15.
    static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (x <= 0) throw new ArgumentOutOfRangeException(nameof(x), x, "LogGamma needs x > 0");
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x); // reflection
        x -= 1;
        double a = Lanczos[0], t = x + 7.5;
        for (int i = 1; i < 9; i++) a += Lanczos[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    /// <summary>Q(a, x) = Γ(a, x) / Γ(a), the regularised upper incomplete gamma function (SciPy's <c>gammaincc</c>).</summary>
    public static double GammaQ(double a, double x)
    {
        if (a <= 0) throw new ArgumentOutOfRangeException(nameof(a), a, "GammaQ needs a > 0");
        if (x <= 0) return 1;
        // Below a + 1 the series for P converges fast and Q = 1 - P is not small; above, the continued fraction gives Q
        // itself, so small tail probabilities keep their relative precision (Numerical Recipes, §6.2).
        return x < a + 1 ? 1 - LowerSeries(a, x) : UpperFraction(a, x);
    }

    static double LowerSeries(double a, double x)
    {
        double ap = a, sum = 1 / a, del = sum;
        for (int n = 0; n < 10_000; n++)
        {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (Math.Abs(del) < Math.Abs(sum) * 1e-17) break;
        }
        return sum * Math.Exp(-x + a * Math.Log(x) - LogGamma(a));
    }

    static double UpperFraction(double a, double x)
    {
        // Modified Lentz's method on Legendre's continued fraction.
        const double Tiny = 1e-300;
        double b = x + 1 - a, c = 1 / Tiny, d = 1 / b, h = d;
        for (int i = 1; i < 10_000; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = b + an / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < 1e-16) break;
        }
        return Math.Exp(-x + a * Math.Log(x) - LogGamma(a)) * h;
    }

    /// <summary>P(X ≥ x) for X ~ χ²(k): Q(k/2, x/2) (SciPy's <c>chi2.sf</c>).</summary>
    public static double ChiSquareSf(double x, double k) => GammaQ(k / 2, x / 2);

    /// <summary>erfc(x) = 1 − erf(x), from Q(½, x²) for x ≥ 0 (full relative precision in the tail).</summary>
    public static double Erfc(double x) => x >= 0 ? GammaQ(0.5, x * x) : 2 - GammaQ(0.5, x * x);

    /// <summary>P(Z ≥ x) for a standard normal Z (SciPy's <c>norm.sf</c>).</summary>
    public static double NormalSf(double x) => 0.5 * Erfc(x / Math.Sqrt(2));

    /// <summary>
    /// Kolmogorov's limiting distribution's survival function, P(K ≥ x) with K = lim √n Dₙ (SciPy's
    /// <c>special.kolmogorov</c>, <c>kstwobign.sf</c>). Two series (Kolmogorov 1933; the theta-function form for small x),
    /// each used where it converges in a few terms.
    /// </summary>
    public static double KolmogorovSf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x <= 0) return 1;
        if (x < 1)
        {
            // CDF = √(2π)/x Σ_{k≥1} exp(−(2k−1)²π²/(8x²))
            double s = 0, f = -Math.PI * Math.PI / (8 * x * x);
            for (int k = 1; k < 100; k++)
            {
                double t = Math.Exp((2 * k - 1) * (2 * k - 1) * f);
                s += t;
                if (t < 1e-18 * s) break;
            }
            return 1 - Math.Sqrt(2 * Math.PI) / x * s;
        }
        // SF = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²x²)
        double sum = 0;
        for (int k = 1; k < 100; k++)
        {
            double t = Math.Exp(-2.0 * k * k * x * x);
            sum += (k % 2 == 1 ? t : -t);
            if (t < 1e-18 * Math.Abs(sum)) break;
        }
        return Math.Clamp(2 * sum, 0, 1);
    }
}
