using System.Globalization;
using LlmLab.Tokenization;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab tokenizer decode</c>: prints the text of token ids ("1 2 3", "1,2,3" and "[1, 2, 3]" all work).</summary>
public sealed class TokenizerDecodeCommand : CliCommand
{
    public override string Name => "tokenizer decode";
    public override string Summary => "decode token ids to text";
    public override string Usage => "--tokenizer FILE|gpt2|cl100k_base ID…";
    public override IReadOnlySet<string> Options => new HashSet<string> { "tokenizer" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        var tokenizer = TokenizerFiles.Open(args.Get("tokenizer") ?? throw new UsageException("--tokenizer is required", this));
        if (args.Positionals.Count == 0) throw new UsageException("give the token ids to decode", this);
        var ids = args.Positionals
            .SelectMany(p => p.Split([' ', ',', '[', ']', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
            .Select(s => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int id) ? id
                : throw new InputException($"'{s}' is not a token id; give integers like 15339 1917"))
            .ToArray();
        @out.WriteLine(tokenizer.Decode(ids));
        return 0;
    }
}
