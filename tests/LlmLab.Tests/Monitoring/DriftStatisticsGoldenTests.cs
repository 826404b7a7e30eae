using System.Text.Json.Nodes;
using LlmLab.Labs.Part10;
using LlmLab.Monitoring.Drift;
using LlmLab.Monitoring.Statistics;
using G = LlmLab.Labs.Part10.ScipyDriftGoldens;

namespace LlmLab.Tests.Monitoring;

/// <summary>Every drift statistic and p-value against SciPy 1.10 (goldens by bench/scipy/drift_goldens.py).</summary>
public class DriftStatisticsGoldenTests
{
    static readonly G Goldens = G.Instance;

    static void Near(double actual, double expected, double rel, double abs, string what) =>
        Assert.True(G.Close(actual, expected, rel, abs), $"{what}: ours {actual:R}, SciPy {expected:R}, |Δ| = {Math.Abs(actual - expected):E3}");

    [Fact]
    public void Ks_statistic_and_exact_pvalue_match_scipy()
    {
        foreach (var c in Goldens.Cases("ks_2samp"))
        {
            double[] a = G.Numbers(c, "a"), b = G.Numbers(c, "b");
            var r = KolmogorovSmirnov.TwoSample(a, b, KsMethod.Exact);
            string name = (string)c["name"]!;
            Near(r.Statistic, (double)c["statistic"]!, 1e-12, 0, name + " D");
            Near(r.PValue, (double)c["p_exact"]!, 1e-9, 1e-300, name + " exact p");
            Near(KolmogorovSmirnov.TwoSample(a, b).PValue, (double)c["p_auto"]!, 1e-9, 1e-300, name + " auto p");
        }
    }

    [Fact]
    public void Ks_asymptotic_pvalue_is_kolmogorovs_limit_and_near_scipys_finite_n_one()
    {
        foreach (var c in Goldens.Cases("ks_2samp"))
        {
            var r = KolmogorovSmirnov.TwoSample(G.Numbers(c, "a"), G.Numbers(c, "b"), KsMethod.Asymptotic);
            string name = (string)c["name"]!;
            Near(r.PValue, (double)c["p_kolmogorov"]!, 1e-10, 1e-15, name + " kstwobign p");
            // SciPy's method='asymp' uses kstwo.sf(D, round(en)): the finite-n law; within 0.07 of the limit on these sizes.
            Near(r.PValue, (double)c["p_scipy_asymp"]!, 0, 0.07, name + " vs SciPy asymp");
        }
    }

    [Fact]
    public void Chi_square_matches_scipy()
    {
        foreach (var c in Goldens.Cases("chisquare"))
        {
            var r = ChiSquare.GoodnessOfFit(G.Numbers(c, "observed"), G.Numbers(c, "expected"));
            Near(r.Statistic, (double)c["statistic"]!, 1e-12, 0, (string)c["name"]! + " chi2");
            Near(r.PValue, (double)c["p"]!, 1e-10, 1e-300, (string)c["name"]! + " p");
        }
    }

    [Fact]
    public void Proportion_z_test_matches_scipy_normal_tail()
    {
        foreach (var c in Goldens.Cases("ztest"))
        {
            var r = ProportionZTest.TwoSided((long)c["x1"]!, (long)c["n1"]!, (long)c["x2"]!, (long)c["n2"]!);
            Near(r.Statistic, (double)c["z"]!, 1e-12, 0, "z");
            Near(r.PValue, (double)c["p"]!, 1e-10, 1e-300, "z-test p");
        }
    }

    [Fact]
    public void Wasserstein_and_normed_wasserstein_match_scipy()
    {
        foreach (var c in Goldens.Cases("wasserstein"))
        {
            double[] u = G.Numbers(c, "u"), v = G.Numbers(c, "v");
            Near(Wasserstein.Distance(u, v), (double)c["distance"]!, 1e-12, 1e-15, (string)c["name"]!);
            Near(Wasserstein.NormedDistance(u, v), (double)c["normed"]!, 1e-12, 1e-15, (string)c["name"]! + " normed");
        }
    }

    [Fact]
    public void Jensen_shannon_matches_scipy()
    {
        foreach (var c in Goldens.Cases("jensenshannon"))
            Near(JensenShannon.Distance(G.Numbers(c, "p"), G.Numbers(c, "q")), (double)c["distance"]!, 1e-12, 1e-15, (string)c["name"]!);
    }

    [Fact]
    public void Binning_jensen_shannon_and_psi_match_numpy_histogram_and_evidentlys_formulas()
    {
        foreach (var c in Goldens.Cases("binned"))
        {
            string name = (string)c["name"]!;
            var reference = DriftColumn.Numeric("x", G.Numbers(c, "reference"));
            var current = DriftColumn.Numeric("x", G.Numbers(c, "current"));
            var edges = EqualWidthHistogram.Edges(reference.Numbers.Concat(current.Numbers), 30);
            Assert.Equal(G.Numbers(c, "edges"), edges);
            var (r, cur) = BinnedDistributions.Shares(reference, current, 30, fillZeroes: false);
            Assert.Equal(G.Numbers(c, "ref_percents"), r);
            Assert.Equal(G.Numbers(c, "cur_percents"), cur);
            var options = new DriftOptions { Method = DriftMethod.JensenShannon };
            Near(ColumnDriftTest.Run(reference, current, options).Score, (double)c["jensenshannon"]!, 1e-12, 1e-15, name + " JS");
            Near(ColumnDriftTest.Run(reference, current, options with { Method = DriftMethod.Psi }).Score, (double)c["psi"]!, 1e-12, 1e-15, name + " PSI");
        }
    }

    [Fact]
    public void Special_functions_match_scipy()
    {
        var special = (JsonObject)Goldens.Root["special"]!;
        foreach (var c in ((JsonArray)special["chi2_sf"]!).Select(n => n!))
            Near(SpecialFunctions.ChiSquareSf((double)c["x"]!, (double)c["k"]!), (double)c["sf"]!, 1e-12, 1e-300, $"chi2.sf({c["x"]}, {c["k"]})");
        foreach (var c in ((JsonArray)special["norm_sf"]!).Select(n => n!))
            Near(SpecialFunctions.NormalSf((double)c["x"]!), (double)c["sf"]!, 1e-12, 1e-300, $"norm.sf({c["x"]})");
        foreach (var c in ((JsonArray)special["kolmogorov"]!).Select(n => n!))
            Near(SpecialFunctions.KolmogorovSf((double)c["x"]!), (double)c["sf"]!, 1e-12, 1e-16, $"kolmogorov({c["x"]})");
    }

    [Fact]
    public void Unbiased_mmd2_matches_numpy()
    {
        var m = (JsonObject)Goldens.Root["mmd"]!;
        double ours = MaximumMeanDiscrepancy.Unbiased(G.Rows(m, "x"), G.Rows(m, "y"), (double)m["sigma"]!);
        Near(ours, (double)m["mmd2_unbiased"]!, 1e-5, 1e-7, "MMD² (float32 inputs)");
    }

    [Fact]
    public void Roc_auc_is_mann_whitney_u_over_n1_n2()
    {
        var a = (JsonObject)Goldens.Root["auc"]!;
        Near(RocAuc.Compute(G.Numbers(a, "positive"), G.Numbers(a, "negative")), (double)a["auc"]!, 1e-12, 0, "AUC");
    }
}
