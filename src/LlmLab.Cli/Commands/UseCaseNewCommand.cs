using LlmLab.Planning;
using LlmLab.Runtime;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab usecase new FILE [--force]</c>: writes the commented use-case template (YAML).</summary>
public sealed class UseCaseNewCommand : CliCommand
{
    public override string Name => "usecase new";
    public override string Summary => "write a commented use-case specification template (YAML) to fill in";
    public override string Usage => "<file.yaml> [--force]";
    public override IReadOnlySet<string> Flags => new HashSet<string> { "force" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(1, this, "the file to write");
        string path = args.Positionals[0];
        if (UseCaseFile.FormatOf(path) != UseCaseFile.Format.Yaml)
            throw new InputException($"'{path}': the template is YAML; name the file *.yaml or *.yml");
        OutputPaths.File(path, "the output file");
        if (File.Exists(path) && !args.Flag("force"))
            throw new InputException($"'{path}' already exists; choose another name or add --force to overwrite it");
        AtomicFile.WriteAllText(path, UseCaseTemplate.Text + "\n");
        @out.WriteLine($"wrote {path}: fill in every TODO, then run 'llmlab usecase check {path}'");
        return 0;
    }
}
