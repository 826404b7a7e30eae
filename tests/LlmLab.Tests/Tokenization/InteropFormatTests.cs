using System.Text.Json;
using LlmLab.Tests.Text;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Tokenization;

/// <summary>GPT-2's vocab.json + merges.txt and tiktoken's rank files: export, import, same tokenizer.</summary>
public class InteropFormatTests
{
    static readonly string[] Samples = ["Hello, world! It's 2025.", " the theory of tokens\n\n\tindented", "<|endoftext|>naïve 😀",
        "a\uD800b"];

    [Fact]
    public void Gpt2_exports_to_vocab_json_and_merges_txt_and_imports_back()
    {
        using var dir = new TempDir();
        var gpt2 = PretrainedTokenizers.Gpt2();
        string vocab = Path.Combine(dir.Path, "vocab.json"), merges = Path.Combine(dir.Path, "merges.txt");
        Gpt2Format.Save(gpt2, vocab, merges);

        // Figures of OpenAI's published files: " the" is "Ġthe" = 262, the first merge is "Ġ t", 50,000 merges, 50,257 entries.
        var json = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocab))!;
        Assert.Equal(262, json["Ġthe"]);
        Assert.Equal(50256, json["<|endoftext|>"]);
        Assert.Equal(50257, json.Count);
        string[] lines = File.ReadAllLines(merges);
        Assert.Equal(["#version: 0.2", "Ġ t", "Ġ a"], lines[..3]);
        Assert.Equal(50001, lines.Length);

        var back = Gpt2Format.Load(vocab, merges);
        Assert.Equal(gpt2.Merges, back.Merges);
        Assert.Equal(gpt2.SpecialTokens, back.SpecialTokens);
        foreach (string s in Samples) Assert.Equal(gpt2.Encode(s), back.Encode(s));
    }

    [Fact]
    public void A_trained_tokenizer_round_trips_through_both_formats()
    {
        using var dir = new TempDir();
        var t = BpeTokenizer.Train(BpeTrainerTests.SampleTexts(), new BpeTrainingOptions(340, SplitPatterns.Cl100k, ["<|endoftext|>"]));
        string vocab = Path.Combine(dir.Path, "vocab.json"), merges = Path.Combine(dir.Path, "merges.txt"),
            ranks = Path.Combine(dir.Path, "t.tiktoken");
        Gpt2Format.Save(t, vocab, merges);
        TiktokenFormat.Save(t, ranks);
        var fromGpt2 = Gpt2Format.Load(vocab, merges, SplitPatterns.Cl100k);
        var fromTiktoken = TiktokenFormat.Load(ranks, SplitPatterns.Cl100k, new Dictionary<string, int>(t.SpecialTokens));
        Assert.Equal(t.Merges, fromGpt2.Merges);
        Assert.Equal(t.Merges, fromTiktoken.Merges); // the splits recovered from ranks are the merges learned
        foreach (string s in Samples.Concat(BpeTrainerTests.SampleTexts()))
        {
            Assert.Equal(t.Encode(s), fromGpt2.Encode(s));
            Assert.Equal(t.Encode(s), fromTiktoken.Encode(s));
        }
    }

    [Fact]
    public void Gpt2_exports_to_a_tiktoken_file_and_imports_back()
    {
        using var dir = new TempDir();
        var gpt2 = PretrainedTokenizers.Gpt2();
        string path = Path.Combine(dir.Path, "gpt2.tiktoken");
        TiktokenFormat.Save(gpt2, path);
        using (var reader = new StreamReader(path)) Assert.Equal("IQ== 0", reader.ReadLine()); // "!" has rank 0, as in OpenAI's file
        var back = TiktokenFormat.Load(path, SplitPatterns.Gpt2, new Dictionary<string, int>(gpt2.SpecialTokens));
        Assert.Equal(gpt2.Merges, back.Merges);
        foreach (string s in Samples) Assert.Equal(gpt2.Encode(s), back.Encode(s));
    }

    [Fact]
    public void Malformed_files_are_errors_naming_file_and_line()
    {
        using var dir = new TempDir();
        string bad = dir.File("bad.tiktoken", "IQ== 0\nnot-base64! 1\n");
        Assert.Equal($"tiktoken file '{bad}' line 2: 'not-base64!' is not base64 of a token (1–256 bytes)",
            Assert.Throws<InputException>(() => TiktokenFormat.Load(bad, "")).Message);
        string few = dir.File("few.tiktoken", "IQ== 0\nIg== 1\n");
        Assert.Contains("no token for the single byte 0 (0x00)", Assert.Throws<InputException>(() => TiktokenFormat.Load(few, "")).Message);

        var small = BpeTokenizer.Train(BpeTrainerTests.SampleTexts(), new BpeTrainingOptions(300));
        string vocab = Path.Combine(dir.Path, "vocab.json"), merges = Path.Combine(dir.Path, "merges.txt");
        Gpt2Format.Save(small, vocab, merges);
        File.WriteAllText(merges, "#version: 0.2\nĠ zzzq\n");
        Assert.Equal($"'{merges}' line 2: 'zzzq' is not in '{vocab}'", Assert.Throws<InputException>(() => Gpt2Format.Load(vocab, merges))
            .Message);
    }
}
