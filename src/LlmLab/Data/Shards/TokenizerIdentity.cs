using System.Security.Cryptography;
using System.Text;
using LlmLab.Tokenization;

namespace LlmLab.Data.Shards;

/// <summary>
/// Which tokenizer made a set of shards: its name (for people), its vocabulary size, and a SHA-256 — of the tokenizer
/// file's bytes when it came from a file, of a canonical dump of its vocabulary (split pattern, byte ids, merges,
/// special tokens) for a built-in one such as gpt2. A loader compares the vocabulary size and the hash and refuses
/// shards made with another tokenizer. Immutable.
/// </summary>
/// <param name="Name">A label: the tokenizer's name or file name.</param>
/// <param name="VocabSize">Ids the tokenizer can produce (every token in the shards is below it).</param>
/// <param name="Sha256">Lower-case hex SHA-256 (see above).</param>
public sealed record TokenizerIdentity(string Name, int VocabSize, string Sha256)
{
    /// <summary>Opens a tokenizer the way <c>--tokenizer</c> takes it (a file, or gpt2 / cl100k_base; see
    /// <see cref="TokenizerFiles.Open"/>) and computes its identity.</summary>
    /// <exception cref="InputException">Neither a readable tokenizer file nor a known name.</exception>
    public static (ITokenizer Tokenizer, TokenizerIdentity Identity) Open(string nameOrPath)
    {
        var tokenizer = TokenizerFiles.Open(nameOrPath);
        if (File.Exists(nameOrPath))
        {
            string name = tokenizer is BpeTokenizer b ? b.Name : Path.GetFileNameWithoutExtension(nameOrPath);
            return (tokenizer, new TokenizerIdentity(name, tokenizer.VocabSize, Hex(SHA256.HashData(File.ReadAllBytes(nameOrPath)))));
        }
        return (tokenizer, Of((BpeTokenizer)tokenizer));
    }

    /// <summary>The identity of an in-memory byte-level BPE tokenizer, from its vocabulary (not its name).</summary>
    public static TokenizerIdentity Of(BpeTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        using var dump = new MemoryStream();
        using (var w = new BinaryWriter(dump, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("llmlab-bpe-vocabulary-v1");
            BpeFile.WriteVocabulary(w, tokenizer); // the tokenizer file's serialisation, after its name
        }
        return new TokenizerIdentity(tokenizer.Name, tokenizer.VocabSize, Hex(SHA256.HashData(dump.ToArray())));
    }

    /// <summary>Throws when <paramref name="given"/> is not the tokenizer the shards of <paramref name="where"/> were made with.</summary>
    /// <exception cref="InputException">The vocabulary size or the hash differ; the message names both tokenizers and the fix.</exception>
    public void RequireSame(TokenizerIdentity given, string where)
    {
        ArgumentNullException.ThrowIfNull(given);
        if (given.VocabSize == VocabSize && string.Equals(given.Sha256, Sha256, StringComparison.OrdinalIgnoreCase)) return;
        string what = given.VocabSize != VocabSize ? $"vocabulary {VocabSize:N0} vs {given.VocabSize:N0}"
            : $"sha256 {Short(Sha256)} vs {Short(given.Sha256)}";
        throw new InputException(
            $"{where}: tokenizer mismatch — the shards were made with '{Name}' and the tokenizer given is '{given.Name}' ({what}); " +
            "give the tokenizer the shards were made with, or build the shards again with this one");
    }

    static string Short(string sha) => sha.Length > 12 ? sha[..12] + "…" : sha;

    internal static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);
}
