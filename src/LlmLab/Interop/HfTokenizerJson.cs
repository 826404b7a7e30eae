using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Tokenization;

namespace LlmLab.Interop;

/// <summary>
/// Hugging Face <c>tokenizer.json</c> (the <c>tokenizers</c> library's serialisation) for a byte-level BPE, written and
/// read: <c>model</c> = BPE with <c>vocab</c> (GPT-2's byte-to-unicode spelling) and <c>merges</c>; <c>added_tokens</c> for
/// the special tokens; the pre-tokenizer that splits as our pattern does (GPT-2's: ByteLevel with its own regex;
/// GPT-4/Llama 3's: a Split on that regex, then ByteLevel without one); a ByteLevel decoder. Reading accepts merges as
/// "a b" strings or [a, b] pairs (both versions of the format); <see cref="ReadAny"/> also reads the byte-fallback BPE of
/// Llama 2 and Mistral (<see cref="ByteFallbackBpeTokenizer"/>: the '▁' metaspace from a Prepend/Replace normaliser or a
/// Metaspace pre-tokenizer). What neither tokenizer can reproduce (other model types, split regexes or normalisers) is a
/// one-line error naming the field. Stateless.
/// </summary>
public static class HfTokenizerJson
{
    /// <summary>Llama 3's split regex, which is tiktoken's cl100k one written for Oniguruma (no atomic groups).</summary>
    const string Cl100kRegex =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>The JSON text of <paramref name="tokenizer"/>.</summary>
    /// <exception cref="InputException">A split pattern that has no tokenizers equivalent here.</exception>
    public static string Write(BpeTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var vocab = new JsonObject();
        for (int id = 0; id < tokenizer.VocabSize; id++)
            if (tokenizer.HasToken(id) && !tokenizer.IsSpecial(id)) vocab[ByteUnicodeMap.Encode(tokenizer.TokenBytes(id))] = id;
        var merges = new JsonArray(tokenizer.Merges.Select(m => (JsonNode)(ByteUnicodeMap.Encode(tokenizer.TokenBytes(m.Left)) + " " +
            ByteUnicodeMap.Encode(tokenizer.TokenBytes(m.Right)))).ToArray());
        var added = new JsonArray(tokenizer.SpecialTokens.OrderBy(kv => kv.Value).Select(kv => (JsonNode)new JsonObject
        {
            ["id"] = kv.Value, ["content"] = kv.Key, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
            ["normalized"] = false, ["special"] = true,
        }).ToArray());
        JsonNode pre = tokenizer.Pattern switch
        {
            SplitPatterns.Gpt2 => ByteLevel(useRegex: true),
            SplitPatterns.Cl100k => new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = Cl100kRegex }, ["behavior"] = "Isolated",
                            ["invert"] = false,
                    },
                    ByteLevel(useRegex: false)),
            },
            _ => throw new InputException($"tokenizer '{tokenizer.Name}' splits with {SplitPatterns.NameOf(tokenizer.Pattern)}; " +
                $"tokenizer.json export knows the gpt2 and gpt4 patterns"),
        };
        var root = new JsonObject
        {
            ["version"] = "1.0", ["truncation"] = null, ["padding"] = null, ["added_tokens"] = added, ["normalizer"] = null,
            ["pre_tokenizer"] = pre, ["post_processor"] = null, ["decoder"] = ByteLevel(useRegex: true),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false, ["vocab"] = vocab, ["merges"] = merges,
            },
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    static JsonObject ByteLevel(bool useRegex) =>
        new() { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = useRegex };

    /// <summary>Reads <paramref name="path"/>, a byte-level BPE (what training and chat-token growth need).</summary>
    /// <exception cref="InputException">Not JSON, not a BPE, byte-fallback (named as such: <see cref="ReadAny"/> reads it), or a
    /// pre-tokenizer we cannot reproduce.</exception>
    public static BpeTokenizer Read(string path)
    {
        var (root, model) = Parse(path);
        if (IsByteFallback(model))
            throw new InputException($"tokenizer '{path}' is a byte-fallback BPE (model.byte_fallback = true, as Llama 2 and " +
                $"Mistral): generate and serve run it, but training and chat-token growth need a byte-level BPE");
        return ByteLevel(root, model, path);
    }

    /// <summary>Reads <paramref name="path"/>: a byte-level BPE, or a byte-fallback BPE.</summary>
    /// <exception cref="InputException">Not JSON, not a BPE, or a normaliser/pre-tokenizer neither tokenizer reproduces.</exception>
    public static ITokenizer ReadAny(string path)
    {
        var (root, model) = Parse(path);
        return IsByteFallback(model) ? ByteFallback(root, model, path) : ByteLevel(root, model, path);
    }

    static (JsonNode Root, JsonObject Model) Parse(string path)
    {
        if (!File.Exists(path)) throw new InputException($"tokenizer '{path}' does not exist: a Hugging Face folder needs its " +
            $"tokenizer.json");
        JsonNode root;
        try { root = JsonNode.Parse(File.ReadAllText(path)) ?? throw new InputException($"tokenizer '{path}' is empty"); }
        catch (JsonException e) { throw new InputException($"tokenizer '{path}' is not valid JSON ({e.Message.Split('\n')[0]})", e); }
        var model = root["model"] as JsonObject ?? throw new InputException($"tokenizer '{path}' has no model");
        string type = (string?)model["type"] ?? "BPE";
        if (type != "BPE") throw new InputException($"tokenizer '{path}': model.type '{type}' is not supported; LlmLab reads BPE " +
            $"tokenizers (byte-level, or byte-fallback)");
        return (root, model);
    }

    static bool IsByteFallback(JsonObject model) => model["byte_fallback"] is JsonValue bf && bf.GetValue<bool>();

    static BpeTokenizer ByteLevel(JsonNode root, JsonObject model, string path)
    {
        string pattern = PatternOf(root["pre_tokenizer"], path);
        return ByteLevelBpeImport.Build(Vocab(model, path), Merges(model, path), Specials(root), pattern, "hf-tokenizer",
            $"tokenizer '{path}'");
    }

    static ByteFallbackBpeTokenizer ByteFallback(JsonNode root, JsonObject model, string path)
    {
        // The metaspace comes from the normaliser (Llama 2's files: Prepend "▁" then Replace " " → "▁") or from a Metaspace
        // pre-tokenizer (newer files, Mistral): both are read into one rule.
        bool replace = false, split = false;
        var prepend = MetaspacePrepend.Never;
        var normalizers = new List<JsonNode?>();
        if (root["normalizer"] is JsonObject n)
        {
            if (n["normalizers"] is JsonArray list) normalizers.AddRange(list);
            else normalizers.Add(n);
        }
        foreach (var step in normalizers)
        {
            string? Text(JsonNode? node) => node is JsonValue v ? (string?)v : null;
            switch (Text(step?["type"]))
            {
                case "Prepend" when Text(step?["prepend"]) == "\u2581": prepend = MetaspacePrepend.Unconditional; break;
                case "Replace" when Text(step?["pattern"]?["String"]) == " " && Text(step?["content"]) == "\u2581":
                    replace = true;
                    break;
                case var other: throw new InputException($"tokenizer '{path}': normalizer.type '{other}' is not reproduced by LlmLab " +
                    "(a byte-fallback BPE may have Prepend '▁' and Replace ' ' → '▁')");
            }
        }
        if (root["pre_tokenizer"] is JsonObject pre)
        {
            if ((string?)pre["type"] != "Metaspace" || (string?)pre["replacement"] is not (null or "\u2581"))
                throw new InputException($"tokenizer '{path}': pre_tokenizer.type '{(string?)pre["type"]}' is not reproduced by LlmLab " +
                    "for a byte-fallback BPE (Metaspace with '▁' is)");
            replace = true;
            split = pre["split"] is not JsonValue sv || sv.GetValue<bool>();
            prepend = (string?)pre["prepend_scheme"] switch
            {
                "first" => MetaspacePrepend.First,
                "never" => MetaspacePrepend.Never,
                "always" => MetaspacePrepend.Always,
                null => pre["add_prefix_space"] is JsonValue a && !a.GetValue<bool>() ? MetaspacePrepend.Never : MetaspacePrepend.Always,
                var other => throw new InputException($"tokenizer '{path}': pre_tokenizer.prepend_scheme '{other}' is unknown"),
            };
        }
        if (!replace)
            throw new InputException($"tokenizer '{path}': a byte-fallback BPE needs the '▁' metaspace (a Replace normalizer or a " +
                "Metaspace pre_tokenizer); this one has neither");
        return new ByteFallbackBpeTokenizer(Vocab(model, path), Merges(model, path), Specials(root), (string?)model["unk_token"],
            model["fuse_unk"] is JsonValue f && f.GetValue<bool>(), model["ignore_merges"] is JsonValue im && im.GetValue<bool>(),
            prepend, split, $"tokenizer '{path}'");
    }

    static Dictionary<string, int> Vocab(JsonObject model, string path) =>
        (model["vocab"] as JsonObject ?? throw new InputException($"tokenizer '{path}' has no model.vocab"))
        .ToDictionary(kv => kv.Key, kv => (int)kv.Value!, StringComparer.Ordinal);

    static List<(string, string)> Merges(JsonObject model, string path) =>
        (model["merges"] as JsonArray ?? []).Select((m, i) => m switch
        {
            JsonArray pair when pair.Count == 2 => ((string)pair[0]!, (string)pair[1]!),
            JsonValue s when ((string)s!).IndexOf(' ', 1) is int sp and > 0 => (((string)s!)[..sp], ((string)s!)[(sp + 1)..]),
            _ => throw new InputException($"tokenizer '{path}': merge {i} is neither 'a b' nor [a, b]"),
        }).ToList();

    static Dictionary<string, int> Specials(JsonNode root)
    {
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in root["added_tokens"] as JsonArray ?? [])
            if (t?["content"] is JsonValue c && t["id"] is JsonValue id) specials[(string)c!] = (int)id;
        return specials;
    }

    static string PatternOf(JsonNode? pre, string path)
    {
        if (pre?["type"] is JsonValue t && (string)t! == "ByteLevel" && (pre["use_regex"] is not JsonValue u || u.GetValue<bool>()))
            return SplitPatterns.Gpt2;
        if (pre?["pretokenizers"] is JsonArray seq && seq.Count >= 1 && seq[0]?["pattern"]?["Regex"] is JsonValue r
            && (string)r! == Cl100kRegex)
            return SplitPatterns.Cl100k;
        throw new InputException($"tokenizer '{path}': its pre_tokenizer is neither GPT-2's ByteLevel nor Llama 3's split; " +
            $"LlmLab cannot split text the same way");
    }
}
