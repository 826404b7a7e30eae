using LlmLab.Tokenization;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab tokenizer encode</c>: prints the ids of a text (an argument or a file), space-separated on one line.</summary>
public sealed class TokenizerEncodeCommand : CliCommand
{
    public override string Name => "tokenizer encode";
    public override string Summary => "encode text (an argument or --file) to token ids";
    public override string Usage => "--tokenizer FILE|gpt2|cl100k_base (TEXT | --file FILE) [--no-special] [--count]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "tokenizer", "file" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "no-special", "count" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        var tokenizer = TokenizerFiles.Open(args.Get("tokenizer") ?? throw new UsageException("--tokenizer is required", this));
        string text;
        if (args.Get("file") is { } file)
        {
            args.ExpectPositionals(0, this, "");
            if (!File.Exists(file)) throw new InputException($"text file '{file}' not found");
            text = File.ReadAllText(file);
        }
        else
        {
            if (args.Positionals.Count != 1) throw new UsageException("give the text as one argument (quote it), or --file FILE", this);
            text = args.Positionals[0];
        }
        int[] ids = args.Flag("no-special") && tokenizer is BpeTokenizer bpe ? bpe.EncodeOrdinary(text) : tokenizer.Encode(text);
        @out.WriteLine(args.Flag("count") ? ids.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Join(' ', ids));
        return 0;
    }
}
