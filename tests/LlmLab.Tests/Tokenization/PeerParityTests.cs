using System.Text;
using LlmLab.Text;
using LlmLab.Tokenization;
using Microsoft.ML.Tokenizers;

namespace LlmLab.Tests.Tokenization;

/// <summary>Our encoder against Microsoft.ML.Tokenizers 2.0.1 on the same vocabularies: the ids must be identical.</summary>
public class PeerParityTests
{
    static readonly Lazy<TiktokenTokenizer> PeerGpt2 = new(() => TiktokenTokenizer.CreateForModel("gpt2"));
    static readonly Lazy<TiktokenTokenizer> PeerCl100k = new(() => TiktokenTokenizer.CreateForModel("gpt-4"));

    // One fact per vocabulary rather than a theory per string: xUnit cannot tell apart test cases whose strings differ
    // only in lone surrogates.
    [Fact]
    public void Gpt2_ids_equal_the_peers_on_adversarial_strings()
    {
        foreach (string text in AdversarialStrings.All)
            AssertSameIds(PeerGpt2.Value.EncodeToIds(text), PretrainedTokenizers.Gpt2().Encode(text), text);
    }

    [Fact]
    public void Cl100k_ids_equal_the_peers_on_adversarial_strings()
    {
        foreach (string text in AdversarialStrings.All)
            AssertSameIds(PeerCl100k.Value.EncodeToIds(text), PretrainedTokenizers.Cl100kBase().Encode(text), text);
    }

    [Fact]
    public void Lone_surrogates_become_their_three_byte_sequence_as_in_the_peer()
    {
        // ML.Tokenizers 2.0.1 gives [64, 169, 254, 222, 65]: 'a', bytes ED A0 80 (U+D800 as generalized UTF-8), 'b'.
        var gpt2 = PretrainedTokenizers.Gpt2();
        Assert.Equal([64, 169, 254, 222, 65], gpt2.Encode("a\uD800b"));
        Assert.Equal([(byte)'a', 0xED, 0xA0, 0x80, (byte)'b'], gpt2.DecodeBytes(gpt2.Encode("a\uD800b")));
        Assert.Equal("a\uFFFD\uFFFD\uFFFDb", gpt2.Decode(gpt2.Encode("a\uD800b"))); // not UTF-8: replaced on decoding
    }

    [Fact]
    public void Known_ids_are_pinned()
    {
        // Figures from tiktoken / the peer: "hello world" is two tokens in both vocabularies.
        Assert.Equal([31373, 995], PretrainedTokenizers.Gpt2().Encode("hello world"));
        Assert.Equal([15339, 1917], PretrainedTokenizers.Cl100kBase().Encode("hello world"));
        Assert.Equal(50257, PretrainedTokenizers.Gpt2().VocabSize);
        Assert.Equal(100277, PretrainedTokenizers.Cl100kBase().VocabSize);
        Assert.Equal(50000, PretrainedTokenizers.Gpt2().Merges.Count);
    }

    [Fact]
    public void Ids_equal_the_peers_on_2_MB_of_the_default_corpus()
    {
        var text = new StringBuilder();
        foreach (var doc in Corpora.Open(null).Read())
        {
            text.Append(doc.Text).Append('\n');
            if (text.Length >= 2_000_000) break;
        }
        string s = text.ToString();
        AssertSameIds(PeerGpt2.Value.EncodeToIds(s), PretrainedTokenizers.Gpt2().Encode(s), "corpus (gpt2)");
        AssertSameIds(PeerCl100k.Value.EncodeToIds(s), PretrainedTokenizers.Cl100kBase().Encode(s), "corpus (cl100k)");
    }

    internal static void AssertSameIds(IReadOnlyList<int> expected, IReadOnlyList<int> actual, string what)
    {
        int n = Math.Min(expected.Count, actual.Count), at = 0;
        while (at < n && expected[at] == actual[at]) at++;
        if (at == n && expected.Count == actual.Count) return;
        string Window(IReadOnlyList<int> ids) => string.Join(",", ids.Skip(Math.Max(0, at - 3)).Take(8));
        Assert.Fail($"{Shorten(what)}: first difference at token {at} of {expected.Count} (peer) / {actual.Count} (ours): " +
            $"peer [{Window(expected)}] ours [{Window(actual)}]");
    }

    static string Shorten(string s) => System.Text.Json.JsonSerializer.Serialize(s.Length <= 60 ? s : s[..60] + "…");
}
