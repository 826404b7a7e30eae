using System.Buffers;
using System.Text.Unicode;
using LlmLab.Tokenization;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab tokenizer encode</c>: prints the ids of a text (an argument or a file), space-separated on one line.</summary>
/// <remarks>A file is read as its bytes in UTF-8, as tiktoken's users read files (<c>open(path, encoding="utf-8")</c>,
/// <c>fs.readFileSync(path, "utf8")</c>): a byte-order mark is kept as the character U+FEFF and encoded like any
/// other, and a file that is not well-formed UTF-8 (UTF-16, Latin-1, a cut-off character) is an error naming the byte
/// where it stops being UTF-8 — never a silent guess, which would change the token count.</remarks>
public sealed class TokenizerEncodeCommand : CliCommand
{
    public override string Name => "tokenizer encode";
    public override string Summary => "encode text (an argument, or --file: its bytes as UTF-8) to token ids";
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
            text = ReadUtf8(file);
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

    /// <summary>The file's bytes decoded as strict UTF-8, a leading BOM kept as U+FEFF.</summary>
    /// <exception cref="InputException">The bytes are not well-formed UTF-8; the message gives the offset and the fix.</exception>
    internal static string ReadUtf8(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var chars = new char[bytes.Length]; // UTF-8 never needs more UTF-16 units than bytes
        var status = Utf8.ToUtf16(bytes, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done) return new string(chars, 0, written);
        string utf16 = bytes.Length >= 2 && (bytes[0], bytes[1]) is (0xFF, 0xFE) or (0xFE, 0xFF)
            ? " (it starts with a UTF-16 byte-order mark)" : "";
        // (isFinalBlock is true, so a character cut off at the end is InvalidData too.)
        throw new InputException($"text file '{path}' is not UTF-8{utf16}: the sequence at byte {read:N0} (0x{bytes[read]:X2}) is " +
            "not valid UTF-8; convert the file to UTF-8 first, e.g. iconv -f UTF-16 -t UTF-8 (or -f LATIN1)");
    }
}
