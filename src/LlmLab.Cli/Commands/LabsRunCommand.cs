using LlmLab.Labs.Framework;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab labs run</c>: runs labs into runs/&lt;stamp&gt;/ and writes the HTML index. Ctrl-C marks the running lab
/// interrupted and exits 130.</summary>
public sealed class LabsRunCommand : CliCommand
{
    public override string Name => "labs run";
    public override string Summary => "run labs (ids, 'all', or a learning path) and write their reports and index.html";
    public override string Usage => "<id…|all> [--path research|engineering|fullstack] [--profile smoke|quick|full] " +
                                    "[--set key=value|id:key=value]… [--seed N] [--threads N] [--corpus FILE [--field NAME]] [--runs DIR]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "path", "profile", "set", "seed", "threads", "corpus", "field", "runs" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        LearningPath? path = args.Get("path") is { } p ? LabCatalog.ParsePath(p) : null;
        if (args.Positionals.Count == 0 && path is null)
            throw new UsageException("give lab ids, 'all' or --path", this);
        var options = new LabRunOptions(
            Profile: LabCatalog.ParseProfile(args.Get("profile") ?? "quick"),
            Seed: args.GetLong("seed", 1337),
            Threads: args.Get("threads") is null ? null : args.GetInt("threads", 1, min: 1),
            Sets: ConfigOverrides.Parse(args.GetAll("set")),
            RunsRoot: args.Get("runs") ?? "runs",
            CorpusPath: args.Get("corpus"),
            CorpusField: args.Get("field"));
        var labs = LabRegistry.Select(args.Positionals, path);
        OutputPaths.Directory(options.RunsRoot, args.Get("runs") is null ? "the runs directory" : "--runs");
        var summary = SpectreProgress.Run(progress =>
        {
            var runner = new LabRunner(progress, @out);
            // Ctrl-C: a lab cannot be stopped half-way, so the run stops at once: the running lab is recorded as
            // interrupted (result.json, report, index), the process exits 130 with where the results are.
            using var interruption = new Interruption(@out, "stopping: recording the running lab as interrupted");
            using var stop = interruption.Token.Register(() =>
            {
                string where = runner.Interrupt();
                if (!Console.IsErrorRedirected) Console.Error.Write("\u001b[?25h"); // the progress display hid the cursor
                Console.Error.WriteLine($"interrupted: {where}");
                Interruption.ExitNow(130);
            });
            return runner.Run(labs, options);
        });
        @out.WriteLine();
        foreach (var r in summary.Results)
            @out.WriteLine($"{(r.Passed ? "✓" : "✗")} {r.Info.Id,-5} {r.Info.Title,-38} {r.Status,-7} {r.Checks.Count(c => c.Passed)}/{r.Checks.Count} checks{(r.Checks.Any(c => c.Skipped) ? $" ({r.Checks.Count(c => c.Skipped)} skipped)" : "")}  {r.Seconds:0.0} s");
        @out.WriteLine($"report: {Path.GetFullPath(summary.IndexPath)}");
        return summary.AllPassed ? 0 : 1;
    }
}
