using System.Globalization;
using LlmLab.Monitoring.Drift;
using LlmLab.Reporting;
using LlmLab.Runtime;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab drift check --reference ref.json --current cur.jsonl</c>: tests every column of the current records against
/// the reference with Evidently's default tests and thresholds, prints one line per column and the dataset verdict, and
/// writes an HTML report. Exits 0 whether or not it finds drift (the verdict is in the output).
/// </summary>
public sealed class DriftCheckCommand : CliCommand
{
    public override string Name => "drift check";
    public override string Summary => "test current records against a drift reference (Evidently's tests) with an HTML report";
    public override string Usage => "--reference ref.json --current cur.jsonl [--report drift-report.html] [--threshold 0.05] " +
        "[--distance-threshold 0.1] [--drift-share 0.5] [--method auto|ks|chisquare|z|wasserstein|jensenshannon|psi] [--bonferroni]";
    public override IReadOnlySet<string> Options => new HashSet<string>
        { "reference", "current", "report", "threshold", "distance-threshold", "drift-share", "method" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "bonferroni" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        string refPath = args.Get("reference") ?? throw new UsageException("give --reference FILE (made by 'llmlab drift reference')", this);
        string curPath = args.Get("current") ?? throw new UsageException("give --current FILE (JSONL records to check)", this);
        string reportPath = args.Get("report") ?? "drift-report.html";
        var defaults = new DriftOptions();
        var options = new DriftOptions
        {
            PValueThreshold = args.GetDouble("threshold", defaults.PValueThreshold),
            DistanceThreshold = args.GetDouble("distance-threshold", defaults.DistanceThreshold),
            PsiThreshold = args.GetDouble("distance-threshold", defaults.PsiThreshold),
            DriftShare = args.GetDouble("drift-share", defaults.DriftShare),
            Method = ParseMethod(args.Get("method")),
            Correction = args.Flag("bonferroni") ? MultipleTesting.Bonferroni : MultipleTesting.None,
        };
        options.Validate();
        OutputPaths.File(reportPath, "--report", refPath, curPath);
        var reference = DriftReferenceFile.Load(refPath);
        var current = DriftRecords.ReadJsonl(curPath);
        var report = DriftDetector.Detect(reference, current, options);
        var c = CultureInfo.InvariantCulture;
        foreach (var col in report.Columns)
            @out.WriteLine(string.Create(c, $"{col.Column,-20} {DriftHtmlReport.Name(col.Method),-22} {(col.ScoreIsPValue ? "p" : "d")} = {col.Score,-12:G4} " +
                $"{(col.Drifted ? "DRIFT" : "ok")}"));
        AtomicFile.WriteAllText(reportPath, DriftHtmlReport.Render(report, Path.GetFileName(refPath), Path.GetFileName(curPath)));
        @out.WriteLine(string.Create(c, $"dataset drift: {(report.DatasetDrift ? "YES" : "no")} ({report.DriftedColumns} of {report.Columns.Count} columns; " +
            $"{report.CurrentRows:N0} current rows vs {report.ReferenceRows:N0}) — report: {reportPath}"));
        return 0;
    }

    static DriftMethod ParseMethod(string? name) => name switch
    {
        null or "auto" => DriftMethod.Auto,
        "ks" => DriftMethod.Ks,
        "chisquare" => DriftMethod.ChiSquare,
        "z" => DriftMethod.ZTest,
        "wasserstein" => DriftMethod.Wasserstein,
        "jensenshannon" => DriftMethod.JensenShannon,
        "psi" => DriftMethod.Psi,
        _ => throw new InputException($"--method '{name}' is not a drift test: use auto, ks, chisquare, z, wasserstein, jensenshannon or psi"),
    };
}
