using System.Diagnostics;
using System.Globalization;
using LlmLab.Data.Mixture;
using LlmLab.Data.Shards;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab data shard</c>: tokenises a mixture of sources into binary token shards with an <c>index.json</c>
/// (see <see cref="ShardBuilder"/>). Without <c>--source</c>, the default SDK-docs corpus is the one source.
/// </summary>
public sealed class DataShardCommand : CliCommand
{
    public override string Name => "data shard";
    public override string Summary => "tokenise a weighted mixture of corpora into binary token shards (train/val) with index.json";
    public override string Usage => "--tokenizer FILE|gpt2|cl100k_base --out DIR [--source NAME=PATH[:WEIGHT]]… [--temperature T] " +
                                    "[--shard-tokens N] [--val-fraction F] [--seed S] [--chunk-tokens N] [--train-tokens N]";
    public override IReadOnlySet<string> Options => new HashSet<string>
        { "source", "temperature", "tokenizer", "out", "shard-tokens", "val-fraction", "seed", "chunk-tokens", "train-tokens" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "");
        string outDir = args.Get("out") ?? throw new UsageException("--out DIR is required", this);
        string tokenizerName = args.Get("tokenizer") ?? throw new UsageException("--tokenizer FILE|gpt2 is required", this);
        var defaults = new ShardBuildOptions();
        var options = new ShardBuildOptions(
            ShardTokens: args.GetLong("shard-tokens", defaults.ShardTokens),
            ValFraction: args.GetDouble("val-fraction", defaults.ValFraction),
            Seed: args.GetLong("seed", defaults.Seed),
            Temperature: args.Get("temperature") is null ? null : args.GetDouble("temperature", 1),
            ChunkTokens: args.GetInt("chunk-tokens", defaults.ChunkTokens),
            TrainTokens: args.Get("train-tokens") is null ? null : args.GetLong("train-tokens", 0));
        options.Validate(); // before opening anything: a bad option should not wait for the corpus
        var sources = args.GetAll("source").Select(MixtureSource.Parse).ToList();
        if (sources.Count == 0) sources.Add(MixtureSource.Parse("sdk-docs=sdk-docs"));
        var (tokenizer, identity) = TokenizerIdentity.Open(tokenizerName);
        OutputPaths.Directory(outDir, "--out");

        var clock = Stopwatch.StartNew();
        var m = ShardBuilder.Build(sources, tokenizer, identity, outDir, options, @out.WriteLine);
        var c = CultureInfo.InvariantCulture;
        @out.WriteLine(string.Format(c, "tokenizer  {0} (vocabulary {1:N0}, {2} tokens)", m.Tokenizer.Name, m.Tokenizer.VocabSize, m.Dtype));
        DataShardInfoCommand.WriteSources(m, @out);
        @out.WriteLine(string.Format(c, "wrote      {0} in {1:F1} s", outDir, clock.Elapsed.TotalSeconds));
        return 0;
    }
}
