using System.Globalization;
using System.Text;
using LlmLab.Monitoring.Drift;

namespace LlmLab.Reporting;

/// <summary>
/// A drift report as one self-contained HTML page (<c>llmlab drift check --report</c>): the dataset verdict, then per
/// column the test Evidently's rules chose, its statistic, the p-value or distance, the threshold and the verdict.
/// </summary>
public static class DriftHtmlReport
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The page for <paramref name="report"/>; <paramref name="referenceName"/> and <paramref name="currentName"/> label the
    /// samples.</summary>
    public static string Render(DriftReport report, string referenceName, string currentName)
    {
        var sb = new StringBuilder();
        HtmlPage.Open(sb, "Drift report");
        sb.Append("<h1>Drift report</h1><p>Reference <code>").Append(HtmlPage.E(referenceName)).Append("</code> (")
          .Append(report.ReferenceRows.ToString("N0", C)).Append(" rows) against <code>").Append(HtmlPage.E(currentName))
              .Append("</code> (")
          .Append(report.CurrentRows.ToString("N0", C)).Append(" rows).</p>");
        var o = report.Options;
        string rule = o.Correction == MultipleTesting.Bonferroni
            ? $"any column drifted, p-values at {F(o.PValueThreshold)} / {report.Columns.Count} (Bonferroni)"
            : $"at least {F(o.DriftShare * 100)} % of the columns drifted";
        sb.Append("<p><span class=\"badge ").Append(report.DatasetDrift ? "b-fail\">dataset drift" : "b-pass\">no dataset drift")
          .Append("</span> ").Append(report.DriftedColumns.ToString(C)).Append(" of ").Append(report.Columns.Count.ToString(C))
          .Append(" columns drifted (").Append(F(report.DriftedShare * 100)).Append(" %); rule: ").Append(HtmlPage.E(rule)).Append(".</p>");
        HtmlPage.Table(sb, ["column", "kind", "test", "statistic", "p-value / distance", "threshold", "drift"],
            report.Columns.Select(c => new[]
            {
                c.Column, c.Kind.ToString().ToLowerInvariant(), Name(c.Method), F(c.Statistic),
                (c.ScoreIsPValue ? "p = " : "d = ") + F(c.Score), (c.ScoreIsPValue ? "< " : "≥ ") + F(c.Threshold),
                    c.Drifted ? "DRIFT" : "ok",
            }),
            "Tests as Evidently chooses them: reference ≤ " + o.LargeReferenceRows.ToString("N0", C) +
            " rows → KS (numeric), chi-square or z (categorical, binary); larger → normed Wasserstein, Jensen–Shannon");
        HtmlPage.Close(sb);
        return sb.ToString();
    }

    /// <summary>Evidently's name of a test.</summary>
    public static string Name(DriftMethod m) => m switch
    {
        DriftMethod.Ks => "ks",
        DriftMethod.ChiSquare => "chisquare",
        DriftMethod.ZTest => "z",
        DriftMethod.Wasserstein => "wasserstein (normed)",
        DriftMethod.JensenShannon => "jensenshannon",
        DriftMethod.Psi => "psi",
        _ => "auto",
    };

    static string F(double v) => double.IsPositiveInfinity(v) ? "∞" : Math.Abs(v) is > 0 and < 1e-3 ? v.ToString("0.00e+0", C)
        : v.ToString("0.####", C);
}
