using System.Text.Json;

namespace LlmLab.Tests.Data.Shards;

/// <summary><c>llmlab data shard</c> and <c>llmlab data shard-info</c> in process: success output, and bad input as one
/// line on stderr with exit code 2 and nothing half-written.</summary>
public sealed class DataShardCliTests : IDisposable
{
    readonly ShardTestData _data = new();
    readonly string _tok;

    public DataShardCliTests()
    {
        _tok = _data.Tokenizer().Path;
        Jsonl("web.jsonl", "w", 200, 1);
        Jsonl("code.jsonl", "c", 60, 2);
    }

    public void Dispose() => _data.Dispose();

    void Jsonl(string file, string prefix, int docs, int seed) =>
        File.WriteAllLines(_data.Path(file), ShardTestData.Docs(prefix, docs, seed)
            .Select(d => JsonSerializer.Serialize(new { text = d.Text })));

    (int Code, string Out, string Err) Shard(string outDir, params string[] extra) =>
        CliRun.Run(["data", "shard", "--tokenizer", _tok, "--out", _data.Path(outDir), "--shard-tokens", "3000", "--chunk-tokens", "64",
        "--val-fraction", "0.1", .. extra]);

    [Fact]
    public void Shards_a_weighted_mixture_and_shard_info_verifies_it()
    {
        var (code, output, err) = Shard("out", "--source", $"web={_data.Path("web.jsonl")}:3", "--source",
            $"code={_data.Path("code.jsonl")}:1");
        Assert.True(code == 0, err);
        Assert.Contains("web", output);
        Assert.Contains("75.00%", output); // target 3 : 1
        Assert.Contains("wrote", output);
        (code, output, err) = CliRun.Run("data", "shard-info", _data.Path("out"), "--tokenizer", _tok);
        Assert.True(code == 0, err);
        Assert.Contains("explicit weights", output);
        Assert.Contains("train-000000.bin", output);
        Assert.Contains("= the tokenizer given", output);
        Assert.Matches(@"verified   \d+ shards", output);
    }

    [Fact]
    public void Temperature_sampling_is_recorded()
    {
        var (code, output, err) = Shard("t", "--source", $"web={_data.Path("web.jsonl")}", "--source", $"code={_data.Path("code.jsonl")}",
            "--temperature", "3");
        Assert.True(code == 0, err);
        (code, output, _) = CliRun.Run("data", "shard-info", _data.Path("t"));
        Assert.Equal(0, code);
        Assert.Contains("temperature 3", output);
    }

    [Fact]
    public void Bad_input_is_one_line_naming_the_file_or_field()
    {
        File.WriteAllText(_data.Path("empty.jsonl"), "");
        var (code, _, err) = Shard("x", "--source", $"e={_data.Path("empty.jsonl")}");
        Assert.Equal(2, code);
        Assert.Contains("empty.jsonl", err);
        (code, _, err) = Shard("x", "--source", $"web={_data.Path("web.jsonl")}:0", "--source", $"code={_data.Path("code.jsonl")}:0");
        Assert.Equal(2, code);
        Assert.Contains("sum to 0", err);
        (code, _, err) = Shard("x", "--source", "no-equals-sign");
        Assert.Equal(2, code);
        Assert.Contains("NAME=PATH", err);
        (code, _, err) = Shard("x", "--source", $"web={_data.Path("web.jsonl")}", "--val-fraction", "1.5");
        Assert.Contains("--val-fraction", err);
        Assert.False(Directory.Exists(_data.Path("x")));
        Assert.DoesNotContain(Directory.GetDirectories(_data.Root), d => Path.GetFileName(d).StartsWith('.'));
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void Shard_info_names_a_corrupt_shard_and_a_tokenizer_mismatch()
    {
        Assert.Equal(0, Shard("out", "--source", $"web={_data.Path("web.jsonl")}").Code);
        var (code, _, err) = CliRun.Run("data", "shard-info", _data.Path("out"), "--tokenizer", "gpt2");
        Assert.Equal(2, code);
        Assert.Contains("tokenizer mismatch", err);
        string victim = _data.Path("out/val-000000.bin");
        byte[] bytes = File.ReadAllBytes(victim);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(victim, bytes);
        (code, _, err) = CliRun.Run("data", "shard-info", _data.Path("out"));
        Assert.Equal(2, code);
        Assert.Contains("val-000000.bin", err);
        Assert.Contains("corrupt", err);
    }
}
