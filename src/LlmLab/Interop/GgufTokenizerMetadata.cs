using LlmLab.Inference;
using LlmLab.Tokenization;

namespace LlmLab.Interop;

/// <summary>
/// Our byte-level BPE as GGUF tokenizer metadata (llama.cpp <c>llama-vocab.cpp</c> reads these keys) and back:
/// <c>tokenizer.ggml.model = "gpt2"</c>; <c>tokens</c>, one per id up to the model's vocabulary (ids the tokenizer does not
/// use get a placeholder of type unused); <c>token_type</c> (1 normal, 3 control for special tokens, 5 unused);
/// <c>merges</c> "left right" by rank; <c>pre</c>, the pre-tokenizer llama.cpp applies before BPE, named for our split
/// pattern; the end/eot token ids; and the chat template. Stateless.
/// </summary>
static class GgufTokenizerMetadata
{
    const int Normal = 1, Control = 3, Unused = 5;

    /// <summary>llama.cpp's pre-tokenizer for our split patterns: "gpt-2" is GPT-2's regex; "llama-bpe" is Llama 3's, which
    /// is cl100k's (tiktoken) regex.</summary>
    static string PreOf(string pattern, string name) => pattern switch
    {
        SplitPatterns.Gpt2 => "gpt-2",
        SplitPatterns.Cl100k => "llama-bpe",
        _ => throw new InputException($"tokenizer '{name}' splits with {SplitPatterns.NameOf(pattern)}; GGUF export knows the " +
            $"gpt2 and gpt4 patterns " +
            "(llama.cpp's pre-tokenizers gpt-2 and llama-bpe): train the tokenizer with one of them"),
    };

    static string PatternOf(string pre, string path) => pre switch
    {
        "gpt-2" => SplitPatterns.Gpt2,
        "llama-bpe" => SplitPatterns.Cl100k,
        _ => throw new InputException($"GGUF file '{path}': tokenizer.ggml.pre = '{pre}' is not one LlmLab reads (gpt-2, llama-bpe)"),
    };

    public static void Add(List<KeyValuePair<string, object>> meta, BpeTokenizer tokenizer, int vocabSize, ChatTemplate? template)
    {
        if (tokenizer.VocabSize > vocabSize)
            throw new InputException($"the tokenizer has {tokenizer.VocabSize} ids but the model only {vocabSize} (vocab_size): " +
                $"they do not belong together");
        var special = tokenizer.SpecialTokens.ToDictionary(kv => kv.Value, kv => kv.Key);
        var tokens = new string[vocabSize];
        var types = new int[vocabSize];
        for (int id = 0; id < vocabSize; id++)
        {
            if (special.TryGetValue(id, out var text)) (tokens[id], types[id]) = (text, Control);
            else if (tokenizer.HasToken(id)) (tokens[id], types[id]) = (ByteUnicodeMap.Encode(tokenizer.TokenBytes(id)), Normal);
            else (tokens[id], types[id]) = ($"<|unused_{id}|>", Unused);
        }
        var merges = tokenizer.Merges.Select(m => ByteUnicodeMap.Encode(tokenizer.TokenBytes(m.Left)) + " " +
            "" + ByteUnicodeMap.Encode(tokenizer.TokenBytes(m.Right))).ToArray();
        meta.Add(KeyValuePair.Create("tokenizer.ggml.model", (object)"gpt2"));
        meta.Add(KeyValuePair.Create("tokenizer.ggml.pre", (object)PreOf(tokenizer.Pattern, tokenizer.Name)));
        meta.Add(KeyValuePair.Create("tokenizer.ggml.tokens", (object)tokens));
        meta.Add(KeyValuePair.Create("tokenizer.ggml.token_type", (object)types));
        meta.Add(KeyValuePair.Create("tokenizer.ggml.merges", (object)merges));
        // The end of a chat turn is the end of generation for a chat model; <|endoftext|> for a base model.
        int? end = tokenizer.SpecialTokens.TryGetValue(ChatTokens.End, out int e) ? e
            : tokenizer.SpecialTokens.TryGetValue("<|endoftext|>", out int eot) ? eot : null;
        if (end is { } endId)
        {
            meta.Add(KeyValuePair.Create("tokenizer.ggml.bos_token_id", (object)(uint)endId));
            meta.Add(KeyValuePair.Create("tokenizer.ggml.eos_token_id", (object)(uint)endId));
            meta.Add(KeyValuePair.Create("tokenizer.ggml.eot_token_id", (object)(uint)endId));
        }
        // Our models are trained without a BOS token: llama.cpp must not add one.
        meta.Add(KeyValuePair.Create("tokenizer.ggml.add_bos_token", (object)false));
        meta.Add(KeyValuePair.Create("tokenizer.ggml.add_eos_token", (object)false));
        if (template is not null) meta.Add(KeyValuePair.Create("tokenizer.chat_template", (object)ChatTemplateJinja.For(template)));
    }

    /// <summary>The tokenizer a GGUF file embeds (gpt2 model only).</summary>
    /// <exception cref="InputException">Another tokenizer model, or an inconsistent vocabulary.</exception>
    public static BpeTokenizer Read(GgufFile file)
    {
        string model = file.Require<string>("tokenizer.ggml.model");
        if (model != "gpt2") throw new InputException($"GGUF file '{file.Path}': tokenizer.ggml.model = '{model}'; LlmLab reads " +
            $"byte-level BPE (gpt2) only");
        string[] tokens = file.Require<string[]>("tokenizer.ggml.tokens");
        int[] types = file.Require<int[]>("tokenizer.ggml.token_type");
        string[] merges = file.Require<string[]>("tokenizer.ggml.merges");
        if (types.Length != tokens.Length) throw new InputException($"GGUF file '{file.Path}': {types.Length} token types for " +
            $"{tokens.Length} tokens");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < tokens.Length; id++)
        {
            if (types[id] == Unused) continue;
            if (types[id] == Control) specials[tokens[id]] = id;
            else vocab.TryAdd(tokens[id], id);
        }
        var pairs = merges.Select((m, i) =>
        {
            int space = m.IndexOf(' ', 1);
            return space < 0 ? throw new InputException($"GGUF file '{file.Path}': merge {i} ('{m}') is not 'LEFT " +
                $"RIGHT'") : (m[..space], m[(space + 1)..]);
        });
        return ByteLevelBpeImport.Build(vocab, pairs, specials, PatternOf(file.Require<string>("tokenizer.ggml.pre"), file.Path),
            (file.Get("general.name") as string) ?? "gguf", $"GGUF file '{file.Path}'");
    }
}
