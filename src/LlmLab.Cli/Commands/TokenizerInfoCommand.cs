using System.Globalization;
using System.Text;
using LlmLab.Tokenization;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab tokenizer info</c>: what a tokenizer holds — sizes, special tokens, split pattern, longest tokens.</summary>
public sealed class TokenizerInfoCommand : CliCommand
{
    const int Longest = 8;

    public override string Name => "tokenizer info";
    public override string Summary => "show a tokenizer: vocabulary size, merges, special tokens, pattern, longest tokens";
    public override string Usage => "--tokenizer FILE|gpt2|cl100k_base";
    public override IReadOnlySet<string> Options => new HashSet<string> { "tokenizer" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "");
        var c = CultureInfo.InvariantCulture;
        var tokenizer = TokenizerFiles.Open(args.Get("tokenizer") ?? throw new UsageException("--tokenizer is required", this));
        if (tokenizer is CharTokenizer chars)
        {
            @out.WriteLine("kind       character");
            @out.WriteLine(string.Format(c, "vocabulary {0:N0} ({1:N0} characters{2})", chars.VocabSize, chars.CodePoints.Count, chars.UnknownId is { } u ? $" + <unk> = {u}" : ""));
            @out.WriteLine($"unknown    {chars.Policy.ToString().ToLowerInvariant()}");
            @out.WriteLine($"characters {Show(string.Concat(chars.CodePoints.Take(64).Select(char.ConvertFromUtf32)))}{(chars.CodePoints.Count > 64 ? " …" : "")}");
            return 0;
        }
        var bpe = (BpeTokenizer)tokenizer;
        @out.WriteLine($"name       {bpe.Name}");
        @out.WriteLine("kind       byte-level BPE");
        @out.WriteLine(string.Format(c, "vocabulary {0:N0} ids: 256 bytes + {1:N0} merges + {2} special token{3}", bpe.VocabSize, bpe.Merges.Count,
            bpe.SpecialTokens.Count, bpe.SpecialTokens.Count == 1 ? "" : "s"));
        foreach (var (text, id) in bpe.SpecialTokens.OrderBy(kv => kv.Value))
            @out.WriteLine(string.Format(c, "special    {0,7} {1}", id, text));
        @out.WriteLine($"pattern    {SplitPatterns.NameOf(bpe.Pattern)}{(bpe.Pattern.Length > 0 ? $": {bpe.Pattern}" : "")}");
        @out.WriteLine("longest tokens:");
        var longest = Enumerable.Range(0, bpe.VocabSize).Where(bpe.HasToken)
            .Select(id => (Id: id, Bytes: bpe.TokenBytes(id)))
            .OrderByDescending(t => t.Bytes.Length).ThenBy(t => t.Id).Take(Longest);
        foreach (var (id, bytes) in longest)
            @out.WriteLine(string.Format(c, "  {0,7}  {1,3} bytes  {2}", id, bytes.Length, Show(Encoding.UTF8.GetString(bytes))));
        return 0;
    }

    // Quoted, with whitespace and control characters made visible (a token is often " the" or "\n\n").
    static string Show(string s)
    {
        var b = new StringBuilder("\"");
        foreach (char ch in s)
            b.Append(ch switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", '"' => "\\\"", '\\' => "\\\\", _ when char.IsControl(ch) => $"\\u{(int)ch:X4}", _ => ch.ToString() });
        return b.Append('"').ToString();
    }
}
