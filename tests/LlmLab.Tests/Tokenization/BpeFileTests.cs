using LlmLab.Tests.Text;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Tokenization;

public class BpeFileTests
{
    static BpeTokenizer Trained() =>
        BpeTokenizer.Train(BpeTrainerTests.SampleTexts(), new BpeTrainingOptions(330, SplitPatterns.Gpt2, ["<|endoftext|>"], "sample"));

    [Fact]
    public void Save_then_load_gives_the_same_tokenizer_and_encodings()
    {
        using var dir = new TempDir();
        var t = Trained();
        string path = Path.Combine(dir.Path, "t.tok");
        t.Save(path);
        var back = BpeTokenizer.Load(path);
        Assert.Equal(t.Merges, back.Merges);
        Assert.Equal(t.SpecialTokens, back.SpecialTokens);
        Assert.Equal((t.Name, t.Pattern, t.VocabSize), (back.Name, back.Pattern, back.VocabSize));
        foreach (string s in AdversarialStrings.All.Concat(BpeTrainerTests.SampleTexts()))
            Assert.Equal(t.Encode(s), back.Encode(s));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp")); // written atomically: no temporary left behind
    }

    [Fact]
    public void Shard_identities_keep_their_hashes()
    {
        // TokenizerIdentity hashes the vocabulary part of the file's payload (one serialisation for both); shards made
        // before they shared it must still match: these are the hashes the separate writer gave.
        // (From `llmlab data shard --tokenizer gpt2|cl100k_base` with the separate writer, index.json's tokenizer.sha256.)
        Assert.Equal("9d301101ff51ed53e4dccdf1f55f9503842e0cada6418e8f5edf84b195719faf",
            LlmLab.Data.Shards.TokenizerIdentity.Of(PretrainedTokenizers.Gpt2()).Sha256);
        Assert.Equal("3393b20c8416661e7fa07f4fae1aaa80aae7d0e9f402a6eab25aaec129dba6bf",
            LlmLab.Data.Shards.TokenizerIdentity.Of(PretrainedTokenizers.Cl100kBase()).Sha256);
    }

    [Fact]
    public void Pretrained_vocabularies_survive_our_format()
    {
        using var dir = new TempDir();
        var cl100k = PretrainedTokenizers.Cl100kBase();
        string path = Path.Combine(dir.Path, "cl100k.tok");
        cl100k.Save(path);
        var back = BpeTokenizer.Load(path);
        Assert.Equal(cl100k.Merges, back.Merges);
        Assert.Equal(cl100k.SpecialTokens, back.SpecialTokens);
        string text = "<|fim_prefix|>The tokenizer's 12345 tests 😀\n\n";
        Assert.Equal(cl100k.Encode(text), back.Encode(text));
    }

    [Fact]
    public void Truncated_file_is_an_error_naming_it()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "t.tok");
        Trained().Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InputException>(() => BpeTokenizer.Load(path));
        Assert.StartsWith($"tokenizer file '{path}' is truncated: ", e.Message);
        File.WriteAllBytes(path, bytes[..10]);
        Assert.Contains("shorter than its 16-byte header", Assert.Throws<InputException>(() => BpeTokenizer.Load(path)).Message);
    }

    [Fact]
    public void Corrupted_byte_is_an_error_naming_the_file()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "t.tok");
        Trained().Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        Assert.Equal($"tokenizer file '{path}' is corrupt: its checksum does not match its content; write it again",
            Assert.Throws<InputException>(() => BpeTokenizer.Load(path)).Message);
    }

    [Fact]
    public void Other_files_and_versions_are_errors()
    {
        using var dir = new TempDir();
        string text = dir.File("notes.txt", "hello");
        Assert.Contains("is not an llmlab tokenizer file", Assert.Throws<InputException>(() => BpeTokenizer.Load(text)).Message);
        string path = Path.Combine(dir.Path, "t.tok");
        Trained().Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[4] = 9;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("has format version 9; this build reads version 1", Assert.Throws<InputException>(() => BpeTokenizer.Load(path))
            .Message);
        Assert.Contains("not found", Assert.Throws<InputException>(() => BpeTokenizer.Load(Path.Combine(dir.Path, "missing.tok"))).Message);
        string chars = Path.Combine(dir.Path, "c.tok");
        CharTokenizer.Build(["abc"]).Save(chars);
        Assert.Contains("is a character tokenizer", Assert.Throws<InputException>(() => BpeTokenizer.Load(chars)).Message);
    }

    [Fact]
    public void Well_checksummed_but_inconsistent_content_is_an_error()
    {
        // A payload written by a broken writer: merge ids not ascending. The checksum is right, the content is not.
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "bad.tok");
        TokenizerFileFormat.Write(path, TokenizerFileFormat.KindBpe, w =>
        {
            w.Write("bad"); w.Write("");
            for (int b = 0; b < 256; b++) w.Write(b);
            w.Write(2); w.Write(97); w.Write(97); w.Write(257); w.Write(97); w.Write(98); w.Write(256);
            w.Write(0);
        });
        var e = Assert.Throws<InputException>(() => BpeTokenizer.Load(path));
        Assert.Equal(
            $"tokenizer file '{path}' is corrupt: merge 1 has id 256, not above the previous merge's 257; merges " +
            $"must be listed by ascending id", e.Message);
    }
}
