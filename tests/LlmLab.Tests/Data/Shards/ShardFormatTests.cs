using LlmLab.Data.Shards;

namespace LlmLab.Tests.Data.Shards;

public sealed class ShardFormatTests : IDisposable
{
    readonly ShardTestData _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Header_layout_matches_the_documented_golden_bytes()
    {
        // "LLTS", version 1, 2 bytes/token, reserved, N = 3 (int64), V = 300 (int32), 12 reserved bytes.
        Assert.Equal("4C4C5453" + "0100" + "02" + "00" + "0300000000000000" + "2C010000" + new string('0', 24),
            Convert.ToHexString(ShardFormat.Header(2, 3, 300)));
        Assert.Equal(32, ShardFormat.HeaderBytes);
    }

    [Theory]
    [InlineData(256, 2)]
    [InlineData(50_257, 2)]   // GPT-2
    [InlineData(65_536, 2)]   // ids 0 … 65,535 still fit
    [InlineData(65_537, 4)]
    [InlineData(100_277, 4)]  // cl100k_base
    public void Width_is_uint16_while_the_vocabulary_fits(int vocab, int width) => Assert.Equal(width, ShardFormat.WidthFor(vocab));

    [Fact]
    public void A_written_shard_is_its_header_then_the_tokens_little_endian()
    {
        var m = _data.Build("out");
        var first = m.Train.Shards[0];
        byte[] file = File.ReadAllBytes(_data.Path(Path.Combine("out", first.File)));
        Assert.Equal("uint16", m.Dtype);
        Assert.Equal(ShardFormat.Header(2, first.Tokens, 300), file[..32]);
        Assert.Equal(32 + 2 * first.Tokens, file.Length);
        using var set = ShardSet.Open(_data.Path("out"));
        var tokens = new int[4];
        set.Read(0, 0, tokens);
        for (int i = 0; i < tokens.Length; i++) Assert.Equal(file[32 + 2 * i] | file[33 + 2 * i] << 8, tokens[i]);
    }

    [Fact]
    public void A_vocabulary_above_65536_gets_uint32_shards()
    {
        var wide = new WideTokenizer();
        var id = new TokenizerIdentity("wide", wide.VocabSize, new string('a', 64));
        var m = LlmLab.Data.Shards.ShardBuilder.Build([ShardTestData.Source("a", 30, 1)], wide, id, _data.Path("wide"),
            new ShardBuildOptions(ShardTokens: 100_000, ValFraction: 0));
        Assert.Equal("uint32", m.Dtype);
        byte[] file = File.ReadAllBytes(_data.Path(Path.Combine("wide", m.Train.Shards[0].File)));
        Assert.Equal(4, file[6]);
        using var set = ShardSet.Open(_data.Path("wide"));
        var tokens = new int[m.Train.Tokens];
        set.Read(0, 0, tokens);
        Assert.All(tokens, t => Assert.InRange(t, 69_744, 69_999)); // ids above uint16 survive the round trip
        Assert.Contains(ShardTestData.Docs("a", 30, 1)[0].Text, wide.Decode(tokens)); // chunks are shuffled, documents whole within them
        Assert.Empty(m.Val.Shards);
    }

    [Fact]
    public void Truncated_or_foreign_files_are_reported_by_name()
    {
        string path = _data.Path("x.bin");
        File.WriteAllBytes(path, [.. ShardFormat.Header(2, 10, 300), 1, 0, 2, 0]);
        var e = Assert.Throws<InputException>(() => ShardFormat.ReadHeader(path));
        Assert.Contains("x.bin", e.Message);
        Assert.Contains("truncated", e.Message);
        File.WriteAllBytes(path, "not a shard at all, just text"u8.ToArray());
        Assert.Contains("not an llmlab token shard", Assert.Throws<InputException>(() => ShardFormat.ReadHeader(path)).Message);
    }
}
