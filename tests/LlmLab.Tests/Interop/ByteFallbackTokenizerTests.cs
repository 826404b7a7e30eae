using System.Text.Json.Nodes;
using LlmLab.Interop;
using LlmLab.Tests.Text;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Interop;

/// <summary>
/// Byte-fallback BPE tokenizer.json files (Llama 2, Mistral), built by hand: ids worked out by hand from the merge list,
/// a brute-force BPE (rescan every pair, merge the lowest rank, leftmost first) on random text, the '▁' rules of both
/// file layouts, byte fallback and unk, and one-line errors naming the field.
/// </summary>
public sealed class ByteFallbackTokenizerTests
{
    const char M = '\u2581';

    // Ids: <unk> 0, <s> 1, </s> 2, <0x00>…<0xFF> 3–258, then the pieces below from 259, then the merge results.
    static readonly string[] Chars = ["▁", "h", "e", "l", "o", "w", "r", "d", "a", "b", "c"];
    static readonly (string, string)[] MergeList =
    [
        ("▁", "h"), ("l", "l"), ("▁h", "e"), ("ll", "o"), ("▁he", "llo"), ("▁", "w"), ("o", "r"), ("▁w", "or"), ("l", "d"),
        ("▁wor", "ld"), ("b", "c"), ("a", "b"), ("a", "bc"),
    ];

    static JsonObject File(string layout, bool withByte0xC3 = true)
    {
        var vocab = new JsonObject { ["<unk>"] = 0, ["<s>"] = 1, ["</s>"] = 2 };
        for (int b = 0; b < 256; b++) if (withByte0xC3 || b != 0xC3) vocab[$"<0x{b:X2}>"] = 3 + b;
        int next = 259;
        foreach (string c in Chars) vocab[c] = next++;
        foreach (var (l, r) in MergeList) vocab[l + r] = next++;
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(Added(0, "<unk>"), Added(1, "<s>"), Added(2, "</s>")),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["unk_token"] = "<unk>", ["fuse_unk"] = true, ["byte_fallback"] = true, ["vocab"] = vocab,
                ["merges"] = new JsonArray(MergeList.Select(m => (JsonNode)$"{m.Item1} {m.Item2}").ToArray()),
            },
        };
        if (layout == "legacy") // Llama 2's file: the metaspace by normalisers, no pre-tokenizer
            root["normalizer"] = new JsonObject
            {
                ["type"] = "Sequence", ["normalizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Prepend", ["prepend"] = "▁" },
                    new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = " " }, ["content"] = "▁" }),
            };
        else // newer files: a Metaspace pre-tokenizer
            root["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Metaspace", ["replacement"] = "▁", ["prepend_scheme"] = "first", ["split"] = layout == "metaspace-split",
            };
        return root;
    }

    static JsonObject Added(int id, string content) => new() { ["id"] = id, ["content"] = content, ["special"] = true };

    static ITokenizer Load(TempDir dir, JsonObject file)
    {
        string path = Path.Combine(dir.Path, "tokenizer.json");
        System.IO.File.WriteAllText(path, file.ToJsonString());
        return HfTokenizerJson.ReadAny(path);
    }

    static int Id(string piece)
    {
        if (piece.StartsWith("<0x", StringComparison.Ordinal)) return 3 + Convert.ToInt32(piece[3..5], 16);
        int i = Array.IndexOf(Chars, piece);
        if (i >= 0) return 259 + i;
        return 259 + Chars.Length + Array.FindIndex(MergeList, m => m.Item1 + m.Item2 == piece);
    }

    [Theory]
    [InlineData("legacy")]
    [InlineData("metaspace")]
    [InlineData("metaspace-split")]
    public void Hand_worked_encodings(string layout)
    {
        using var dir = new TempDir();
        var tok = Load(dir, File(layout));
        Assert.IsType<ByteFallbackBpeTokenizer>(tok);
        Assert.Equal([Id("▁hello"), Id("▁world")], tok.Encode("hello world"));
        // "b c" (rank 10) is merged before "a b" (rank 11) although it is further right; then "a bc" (rank 12).
        Assert.Equal([Id("▁"), Id("abc")], tok.Encode("abc"));
        // 'é' is not a piece: its UTF-8 bytes C3 A9 are.
        Assert.Equal([Id("▁h"), Id("<0xC3>"), Id("<0xA9>")], tok.Encode("hé"));
        Assert.Equal(" hello world", tok.Decode(tok.Encode("hello world")));
        Assert.Equal(" hé abc", tok.Decode(tok.Encode("hé abc")));
    }

    [Fact]
    public void The_legacy_normaliser_prepends_to_every_segment_and_prepend_scheme_first_only_at_the_start()
    {
        using var dir = new TempDir();
        Assert.Equal([1, Id("▁hello"), 2], Load(dir, File("legacy")).Encode("<s>hello</s>"));
        Assert.Equal([1, Id("h"), Id("e"), Id("llo"), 2], Load(dir, File("metaspace")).Encode("<s>hello</s>"));
        Assert.Equal([Id("▁hello"), 2], Load(dir, File("metaspace")).Encode("hello</s>"));
        // A text that starts with a space: Metaspace adds no second '▁'; Llama 2's Prepend normaliser does.
        Assert.Equal([Id("▁hello")], Load(dir, File("metaspace")).Encode(" hello"));
        Assert.Equal([Id("▁"), Id("▁hello")], Load(dir, File("legacy")).Encode(" hello"));
    }

    [Fact]
    public void A_character_without_pieces_or_bytes_is_one_fused_unk()
    {
        using var dir = new TempDir();
        var tok = Load(dir, File("metaspace", withByte0xC3: false));
        Assert.Equal([Id("▁h"), 0, Id("o")], tok.Encode("hééo"));
    }

    [Fact]
    public void Decoding_in_chunks_equals_decoding_at_once()
    {
        using var dir = new TempDir();
        var tok = Load(dir, File("legacy"));
        int[] ids = tok.Encode("hé world abc");
        string whole = tok.Decode(ids);
        string pieces = string.Concat(ids.Chunk(1).Select(c => tok.Decode(c))).Replace("\uFFFD\uFFFD", "é", StringComparison.Ordinal);
        Assert.Equal(whole, pieces);
        var detok = new LlmLab.Inference.IncrementalDetokenizer(tok);
        Assert.Equal(whole, string.Concat(ids.Select(detok.Push)) + detok.Flush());
    }

    [Fact]
    public void Encoding_equals_brute_force_bpe_on_random_text()
    {
        using var dir = new TempDir();
        var tok = Load(dir, File("legacy"));
        var rng = new Random(11);
        const string alphabet = "helowrdabc é";
        for (int n = 0; n < 300; n++)
        {
            string text = new(Enumerable.Range(0, rng.Next(1, 24)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());
            Assert.Equal(BruteForce(text), tok.Encode(text));
        }
    }

    /// <summary>Prepend '▁', spaces → '▁', characters (or UTF-8 byte tokens) → rescan all adjacent pairs, merge the lowest rank
    /// (leftmost among equals), until none merges.</summary>
    static int[] BruteForce(string text)
    {
        string s = M + text.Replace(' ', M);
        var symbols = new List<string>();
        foreach (char c in s)
            if (Array.IndexOf(Chars, c.ToString()) >= 0) symbols.Add(c.ToString());
            else symbols.AddRange(System.Text.Encoding.UTF8.GetBytes(c.ToString()).Select(b => $"<0x{b:X2}>"));
        while (true)
        {
            int best = -1, bestRank = int.MaxValue;
            for (int i = 0; i + 1 < symbols.Count; i++)
            {
                int rank = Array.IndexOf(MergeList, (symbols[i], symbols[i + 1]));
                if (rank >= 0 && rank < bestRank) (best, bestRank) = (i, rank);
            }
            if (best < 0) break;
            symbols[best] += symbols[best + 1];
            symbols.RemoveAt(best + 1);
        }
        return symbols.Select(Id).ToArray();
    }

    [Fact]
    public void Unsupported_files_are_one_line_errors_naming_the_field()
    {
        using var dir = new TempDir();
        var unigram = File("legacy");
        unigram["model"]!["type"] = "Unigram";
        var e = Assert.Throws<InputException>(() => Load(dir, unigram));
        Assert.Contains("model.type 'Unigram'", e.Message);
        var nfkc = File("metaspace");
        nfkc["normalizer"] = new JsonObject { ["type"] = "NFKC" };
        Assert.Contains("normalizer.type 'NFKC'", Assert.Throws<InputException>(() => Load(dir, nfkc)).Message);
        var noMetaspace = File("metaspace");
        noMetaspace.Remove("pre_tokenizer");
        Assert.Contains("metaspace", Assert.Throws<InputException>(() => Load(dir, noMetaspace)).Message);
        string path = Path.Combine(dir.Path, "tokenizer.json");
        System.IO.File.WriteAllText(path, File("legacy").ToJsonString());
        var byteLevelOnly = Assert.Throws<InputException>(() => HfTokenizerJson.Read(path));
        Assert.Contains("model.byte_fallback", byteLevelOnly.Message);
        Assert.DoesNotContain('\n', byteLevelOnly.Message);
    }

    [Fact]
    public void A_folder_with_a_byte_fallback_tokenizer_opens_for_generation_but_not_for_training()
    {
        using var dir = new TempDir();
        using var model = LlmLab.Tests.Nn.GptTestModels.BuildIdentical(GgufFixtures.Config("llama") with { VocabSize = 300 });
        HfExport.Write(dir.Path, model, GgufFixtures.Tokenizer);
        System.IO.File.WriteAllText(Path.Combine(dir.Path, "tokenizer.json"), File("legacy").ToJsonString());
        var (opened, tokenizer, template) = HfImport.Open(dir.Path);
        using (opened)
        {
            Assert.IsType<ByteFallbackBpeTokenizer>(tokenizer);
            Assert.Same(LlmLab.Inference.ChatTemplate.Transcript, template);
            float[] a = GgufFixtures.Logits(model, [1, 274, 279]), b = GgufFixtures.Logits(opened, [1, 274, 279]);
            Assert.True(a.Zip(b).Max(p => MathF.Abs(p.First - p.Second)) <= 1e-6f);
        }
        Assert.Contains("byte-fallback", Assert.Throws<InputException>(() => HfImport.Load(dir.Path)).Message);
    }
}
