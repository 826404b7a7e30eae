using System.Text.Json.Nodes;
using LlmLab.Labs.Framework;
using LlmLab.Monitoring.Drift;
using LlmLab.Monitoring.Statistics;
using G = LlmLab.Labs.Part10.ScipyDriftGoldens;

namespace LlmLab.Labs.Part10;

public sealed partial class DriftDetectionLab
{
    /// <summary>Section 1: each statistic against SciPy on the committed goldens; the worst relative error per statistic.</summary>
    static void CheckGoldens(LabContext ctx)
    {
        var g = G.Instance;
        var rows = new List<string[]>();
        // Relative error with an absolute floor at the smallest p-values SciPy itself resolves (≈1e-300).
        double Worst(IEnumerable<(double Ours, double Scipy)> pairs) =>
            pairs.Max(p => Math.Abs(p.Ours - p.Scipy) / Math.Max(Math.Abs(p.Scipy), 1e-300));
        void Check(string what, string scipyName, IEnumerable<(double, double)> pairs, double tolerance)
        {
            var list = pairs.ToList();
            double worst = Worst(list);
            rows.Add([what, scipyName, list.Count.ToString(C), worst.ToString("0.0e+0", C), tolerance.ToString("0e+0", C)]);
            ctx.Checks.Peer(scipyName.StartsWith("NumPy", StringComparison.Ordinal) ? $"{scipyName} (goldens of SciPy {g.ScipyVersion}'s script)"
                : $"SciPy {g.ScipyVersion} {scipyName}").AtMost($"{what} matches the peer (worst relative error)", worst, tolerance);
        }

        var ks = g.Cases("ks_2samp").Select(c => (Case: c, Exact: KolmogorovSmirnov.TwoSample(G.Numbers(c, "a"), G.Numbers(c, "b"), KsMethod.Exact),
            Asymptotic: KolmogorovSmirnov.TwoSample(G.Numbers(c, "a"), G.Numbers(c, "b"), KsMethod.Asymptotic))).ToList();
        Check("KS statistic D", "stats.ks_2samp", ks.Select(k => (k.Exact.Statistic, (double)k.Case["statistic"]!)), 1e-12);
        Check("KS exact p-value", "stats.ks_2samp(method='exact')", ks.Select(k => (k.Exact.PValue, (double)k.Case["p_exact"]!)), 1e-9);
        Check("KS asymptotic p-value", "special.kolmogorov (kstwobign)", ks.Select(k => (k.Asymptotic.PValue, (double)k.Case["p_kolmogorov"]!)), 1e-9);
        Check("chi-square statistic and p", "stats.chisquare", g.Cases("chisquare").SelectMany(c =>
        {
            var r = ChiSquare.GoodnessOfFit(G.Numbers(c, "observed"), G.Numbers(c, "expected"));
            return new[] { (r.Statistic, (double)c["statistic"]!), (r.PValue, (double)c["p"]!) };
        }), 1e-10);
        Check("two-proportion z-test p", "stats.norm.sf", g.Cases("ztest").Select(c =>
            (ProportionZTest.TwoSided((long)c["x1"]!, (long)c["n1"]!, (long)c["x2"]!, (long)c["n2"]!).PValue, (double)c["p"]!)), 1e-10);
        Check("Wasserstein distance (and normed)", "stats.wasserstein_distance", g.Cases("wasserstein").SelectMany(c => new[]
        {
            (Wasserstein.Distance(G.Numbers(c, "u"), G.Numbers(c, "v")), (double)c["distance"]!),
            (Wasserstein.NormedDistance(G.Numbers(c, "u"), G.Numbers(c, "v")), (double)c["normed"]!),
        }), 1e-12);
        Check("Jensen–Shannon distance", "spatial.distance.jensenshannon", g.Cases("jensenshannon")
            .Select(c => (JensenShannon.Distance(G.Numbers(c, "p"), G.Numbers(c, "q")), (double)c["distance"]!)), 1e-12);
        var binned = g.Cases("binned").Select(c => (Case: c, R: DriftColumn.Numeric("x", G.Numbers(c, "reference")), Cur: DriftColumn.Numeric("x", G.Numbers(c, "current"))))
            .ToList();
        Check("binned Jensen–Shannon (30 equal-width bins)", "np.histogram + jensenshannon", binned.Select(b =>
            (ColumnDriftTest.Run(b.R, b.Cur, new DriftOptions { Method = DriftMethod.JensenShannon }).Score, (double)b.Case["jensenshannon"]!)), 1e-12);
        Check("PSI (Evidently's binning and zero fill)", "np.histogram + NumPy PSI", binned.Select(b =>
            (ColumnDriftTest.Run(b.R, b.Cur, new DriftOptions { Method = DriftMethod.Psi }).Score, (double)b.Case["psi"]!)), 1e-12);
        var special = (JsonObject)g.Root["special"]!;
        Check("chi-square tail", "stats.chi2.sf", ((JsonArray)special["chi2_sf"]!).Select(c =>
            (SpecialFunctions.ChiSquareSf((double)c!["x"]!, (double)c["k"]!), (double)c["sf"]!)), 1e-11);
        var mmd = (JsonObject)g.Root["mmd"]!;
        Check("unbiased MMD² (RBF)", "NumPy (Gretton et al. 2012, eq. 3)",
            [(MaximumMeanDiscrepancy.Unbiased(G.Rows(mmd, "x"), G.Rows(mmd, "y"), (double)mmd["sigma"]!), (double)mmd["mmd2_unbiased"]!)], 1e-5);
        var auc = (JsonObject)g.Root["auc"]!;
        Check("ROC AUC", "stats.mannwhitneyu U / (n₁n₂)", [(RocAuc.Compute(G.Numbers(auc, "positive"), G.Numbers(auc, "negative")), (double)auc["auc"]!)], 1e-12);

        ctx.Report.Heading("1. The statistics against SciPy");
        ctx.Report.Paragraph($"Inputs from seeded NumPy generators and SciPy {g.ScipyVersion}'s answers are committed in Part10/Goldens/scipy-drift.json " +
            "(made by bench/scipy/drift_goldens.py). The asymptotic KS p-value is Kolmogorov's limit at √(n₁n₂/(n₁+n₂))·D; SciPy's own " +
            "method='asymp' uses the finite-n law kstwo instead: on these goldens the two differ by up to " +
            ks.Max(k => Math.Abs(k.Asymptotic.PValue - (double)k.Case["p_scipy_asymp"]!)).ToString("0.000", C) + " in p. MMD² is compared on float32 inputs.");
        ctx.Report.Table(["statistic", "peer", "cases", "worst rel. error", "tolerance"], rows);
    }
}
