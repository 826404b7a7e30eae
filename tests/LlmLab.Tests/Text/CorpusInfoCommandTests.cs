namespace LlmLab.Tests.Text;

public class CorpusInfoCommandTests
{
    [Fact]
    public void Info_on_a_jsonl_file_prints_counts_split_lengths_and_sources()
    {
        using var dir = new TempDir();
        string path = dir.File("c.jsonl", "{\"body\":\"abc\"}\n{\"body\":\"défg\"}\n{\"body\":\"hi\"}\n");
        var (code, output, err) = CliRun.Run("corpus", "info", path, "--field", "body");
        Assert.True(code == 0, err);
        Assert.Contains("corpus     c.jsonl", output);
        Assert.Contains("documents  3\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("characters 9\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("bytes      10 (UTF-8)", output); // é is two bytes
        Assert.Contains("median 3 characters", output);
        Assert.Matches(@"split      train \d / validation \d", output);
        Assert.Contains("        3  c.jsonl", output);
        Assert.Contains("read in", output);
    }

    [Fact]
    public void Missing_path_exits_2_with_one_line()
    {
        var (code, output, err) = CliRun.Run("corpus", "info", "/nonexistent/corpus.jsonl");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal("error: corpus file '/nonexistent/corpus.jsonl' not found", err.Trim());
    }

    [Fact]
    public void Wrong_field_exits_2_naming_the_fix()
    {
        using var dir = new TempDir();
        string path = dir.File("c.jsonl", "{\"body\":\"abc\"}\n");
        var (code, _, err) = CliRun.Run("corpus", "info", path);
        Assert.Equal(2, code);
        Assert.Contains("choose the field with --field NAME", err);
    }
}
