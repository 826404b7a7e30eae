using LlmLab.Data.Shards;

namespace LlmLab.Tests.Data.Shards;

public sealed class ShardSetTests : IDisposable
{
    readonly ShardTestData _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void A_corrupt_shard_is_reported_by_name_and_never_read()
    {
        _data.Build("out");
        string victim = _data.Path("out/train-000001.bin");
        byte[] bytes = File.ReadAllBytes(victim);
        bytes[100] ^= 0x01; // one flipped bit in the token area: the header and length still look fine
        File.WriteAllBytes(victim, bytes);
        using var set = ShardSet.Open(_data.Path("out"));
        var buffer = new int[8];
        set.Read(0, 0, buffer); // an intact shard still reads
        var e = Assert.Throws<InputException>(() => set.Read(1, 0, buffer));
        Assert.Contains("train-000001.bin", e.Message);
        Assert.Contains("corrupt", e.Message);
        Assert.Contains("train-000001.bin", Assert.Throws<InputException>(set.VerifyAll).Message);
    }

    [Fact]
    public void A_truncated_or_missing_shard_fails_at_open_by_name()
    {
        _data.Build("out");
        string victim = _data.Path("out/train-000002.bin");
        using (var fs = new FileStream(victim, FileMode.Open)) fs.SetLength(fs.Length - 3);
        var e = Assert.Throws<InputException>(() => ShardSet.Open(_data.Path("out")));
        Assert.Contains("train-000002.bin", e.Message);
        Assert.Contains("truncated", e.Message);
        File.Delete(victim);
        e = Assert.Throws<InputException>(() => ShardSet.Open(_data.Path("out")));
        Assert.Contains("train-000002.bin", e.Message);
        Assert.Contains("missing", e.Message);
        using var val = ShardSet.Open(_data.Path("out"), "val"); // the other split is untouched
        Assert.True(val.Tokens > 0);
    }

    [Fact]
    public void Shards_made_with_another_tokenizer_are_refused()
    {
        var m = _data.Build("out");
        using (ShardSet.Open(_data.Path("out"), tokenizer: m.Tokenizer)) { }
        var other = m.Tokenizer with { Name = "other", Sha256 = new string('0', 64) };
        var e = Assert.Throws<InputException>(() => ShardSet.Open(_data.Path("out"), tokenizer: other));
        Assert.Contains("index.json", e.Message);
        Assert.Contains("tokenizer mismatch", e.Message);
        Assert.Contains("'test-bpe'", e.Message);
        e = Assert.Throws<InputException>(() => ShardSet.Open(_data.Path("out"), tokenizer: m.Tokenizer with { VocabSize = 50_257 }));
        Assert.Contains("vocabulary 300 vs 50,257", e.Message);
    }

    [Fact]
    public void A_missing_or_broken_manifest_is_named()
    {
        Directory.CreateDirectory(_data.Path("empty"));
        Assert.Contains("has no index.json", Assert.Throws<InputException>(() => ShardSet.Open(_data.Path("empty"))).Message);
        File.WriteAllText(_data.Path("empty/index.json"), "{\"format\": \"llmlab-token-shards\"");
        Assert.Contains("index.json' is not a valid shard manifest", Assert.Throws<InputException>(() => ShardSet.Open(_data.Path("empty")))
            .Message);
        _data.Build("out");
        Assert.Contains("split 'test'", Assert.Throws<InputException>(() => ShardSet.Open(_data.Path("out"), "test")).Message);
        string index = _data.Path("out/index.json");
        File.WriteAllText(index, File.ReadAllText(index).Replace("\"version\": 1", "\"version\": 9"));
        Assert.Contains("version 9", Assert.Throws<InputException>(() => ShardSet.Open(_data.Path("out"))).Message);
    }
}
