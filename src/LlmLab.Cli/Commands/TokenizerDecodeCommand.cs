using System.Globalization;
using System.Text;
using LlmLab.Tokenization;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab tokenizer decode</c>: prints the text of token ids, given as arguments, in a file (<c>--file</c>),
/// or on standard input (<c>-</c> or <c>--file -</c>): integers separated by white space or commas, optionally in
/// brackets ("1 2 3", "1,2,3" and "[1, 2, 3]" all work), so the output of <c>tokenizer encode</c> or a JSON array can
/// be piped back in. A file or stdin has no length limit, where arguments stop at the system's (about 2 MB).</summary>
public sealed class TokenizerDecodeCommand : CliCommand
{
    public override string Name => "tokenizer decode";
    public override string Summary => "decode token ids (arguments, --file FILE, or - for stdin) to text";
    public override string Usage => "--tokenizer FILE|gpt2|cl100k_base (ID… | --file FILE | -)";
    public override IReadOnlySet<string> Options => new HashSet<string> { "tokenizer", "file" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        var tokenizer = TokenizerFiles.Open(args.Get("tokenizer") ?? throw new UsageException("--tokenizer is required", this));
        int[] ids;
        string? file = args.Get("file");
        if (file is not null) args.ExpectPositionals(0, this, "");
        else if (args.Positionals is ["-"]) file = "-";
        if (file is not null)
        {
            if (file == "-") ids = ParseIds(Console.In, "stdin");
            else
            {
                if (!File.Exists(file)) throw new InputException($"ids file '{file}' not found");
                using var reader = new StreamReader(file, Encoding.UTF8);
                ids = ParseIds(reader, $"ids file '{file}'");
            }
        }
        else
        {
            if (args.Positionals.Count == 0)
                throw new UsageException("give the token ids to decode, --file FILE, or - to read stdin", this);
            ids = ParseIds(new StringReader(string.Join(' ', args.Positionals)), "argument ids", lines: false);
        }
        @out.WriteLine(tokenizer.Decode(ids));
        return 0;
    }

    /// <summary>Reads integers separated by white space, commas and brackets from <paramref name="reader"/>, streaming.</summary>
    /// <exception cref="InputException">Something else than an integer; the message gives its position in
    /// <paramref name="source"/>.</exception>
    internal static int[] ParseIds(TextReader reader, string source, bool lines = true)
    {
        var ids = new List<int>();
        var token = new StringBuilder();
        int line = 1, tokenLine = 1, c;
        do
        {
            c = reader.Read();
            if (c >= 0 && !char.IsWhiteSpace((char)c) && c is not (',' or '[' or ']'))
            {
                if (token.Length == 0) tokenLine = line;
                if (token.Length <= 40) token.Append((char)c);
                continue;
            }
            if (c == '\n') line++;
            if (token.Length == 0) continue;
            string s = token.ToString();
            if (!int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int id))
                throw new InputException($"{source}: item {ids.Count + 1:N0}{(lines ? $" (line {tokenLine:N0})" : "")} is " +
                    $"'{(s.Length > 40 ? s[..40] + "…" : s)}', " +
                    "not a token id; give integers separated by spaces or commas, like 15339 1917");
            ids.Add(id);
            token.Clear();
        } while (c >= 0);
        return ids.ToArray();
    }
}
