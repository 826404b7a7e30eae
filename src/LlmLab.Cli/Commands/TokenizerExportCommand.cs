using LlmLab.Tokenization;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab tokenizer export</c>: writes a byte-level BPE tokenizer as GPT-2's vocab.json + merges.txt (into a
/// directory) or as a tiktoken rank file.</summary>
public sealed class TokenizerExportCommand : CliCommand
{
    public override string Name => "tokenizer export";
    public override string Summary => "export a BPE tokenizer as GPT-2 vocab.json + merges.txt or a .tiktoken file";
    public override string Usage => "--tokenizer FILE|gpt2|cl100k_base --format gpt2|tiktoken --out DIR|FILE";
    public override IReadOnlySet<string> Options => new HashSet<string> { "tokenizer", "format", "out" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "");
        string name = args.Get("tokenizer") ?? throw new UsageException("--tokenizer is required", this);
        string outPath = args.Get("out") ?? throw new UsageException("--out is required", this);
        string format = (args.Get("format") ?? throw new UsageException("--format is required", this)).ToLowerInvariant();
        if (format is "gpt2") OutputPaths.Directory(outPath, "--out");
        else if (format is "tiktoken") OutputPaths.File(outPath, "--out", name);
        if (TokenizerFiles.Open(name) is not BpeTokenizer bpe) throw new InputException($"'{name}' is a character tokenizer; only byte-level BPE tokenizers export to these formats");
        switch (format)
        {
            case "gpt2":
                Directory.CreateDirectory(outPath);
                Gpt2Format.Save(bpe, Path.Combine(outPath, "vocab.json"), Path.Combine(outPath, "merges.txt"));
                @out.WriteLine($"wrote {Path.Combine(outPath, "vocab.json")} and {Path.Combine(outPath, "merges.txt")}");
                break;
            case "tiktoken":
                TiktokenFormat.Save(bpe, outPath);
                @out.WriteLine($"wrote {outPath} (special tokens and the split pattern are not part of this format: {string.Join(", ", bpe.SpecialTokens.Keys)}; {SplitPatterns.NameOf(bpe.Pattern)})");
                break;
            case var f:
                throw new InputException($"--format must be gpt2 or tiktoken (got '{f}')");
        }
        return 0;
    }
}
