using LlmLab.Data.Mixture;
using LlmLab.Data.Shards;
using LlmLab.Text;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Data.Shards;

/// <summary>Small synthetic sources, a small BPE tokenizer and a temporary directory for the shard tests.</summary>
internal sealed class ShardTestData : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("llmlab-shards-").FullName;

    static readonly Lazy<(BpeTokenizer Tokenizer, byte[] File)> Bpe = new(() =>
    {
        var t = BpeTrainer.Train(Docs("a", 40, 1).Concat(Docs("b", 40, 2)).Select(d => d.Text),
            new BpeTrainingOptions(300, SpecialTokens: [ShardBuilder.EndOfText], Name: "test-bpe"));
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"llmlab-test-bpe-{Guid.NewGuid():N}.bin");
        t.Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return (t, bytes);
    });

    /// <summary>A 300-id BPE tokenizer with &lt;|endoftext|&gt;, saved in <see cref="Root"/>; and its identity.</summary>
    public (ITokenizer Tokenizer, TokenizerIdentity Identity, string Path) Tokenizer()
    {
        string path = System.IO.Path.Combine(Root, "tok.bin");
        if (!File.Exists(path)) File.WriteAllBytes(path, Bpe.Value.File);
        var (t, id) = TokenizerIdentity.Open(path);
        return (t, id, path);
    }

    /// <summary><paramref name="count"/> documents of pseudo-random words, deterministic in (prefix, seed).</summary>
    public static List<Document> Docs(string prefix, int count, int seed)
    {
        string[] words = ["data", "token", "shard", "model", "train", "the", "of", "mixture", "weight", "loader", "epoch", prefix + "x",
            prefix + "y"];
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(i => new Document($"{prefix}#{i}",
            string.Join(' ', Enumerable.Range(0, 20 + rng.Next(60)).Select(_ => words[rng.Next(words.Length)])) + ".", prefix)).ToList();
    }

    public static MixtureSource Source(string name, int docs, int seed, double? weight = null) =>
        new(name, new ListSource(name, Docs(name, docs, seed)), "memory:" + name, weight);

    /// <summary>Two weighted sources (0.7 / 0.3, the second one smaller, so up-sampled) built into <paramref name="dir"/>.</summary>
    public ShardManifest Build(string dir, long seed = 7, long shardTokens = 4000, int chunk = 64, double valFraction = 0.1,
        IReadOnlyList<MixtureSource>? sources = null)
    {
        var (tok, id, _) = Tokenizer();
        return ShardBuilder.Build(sources ?? [Source("a", 300, 1, 0.7), Source("b", 100, 2, 0.3)], tok, id, Path(dir),
            new ShardBuildOptions(shardTokens, valFraction, seed, ChunkTokens: chunk));
    }

    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Documents held in a list.</summary>
internal sealed class ListSource(string name, IReadOnlyList<Document> docs) : IDocumentSource
{
    public string Name => name;
    public IEnumerable<Document> Read(CancellationToken cancellationToken = default) => docs;
}

/// <summary>A tokenizer with 70,000 ids (more than uint16 holds): byte b is id 69,744 + b.</summary>
internal sealed class WideTokenizer : ITokenizer
{
    public int VocabSize => 70_000;
    public int[] Encode(string text) => System.Text.Encoding.UTF8.GetBytes(text).Select(b => 69_744 + b).ToArray();
    public string Decode(ReadOnlySpan<int> ids) => System.Text.Encoding.UTF8.GetString(ids.ToArray().Select(i => (byte)(i - 69_744))
        .ToArray());
}
