using LlmLab.Labs.Framework;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab labs show ID</c>: one lab's catalogue entry and its settable config keys.</summary>
public sealed class LabsShowCommand : CliCommand
{
    public override string Name => "labs show";
    public override string Summary => "show a lab: titles, objective, skills, level, paths and its --set keys";
    public override string Usage => "<id> [--profile smoke|quick|full]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "profile" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(1, this, "a lab id");
        var lab = LabCatalog.Get(args.Positionals[0]);
        @out.WriteLine($"{lab.Id} — {lab.Title} ({lab.TitleFr})");
        @out.WriteLine($"part {lab.Part}: {lab.PartTitle}");
        @out.WriteLine($"objective: {lab.Objective} ({lab.ObjectiveFr})");
        @out.WriteLine($"skills: {lab.Skills}");
        @out.WriteLine($"level: {lab.Level.ToString().ToLowerInvariant()}; estimated duration: {lab.Duration}");
        @out.WriteLine($"paths: {string.Join(", ", LabCatalog.PathsOf(lab).Select(LabCatalog.PathName))}");
        if (!LabRegistry.IsImplemented(lab.Id)) { @out.WriteLine("status: not implemented yet"); return 0; }
        var profile = LabCatalog.ParseProfile(args.Get("profile") ?? "quick");
        object config = LabRegistry.Create(lab.Id).DefaultConfig(profile);
        @out.WriteLine($"config at profile {profile.ToString().ToLowerInvariant()} (change with --set key=value):");
        @out.WriteLine(System.Text.Json.JsonSerializer.Serialize(config, config.GetType(), ConfigOverrides.Json));
        return 0;
    }
}
