using LlmLab.Cli.Commands;
using LlmLab.Training;

namespace LlmLab.Cli;

/// <summary>
/// The <c>llmlab</c> command: finds the command by its words, parses its options strictly, and maps errors to
/// exit codes — 0 success, 1 a failed check or run, 2 bad input, 130 interrupted (Ctrl-C). Every error is exactly one
/// line on stderr, <c>error: MESSAGE</c>, with no stack trace; a usage error ends with "(see 'llmlab CMD --help')".
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
        new BenchShardCommand(),
        new UseCaseNewCommand(),
        new UseCaseCheckCommand(),
        new CorpusInfoCommand(),
        new EstimateCommand(),
        new TokenizerTrainCommand(),
        new TokenizerEncodeCommand(),
        new TokenizerDecodeCommand(),
        new TokenizerInfoCommand(),
        new TokenizerExportCommand(),
        new ExportGgufCommand(),
        new ExportInspectCommand(),
        new ExportHfCommand(),
        new DataStatsCommand(),
        new DataLangIdTrainCommand(),
        new DataShardCommand(),
        new DataShardInfoCommand(),
        new DataDedupCommand(),
        new DataSynthCommand(),
        new BenchDedupCommand(),
        new TrainCommand(),
        new SftCommand(),
        new RmCommand(),
        new DpoCommand(),
        new PpoCommand(),
        new RefusalTrainGateCommand(),
        new GenerateCommand(),
        new ServeCommand(),
        new BenchServeCommand(),
        new RagIndexCommand(),
        new RagAskCommand(),
        new RagEvalCommand(),
        new BenchVectorsCommand(),
        new PromptsNewCommand(),
        new PromptsEvalCommand(),
        new AgentSampleCommand(),
        new AgentRunCommand(),
        new McpServeCommand(),
        new ChatCommand(),
        new ChatMemoriesListCommand(),
        new ChatMemoriesExportCommand(),
        new ChatMemoriesDeleteCommand(),
        new DriftReferenceCommand(),
        new DriftCheckCommand(),
    ];

    public static int Run(string[] args, TextWriter @out, TextWriter err)
    {
        if (args.Length == 0) return Fail(err, "no command given; run 'llmlab help' for the list", 2);
        if (args[0] is "-h" or "--help" or "help")
        {
            PrintHelp(@out);
            return 0;
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
                    ? $"'{args[0]}' needs a sub-command: {string.Join(", ", group.Select(g => g.Name.Split(' ')[1]))}; run 'llmlab help' for the list"
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
            string hint = (e.Command ?? command) is { } c ? $" (see 'llmlab {c.Name} --help')" : "";
            return Fail(err, e.Message + hint, 2);
        }
        catch (Exception e) when (e is InputException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            // UnauthorizedAccessException: a path the user named that cannot be read or written (EACCES/EPERM).
            return Fail(err, e.Message, 2);
        }
        catch (CliInterruptedException e)
        {
            return Fail(err, e.Message, 130, "interrupted");
        }
        catch (TrainingDivergedException e)
        {
            return Fail(err, e.Message, 1);
        }
        catch (IOException e) when (CliErrors.IsReadOnly(e))
        {
            return Fail(err, e.Message + ": choose an output on a writable file system", 2);
        }
        catch (IOException e)
        {
            // A run that failed on the way (disk full, a device error): one line, exit 1; the file writers clean up
            // their temporary files, so nothing half-written is left.
            return Fail(err, e.Message, 1);
        }
    }

    /// <summary>The CLI's one error contract: exactly one line on stderr, "error: …" (or "interrupted: …"), no stack
    /// trace; a message with line breaks is joined into one line.</summary>
    static int Fail(TextWriter err, string message, int code, string prefix = "error")
    {
        err.WriteLine($"{prefix}: {CliErrors.OneLine(message)}");
        return code;
    }

    static void PrintHelp(TextWriter @out)
    {
        @out.WriteLine("llmlab — the labs of a practical LLM course, as a .NET toolkit\n\nusage: llmlab <command> [options]\n\ncommands:");
        foreach (var c in Commands) @out.WriteLine($"  {c.Name,-18} {c.Summary}");
        @out.WriteLine("\nRun 'llmlab <command> --help' for a command's options. Exit codes: 0 ok, 1 a check or run failed, 2 bad input.");
    }
}
