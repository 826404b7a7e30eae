using LlmLab.Tests.Text;
using static LlmLab.Tests.CliRun;

namespace LlmLab.Tests.Tokenization;

public class TokenizerCliTests
{
    const string Corpus = "The tokenizer splits text into tokens. The tokens are ids.\n\nTokens, tokens, tokens: the end.\n";

    [Fact]
    public void Train_info_encode_decode_on_a_small_file()
    {
        using var dir = new TempDir();
        string input = dir.File("c.txt", Corpus), model = Path.Combine(dir.Path, "t.tok");
        var (code, output, err) = Run("tokenizer", "train", "--input", input, "--vocab-size", "280", "--special", "<|endoftext|>", "--out",
            model);
        Assert.True(code == 0, err);
        Assert.Contains("trained on c.txt (1 document, 92 bytes)", output); // the reader trims the last newline
        Assert.Contains("vocabulary 280 = 256 bytes + 23 merges + 1 special token", output);
        Assert.Contains("pattern    gpt4", output);

        (code, output, err) = Run("tokenizer", "info", "--tokenizer", model);
        Assert.True(code == 0, err);
        Assert.Contains("special        279 <|endoftext|>", output);
        Assert.Contains("longest tokens:", output);

        (code, output, err) = Run("tokenizer", "encode", "--tokenizer", model, "the tokens<|endoftext|>");
        Assert.True(code == 0, err);
        Assert.EndsWith(" 279", output.Trim());
        (code, output, err) = Run("tokenizer", "decode", "--tokenizer", model, output.Trim());
        Assert.True(code == 0, err);
        Assert.Equal("the tokens<|endoftext|>", output.TrimEnd('\n', '\r'));
    }

    [Fact]
    public void Pretrained_names_encode_and_decode()
    {
        Assert.Equal((0, "31373 995"), (Run("tokenizer", "encode", "--tokenizer", "gpt2", "hello world").Code,
            Run("tokenizer", "encode", "--tokenizer", "gpt2", "hello world").Out.Trim()));
        var (code, output, _) = Run("tokenizer", "decode", "--tokenizer", "cl100k_base", "[15339, 1917]");
        Assert.Equal(0, code);
        Assert.Equal("hello world", output.TrimEnd('\n', '\r'));
        (code, output, _) = Run("tokenizer", "encode", "--tokenizer", "gpt2", "--no-special", "--count", "<|endoftext|>");
        Assert.Equal((0, "7"), (code, output.Trim())); // as ordinary text: "<", "|", "end", "of", "text", "|", ">"
    }

    [Fact]
    public void Character_kind_builds_and_encodes()
    {
        using var dir = new TempDir();
        string input = dir.File("c.txt", "abc cab"), model = Path.Combine(dir.Path, "c.tok");
        var (code, output, err) = Run("tokenizer", "train", "--kind", "char", "--unknown", "unk", "--input", input, "--out", model);
        Assert.True(code == 0, err);
        Assert.Contains("character vocabulary of 4 characters", output);
        (code, output, _) = Run("tokenizer", "encode", "--tokenizer", model, "cab?");
        Assert.Equal((0, "3 1 2 4"), (code, output.Trim())); // ' ' a b c, then <unk> = 4
    }

    [Fact]
    public void Export_writes_gpt2_files()
    {
        using var dir = new TempDir();
        var (code, _, err) = Run("tokenizer", "export", "--tokenizer", "gpt2", "--format", "tiktoken", "--out",
            Path.Combine(dir.Path, "gpt2.tiktoken"));
        Assert.True(code == 0, err);
        Assert.Equal(50256, File.ReadLines(Path.Combine(dir.Path, "gpt2.tiktoken")).Count());
    }

    [Theory]
    [InlineData("error: --vocab-size must be ≥ 258 (got 100)", "--vocab-size", "100", "--special", "<|a|>", "--special", "<|b|>")]
    [InlineData("error: --pattern must be gpt2, gpt4 (= cl100k) or none (got 'gpt3')", "--vocab-size", "300", "--pattern", "gpt3")]
    [InlineData("error: --vocab-size must be an integer (got 'many')", "--vocab-size", "many")]
    [InlineData("error: --unknown applies to --kind char, not bpe", "--vocab-size", "300", "--unknown", "skip")]
    public void Bad_training_options_exit_2_and_write_nothing(string message, params string[] options)
    {
        using var dir = new TempDir();
        string input = dir.File("c.txt", Corpus), model = Path.Combine(dir.Path, "t.tok");
        var (code, output, err) = Run(["tokenizer", "train", "--input", input, "--out", model, .. options]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith(message, err.Trim());
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tok*"));
    }

    [Fact]
    public void Running_out_of_pairs_is_reported()
    {
        using var dir = new TempDir();
        var (code, output, err) = Run("tokenizer", "train", "--input", dir.File("c.txt", "ab ab"), "--vocab-size", "300", "--pattern",
            "none", "--out", Path.Combine(dir.Path, "t.tok"));
        // "ab", then " ab" (ties go to the smaller pair: (32, 256) before (256, 32)), then "ab ab": one token.
        Assert.True(code == 0, err);
        Assert.Contains("note: the corpus ran out of pairs after 3 of 44 merges: every word is one token", output);
    }

    [Fact]
    public void Corpus_without_text_is_an_error()
    {
        using var dir = new TempDir();
        string input = dir.File("blank.txt", "   \n\n  "), model = Path.Combine(dir.Path, "t.tok");
        var (code, _, err) = Run("tokenizer", "train", "--input", input, "--vocab-size", "300", "--out", model);
        Assert.Equal(2, code);
        Assert.Equal("error: the training corpus is empty: it has no documents; give a corpus with text", err.Trim());
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Bad_tokenizer_files_names_and_ids_exit_2()
    {
        using var dir = new TempDir();
        string model = Path.Combine(dir.Path, "t.tok");
        Assert.Equal(0, Run("tokenizer", "train", "--input", dir.File("c.txt", Corpus), "--vocab-size", "270", "--out", model).Code);
        File.WriteAllBytes(model, File.ReadAllBytes(model)[..40]);
        var (code, _, err) = Run("tokenizer", "info", "--tokenizer", model);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: tokenizer file '{model}' is truncated", err);

        (code, _, err) = Run("tokenizer", "encode", "--tokenizer", "gpt5", "hi");
        Assert.Equal(2, code);
        Assert.Equal("error: tokenizer file 'gpt5' not found; give a file written by 'llmlab tokenizer train', or gpt2 or cl100k_base",
            err.Trim());

        (code, _, err) = Run("tokenizer", "decode", "--tokenizer", "gpt2", "1", "x2");
        Assert.Equal((2, "error: argument ids: item 2 is 'x2', not a token id; give integers separated by spaces or commas, " +
            "like 15339 1917"), (code, err.Trim()));

        (code, _, err) = Run("tokenizer", "decode", "--tokenizer", "gpt2", "99999");
        Assert.Equal((2, "error: token id 99999 is not in the vocabulary of gpt2 (ids 0–50256)"), (code, err.Trim()));

        (code, _, err) = Run("tokenizer", "train", "--vocab-size", "300");
        Assert.Equal(2, code);
        Assert.StartsWith("error: --out FILE is required", err);
    }

    [Fact]
    public void Decode_reads_megabytes_of_ids_from_a_file()
    {
        // 2.4 MB of ids: more than the system lets a command line carry ("Argument list too long").
        using var dir = new TempDir();
        var ids = new System.Text.StringBuilder();
        for (int i = 0; i < 200_000; i++) ids.Append(i % 2 == 0 ? "15339, 1917\n" : "[15339 1917]\t");
        string file = dir.File("ids.txt", ids.ToString());
        Assert.True(new FileInfo(file).Length > 2_000_000);
        var (code, output, err) = Run("tokenizer", "decode", "--tokenizer", "cl100k_base", "--file", file);
        Assert.True(code == 0, err);
        Assert.Equal(string.Concat(Enumerable.Repeat("hello world", 200_000)), output.TrimEnd('\n', '\r'));
    }

    [Fact]
    public void Decode_reads_ids_from_stdin_and_names_the_position_of_a_bad_one()
    {
        using var dir = new TempDir();
        var stdin = Console.In;
        try
        {
            Console.SetIn(new StringReader("15339\n1917\n"));
            var (code, output, err) = Run("tokenizer", "decode", "--tokenizer", "cl100k_base", "-");
            Assert.True(code == 0, err);
            Assert.Equal("hello world", output.TrimEnd('\n', '\r'));
        }
        finally { Console.SetIn(stdin); }

        string file = dir.File("bad.txt", "15339 1917\n15339 19x17\n");
        var (badCode, badOut, badErr) = Run("tokenizer", "decode", "--tokenizer", "cl100k_base", "--file", file);
        Assert.Equal((2, ""), (badCode, badOut));
        Assert.Equal($"error: ids file '{file}': item 4 (line 2) is '19x17', not a token id; " +
            "give integers separated by spaces or commas, like 15339 1917", badErr.Trim());
        Assert.Equal(2, Run("tokenizer", "decode", "--tokenizer", "gpt2", "--file", Path.Combine(dir.Path, "none.txt")).Code);
    }

    [Fact]
    public void Encode_file_reads_bytes_as_utf8_keeping_a_bom_as_tiktoken_does()
    {
        using var dir = new TempDir();
        string file = Path.Combine(dir.Path, "bom.txt");
        File.WriteAllBytes(file, [0xEF, 0xBB, 0xBF, .. "hello world\r\n"u8]);
        // tiktoken 1.0.22, encode_ordinary("\uFEFFhello world\r\n"): the BOM is U+FEFF, three bytes, encoded as text.
        Assert.Equal((0, "171 119 123 31373 995 201 198"), Trimmed(Run("tokenizer", "encode", "--tokenizer", "gpt2", "--file", file)));
        Assert.Equal((0, "3305 15339 1917 319"), Trimmed(Run("tokenizer", "encode", "--tokenizer", "cl100k_base", "--file", file)));
    }

    [Fact]
    public void Encode_file_that_is_not_utf8_is_an_error_naming_the_byte()
    {
        using var dir = new TempDir();
        string utf16 = Path.Combine(dir.Path, "utf16.txt"), latin1 = Path.Combine(dir.Path, "latin1.txt");
        File.WriteAllBytes(utf16, System.Text.Encoding.Unicode.GetPreamble().Concat(System.Text.Encoding.Unicode.GetBytes("hi")).ToArray());
        File.WriteAllBytes(latin1, [(byte)'c', (byte)'a', (byte)'f', 0xE9]);
        var (code, output, err) = Run("tokenizer", "encode", "--tokenizer", "gpt2", "--file", utf16);
        Assert.Equal((2, ""), (code, output));
        Assert.Equal($"error: text file '{utf16}' is not UTF-8 (it starts with a UTF-16 byte-order mark): the sequence at byte 0 (0xFF) " +
            "is not valid UTF-8; convert the file to UTF-8 first, e.g. iconv -f UTF-16 -t UTF-8 (or -f LATIN1)", err.Trim());
        (code, _, err) = Run("tokenizer", "encode", "--tokenizer", "gpt2", "--file", latin1);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: text file '{latin1}' is not UTF-8: the sequence at byte 3 (0xE9) is not valid UTF-8;", err.Trim());
        Assert.Single(err.Trim().Split('\n'));
    }

    static (int, string) Trimmed((int Code, string Out, string Err) r) => (r.Code, r.Out.Trim());
}
