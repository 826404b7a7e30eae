using LlmLab.Labs.Framework;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab labs list</c>: the course's labs with level, duration, paths and implementation status.</summary>
public sealed class LabsListCommand : CliCommand
{
    public override string Name => "labs list";
    public override string Summary => "list the course's 27 labs and exercises, with level, duration and status";
    public override string Usage => "[--path research|engineering|fullstack] [--level beginner|intermediate|advanced] [--runs DIR]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "path", "level", "runs" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        LearningPath? path = args.Get("path") is { } p ? LabCatalog.ParsePath(p) : null;
        Level? level = args.Get("level") is { } l ? LabCatalog.ParseLevel(l) : null;
        var passed = RunIndexPage.PassedLabIds(args.Get("runs") ?? "runs");
        IEnumerable<LabInfo> labs = path is { } lp ? LabCatalog.PathLabs(lp).Select(LabCatalog.Get) : LabCatalog.All;
        if (level is { } lv) labs = labs.Where(x => x.Level == lv);
        var rows = labs.ToList();
        @out.WriteLine($"{"id",-5} {"title",-38} {"level",-12} {"duration",-20} {"status",-16} paths");
        foreach (var lab in rows)
        {
            string status = !LabRegistry.IsImplemented(lab.Id) ? "not implemented" : passed.Contains(lab.Id) ? "done (passed)" : "implemented";
            string paths = string.Join(",", LabCatalog.PathsOf(lab).Select(LabCatalog.PathName));
            @out.WriteLine($"{lab.Id,-5} {Trim(lab.Title, 38),-38} {lab.Level.ToString().ToLowerInvariant(),-12} {lab.Duration,-20} {status,-16} {paths}");
        }
        @out.WriteLine($"{rows.Count} labs; {rows.Count(r => LabRegistry.IsImplemented(r.Id))} implemented. " +
                       "Titles in French and objectives: 'llmlab labs show <id>'.");
        return 0;
    }

    static string Trim(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
