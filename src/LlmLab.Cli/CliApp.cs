using LlmLab.Cli.Commands;

namespace LlmLab.Cli;

/// <summary>
/// The <c>llmlab</c> command: finds the command by its words, parses its options strictly, and maps errors to
/// exit codes — 0 success, 1 a failed check or run, 2 bad input (one line, no stack trace).
/// </summary>
public static class CliApp
{
    public static IReadOnlyList<CliCommand> Commands { get; } =
    [
        new LabsListCommand(),
        new LabsShowCommand(),
        new LabsRunCommand(),
        new BenchThreadsCommand(),
        new BenchLstmCommand(),
        new BenchTokenizerCommand(),
        new BenchAttentionCommand(),
        new BenchGenerateCommand(),
        new BenchTrainCommand(),
        new UseCaseNewCommand(),
        new UseCaseCheckCommand(),
        new CorpusInfoCommand(),
        new EstimateCommand(),
        new TokenizerTrainCommand(),
        new TokenizerEncodeCommand(),
        new TokenizerDecodeCommand(),
        new TokenizerInfoCommand(),
        new TokenizerExportCommand(),
        new DataStatsCommand(),
        new DataLangIdTrainCommand(),
        new DataShardCommand(),
        new DataShardInfoCommand(),
        new DataDedupCommand(),
        new DataSynthCommand(),
        new BenchDedupCommand(),
        new TrainCommand(),
        new SftCommand(),
        new GenerateCommand(),
        new ServeCommand(),
        new BenchServeCommand(),
    ];

    public static int Run(string[] args, TextWriter @out, TextWriter err)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintHelp(@out);
            return args.Length == 0 ? 2 : 0;
        }
        // Longest match of command words.
        CliCommand? command = null;
        int used = 0;
        foreach (var c in Commands)
        {
            string[] words = c.Name.Split(' ');
            if (words.Length <= args.Length && words.Length > used && words.Select((w, i) => w == args[i]).All(b => b))
                (command, used) = (c, words.Length);
        }
        try
        {
            if (command is null)
            {
                var group = Commands.Where(c => c.Name.StartsWith(args[0] + " ", StringComparison.Ordinal)).ToList();
                throw new UsageException(group.Count > 0
                    ? $"'{args[0]}' needs a sub-command: {string.Join(", ", group.Select(g => g.Name.Split(' ')[1]))}"
                    : $"unknown command '{args[0]}'; run 'llmlab help' for the list");
            }
            var rest = args.Skip(used).ToList();
            if (rest.Contains("--help") || rest.Contains("-h"))
            {
                @out.WriteLine($"llmlab {command.Name} {command.Usage}\n\n{command.Summary}");
                return 0;
            }
            return command.Execute(CliArgs.Parse(rest, command), @out);
        }
        catch (UsageException e)
        {
            err.WriteLine($"error: {e.Message}");
            if (e.Command is { } c) err.WriteLine($"usage: llmlab {c.Name} {c.Usage}");
            return 2;
        }
        catch (Exception e) when (e is InputException or FileNotFoundException or DirectoryNotFoundException)
        {
            err.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    static void PrintHelp(TextWriter @out)
    {
        @out.WriteLine("llmlab — the labs of a practical LLM course, as a .NET toolkit\n\nusage: llmlab <command> [options]\n\ncommands:");
        foreach (var c in Commands) @out.WriteLine($"  {c.Name,-18} {c.Summary}");
        @out.WriteLine("\nRun 'llmlab <command> --help' for a command's options. Exit codes: 0 ok, 1 a check or run failed, 2 bad input.");
    }
}
