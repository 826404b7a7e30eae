using System.Security.Cryptography;
using LlmLab.Data.Mixture;
using LlmLab.Data.Shards;

namespace LlmLab.Tests.Data.Shards;

public sealed class ShardBuilderTests : IDisposable
{
    readonly ShardTestData _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Manifest_round_trips_and_agrees_with_the_files()
    {
        var m = _data.Build("out");
        string dir = _data.Path("out");
        string json = File.ReadAllText(Path.Combine(dir, "index.json"));
        Assert.Equal(json, m.ToJson());
        Assert.Equal(json, ShardManifest.Load(dir).ToJson());
        Assert.True(m.Train.Shards.Count >= 2, "the test wants several shards");
        Assert.All(m.Train.Shards.SkipLast(1), s => Assert.Equal(4000, s.Tokens));
        foreach (var s in m.Train.Shards.Concat(m.Val.Shards))
            Assert.Equal(s.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, s.File)))));
        Assert.Equal(["a", "b"], m.Sources.Select(s => s.Name));
        Assert.Equal(m.Train.Tokens, m.Sources.Sum(s => s.TrainTaken));
        Assert.Equal(m.Sources[0].TrainAvailable + m.Sources[1].TrainAvailable, m.Train.Tokens); // default size: the sources' sum
        Assert.Equal(["index.json"], Directory.GetFiles(dir).Select(Path.GetFileName)
            .Where(f => !f!.EndsWith(".bin", StringComparison.Ordinal)));
        Assert.Equal([m.Tokenizer.VocabSize - 1], m.Separator); // <|endoftext|>, the special token after the merges
    }

    [Fact]
    public void Realised_proportions_hit_the_weights_and_small_sources_are_up_sampled()
    {
        var m = _data.Build("out");
        Assert.Null(m.Temperature);
        foreach (var (s, p) in m.Sources.Zip([0.7, 0.3]))
        {
            Assert.Equal(p, s.Target, 12);
            Assert.InRange(s.TrainRealised, p - 0.005, p + 0.005);
            Assert.InRange(s.ValRealised, p - 0.02, p + 0.02); // the validation split is small: a few chunks
            Assert.Equal((double)s.TrainTaken / s.TrainAvailable, s.Epochs, 12);
        }
        Assert.True(m.Sources[1].Epochs > 1,
            $"b (a quarter of the tokens, 30% of the mixture) is repeated: {m.Sources[1].Epochs:F2} epochs");
        Assert.True(m.Sources[0].Epochs < 1);
        Assert.True(m.Sources.All(s => s.ValTaken <= s.ValAvailable + m.ChunkTokens), "validation repeats at most one chunk");
    }

    [Fact]
    public void Temperature_sets_the_targets_when_no_weights_are_given()
    {
        var (tok, id, _) = _data.Tokenizer();
        var m = ShardBuilder.Build([ShardTestData.Source("a", 300, 1), ShardTestData.Source("b", 30, 2)], tok, id, _data.Path("t"),
            new ShardBuildOptions(ValFraction: 0.1, Temperature: 2, ChunkTokens: 32));
        var expected = MixtureWeights.Temperature(m.Sources.Select(s => s.TrainAvailable).ToList(), 2);
        Assert.Equal(2, m.Temperature);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(expected[i], m.Sources[i].Target, 12);
            Assert.InRange(m.Sources[i].TrainRealised, expected[i] - 0.005, expected[i] + 0.005);
        }
        Assert.True(m.Sources[1].Target > (double)m.Sources[1].TrainAvailable / (m.Sources[0].TrainAvailable + m.Sources[1].TrainAvailable),
            "T = 2 raises the small source");
    }

    [Fact]
    public void The_same_seed_gives_byte_identical_shards_and_another_seed_does_not()
    {
        _data.Build("one", seed: 11);
        _data.Build("two", seed: 11);
        _data.Build("three", seed: 12);
        var one = Directory.GetFiles(_data.Path("one")).Select(f => Path.GetFileName(f)).Order().ToList();
        Assert.Equal(one, Directory.GetFiles(_data.Path("two")).Select(f => Path.GetFileName(f)).Order());
        foreach (string f in one)
            Assert.Equal(File.ReadAllBytes(_data.Path(Path.Combine("one", f))), File.ReadAllBytes(_data.Path(Path.Combine("two", f))));
        Assert.NotEqual(File.ReadAllBytes(_data.Path("one/train-000000.bin")), File.ReadAllBytes(_data.Path("three/train-000000.bin")));
    }

    [Fact]
    public void Bad_sources_and_options_are_named_and_nothing_is_left_behind()
    {
        var (tok, id, _) = _data.Tokenizer();
        InputException Fails(IReadOnlyList<MixtureSource> sources, ShardBuildOptions? o = null, string dir = "bad") =>
            Assert.Throws<InputException>(() => ShardBuilder.Build(sources, tok, id, _data.Path(dir), o
            ?? new ShardBuildOptions(ValFraction: 0.1)));

        var empty = new MixtureSource("empty", new ListSource("empty", []), "empty.jsonl", 1);
        Assert.Contains("source 'empty' (empty.jsonl) has no documents", Fails([ShardTestData.Source("a", 10, 1, 1), empty]).Message);
        Assert.Contains("sum to 0", Fails([ShardTestData.Source("a", 10, 1, 0), ShardTestData.Source("b", 10, 2, 0)]).Message);
        Assert.Contains("only some sources have a weight (a)",
            Fails([ShardTestData.Source("a", 10, 1, 1), ShardTestData.Source("b", 10, 2)]).Message);
        Assert.Contains("--temperature", Fails([ShardTestData.Source("a", 10, 1, 1)], new ShardBuildOptions(Temperature: 2)).Message);
        Assert.Contains("given twice", Fails([ShardTestData.Source("a", 10, 1), ShardTestData.Source("a", 10, 2)]).Message);
        Assert.Contains("--val-fraction", Fails([ShardTestData.Source("a", 10, 1)], new ShardBuildOptions(ValFraction: 1)).Message);
        Assert.Contains("no validation documents", Fails([ShardTestData.Source("a", 2, 1)], new ShardBuildOptions(ValFraction: 0.01))
            .Message);
        File.WriteAllText(_data.Path("full.txt"), "x");
        Directory.CreateDirectory(_data.Path("full"));
        File.WriteAllText(_data.Path("full/keep.txt"), "x");
        Assert.Contains("exists and is not empty", Fails([ShardTestData.Source("a", 10, 1)], dir: "full").Message);
        // Failures after tokenising began leave no output and no temporary directory.
        Assert.False(Directory.Exists(_data.Path("bad")));
        Assert.DoesNotContain(Directory.GetDirectories(_data.Root), d => Path.GetFileName(d).StartsWith('.'));
    }
}
