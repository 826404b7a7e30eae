using System.Globalization;
using LlmLab.Data.Shards;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab data shard-info DIR</c>: the manifest's summary (tokenizer, mixture, shards) after verifying every
/// shard's SHA-256; with <c>--tokenizer</c>, also that the shards were made with it.</summary>
public sealed class DataShardInfoCommand : CliCommand
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public override string Name => "data shard-info";
    public override string Summary => "summarise a shard directory and verify every shard's checksum";
    public override string Usage => "DIR [--tokenizer FILE|gpt2|cl100k_base]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "tokenizer" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(1, this, "the shard directory DIR");
        string dir = args.Positionals[0];
        TokenizerIdentity? expected = args.Get("tokenizer") is { } t ? TokenizerIdentity.Open(t).Identity : null;
        int verified = 0;
        ShardManifest? m = null;
        foreach (string split in new[] { "train", "val" })
        {
            using var set = ShardSet.Open(dir, split, expected);
            set.VerifyAll();
            verified += set.Shards.Count;
            m = set.Manifest;
        }
        @out.WriteLine(string.Format(C, "tokenizer  {0} (vocabulary {1:N0}, sha256 {2}…){3}", m!.Tokenizer.Name, m.Tokenizer.VocabSize, m.Tokenizer.Sha256[..12],
            expected is null ? "" : " = the tokenizer given"));
        @out.WriteLine(string.Format(C, "dtype      {0}; separator [{1}]; seed {2}; chunk {3:N0} tokens; shard {4:N0} tokens; validation {5:0.###}",
            m.Dtype, string.Join(", ", m.Separator), m.Seed, m.ChunkTokens, m.ShardTokens, m.ValFraction));
        @out.WriteLine(m.Temperature is { } temp ? string.Format(C, "mixture    temperature {0:0.###} (p ∝ n^(1/T))", temp) : "mixture    explicit weights");
        WriteSources(m, @out);
        foreach (var (name, split) in new[] { ("train", m.Train), ("val", m.Val) })
        {
            @out.WriteLine(string.Format(C, "{0,-10} {1:N0} tokens in {2} shard{3}", name, split.Tokens, split.Shards.Count, split.Shards.Count == 1 ? "" : "s"));
            foreach (var s in split.Shards)
                @out.WriteLine(string.Format(C, "  {0,-18} {1,14:N0}  sha256 {2}…  {3}", s.File, s.Tokens, s.Sha256[..12],
                    string.Join(" ", m.Sources.Select((src, k) => $"{src.Name}={s.SourceTokens[k]:N0}"))));
        }
        @out.WriteLine($"verified   {verified} shard{(verified == 1 ? "" : "s")}: sizes and SHA-256 match index.json");
        return 0;
    }

    /// <summary>The mixture table: each source's target and realised shares, epochs, documents and tokens.</summary>
    internal static void WriteSources(ShardManifest m, TextWriter @out)
    {
        @out.WriteLine(string.Format(C, "{0,-14} {1,8} {2,9} {3,9} {4,7} {5,10} {6,14} {7,14}", "source", "target", "realised", "val", "epochs",
            "documents", "train tokens", "available"));
        foreach (var s in m.Sources)
            @out.WriteLine(string.Format(C, "{0,-14} {1,7:0.00}% {2,8:0.00}% {3,8:0.00}% {4,7:0.00} {5,10:N0} {6,14:N0} {7,14:N0}", s.Name, 100 * s.Target,
                100 * s.TrainRealised, 100 * s.ValRealised, s.Epochs, s.Documents, s.TrainTaken, s.TrainAvailable));
    }
}
