using static LlmLab.Tests.CliRun;

namespace LlmLab.Tests.Cli;

public class CliTests
{
    [Fact]
    public void Labs_list_shows_all_27_labs_with_level_duration_and_status()
    {
        var (code, output, _) = Run("labs", "list");
        Assert.Equal(0, code);
        Assert.Contains("27 labs;", output);
        Assert.Contains("6     Pretraining a small model", output);
        Assert.Contains("27 labs; 27 implemented.", output);                            // lab 10.3 was the last
        Assert.DoesNotContain("not implemented", output);
    }

    [Theory]
    [InlineData("research", 9)]
    [InlineData("engineering", 12)]
    [InlineData("fullstack", 27)]
    public void Labs_list_filters_by_path(string path, int count)
    {
        var (code, output, _) = Run("labs", "list", "--path", path);
        Assert.Equal(0, code);
        Assert.Contains($"{count} labs;", output);
    }

    [Fact]
    public void Labs_list_filters_by_level()
    {
        var (_, output, _) = Run("labs", "list", "--level", "beginner");
        Assert.Contains("6 labs;", output);
        Assert.Contains("Cross-entropy from scratch", output);
    }

    [Theory]
    [InlineData("error: unknown lab id '99.9'", "labs", "run", "99.9")]
    [InlineData("error: unknown command 'frobnicate'", "frobnicate")]
    [InlineData("error: 'labs' needs a sub-command", "labs")]
    [InlineData("error: unknown option --colour", "labs", "list", "--colour", "red")]
    [InlineData("error: unknown --profile 'huge'", "labs", "run", "all", "--profile", "huge")]
    [InlineData("error: --threads must be >= 1 (got 0)", "labs", "run", "all", "--threads", "0")]
    [InlineData("error: unknown --path 'art'", "labs", "list", "--path", "art")]
    [InlineData("error: --seed must be an integer (got 'x')", "labs", "run", "all", "--seed", "x")]
    [InlineData("error: lab 1.3: --set seq=-5: seq must be >= 1", "labs", "run", "1.3", "--set", "seq=-5")]
    [InlineData("error: unknown --set key 'sequence': no selected lab has it", "labs", "run", "all", "--set", "sequence=5")]
    [InlineData("error: corpus file 'missing.jsonl' not found", "labs", "run", "all", "--corpus", "missing.jsonl")]
    public void Bad_input_is_one_line_and_exit_code_2(string message, params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith(message, err);
        Assert.Single(err.TrimEnd('\n').Split('\n')); // exactly one line: README and docs/architecture.md promise it
        Assert.DoesNotContain("   at ", err); // no stack trace
    }

    [Fact]
    public void A_usage_error_is_one_line_that_points_to_the_command_help()
    {
        var (code, output, err) = Run("train");
        Assert.Equal(2, code);
        Assert.Equal("error: --config FILE is required (see 'llmlab train --help')\n", err.ReplaceLineEndings("\n"));
        Assert.Empty(output);
        (code, _, err) = Run();
        Assert.Equal(2, code);
        Assert.Equal("error: no command given; run 'llmlab help' for the list\n", err.ReplaceLineEndings("\n"));
    }
}
