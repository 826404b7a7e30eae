using LlmLab.Agents.Prompts;
using LlmLab.Runtime;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab prompts new FILE [--force]</c>: writes the commented prompt-evaluation template (YAML), which
/// <c>prompts eval</c> runs as written.</summary>
public sealed class PromptsNewCommand : CliCommand
{
    public override string Name => "prompts new";
    public override string Summary => "write a commented prompt-evaluation file (YAML) to edit and run with 'prompts eval'";
    public override string Usage => "<file.yaml> [--force]";
    public override IReadOnlySet<string> Flags => new HashSet<string> { "force" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(1, this, "the file to write");
        string path = args.Positionals[0];
        if (Path.GetExtension(path).ToLowerInvariant() is not (".yaml" or ".yml"))
            throw new InputException($"'{path}': the template is YAML; name the file *.yaml or *.yml");
        OutputPaths.File(path, "the output file");
        if (File.Exists(path) && !args.Flag("force"))
            throw new InputException($"'{path}' already exists; choose another name or add --force to overwrite it");
        AtomicFile.WriteAllText(path, PromptSuiteTemplate.Text + "\n");
        @out.WriteLine($"wrote {path}: edit its prompts and tests, then run 'llmlab prompts eval {path}'");
        return 0;
    }
}
