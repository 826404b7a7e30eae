using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Tokenization;

/// <summary>
/// Our ids against tiktoken's own, string by string, on a Unicode stress set (every general category inside and
/// beyond the BMP, emoji sequences, CJK, RTL, combining marks, whitespace of every kind, contractions, numbers).
/// The goldens are <c>Goldens/tiktoken-ids.json</c>, made with tiktoken 1.0.22 by <c>bench/node/tokenizer_goldens.js</c>
/// (which also wrote <c>Goldens/unicode-stress.json</c>): tiktoken is the reference, because Microsoft.ML.Tokenizers
/// shares .NET's regex and so the bug this set was made for (letters and digits beyond the BMP were not \p{L}/\p{N}).
/// </summary>
public class TiktokenGoldenTests
{
    [Fact]
    public void Gpt2_ids_equal_tiktokens_on_the_unicode_stress_set() =>
        AssertGoldens(PretrainedTokenizers.Gpt2(), "gpt2");

    [Fact]
    public void Cl100k_ids_equal_tiktokens_on_the_unicode_stress_set() =>
        AssertGoldens(PretrainedTokenizers.Cl100kBase(), "cl100k_base");

    [Fact]
    public void The_goldens_belong_to_the_committed_stress_set()
    {
        var (strings, goldens) = Load();
        Assert.Equal(goldens.RootElement.GetProperty("strings").GetInt32(), strings.Count);
        Assert.Equal(goldens.RootElement.GetProperty("strings_sha256").GetString(), StressSetSha256(strings));
        // The patterns of tiktoken's current Python release (possessive quantifiers, \s++$) gave the same ids on every
        // string when the goldens were made; if a regeneration ever finds otherwise, the two references disagree.
        foreach (var list in goldens.RootElement.GetProperty("upstream_pattern_differs").EnumerateObject())
            Assert.True(list.Value.GetArrayLength() == 0, $"{list.Name}: tiktoken's current patterns disagree with 1.0.22 on {list.Value}");
    }

    static void AssertGoldens(BpeTokenizer tokenizer, string encoding)
    {
        var (strings, goldens) = Load();
        var expected = goldens.RootElement.GetProperty(encoding).EnumerateArray()
            .Select(row => row.EnumerateArray().Select(id => id.GetInt32()).ToArray()).ToList();
        Assert.Equal(strings.Count, expected.Count);
        var failures = new List<int>();
        for (int i = 0; i < strings.Count; i++)
            if (!tokenizer.EncodeOrdinary(strings[i]).AsSpan().SequenceEqual(expected[i])) failures.Add(i);
        if (failures.Count == 0) return;
        int first = failures[0];
        Assert.Fail($"{encoding}: {failures.Count} of {strings.Count} strings differ from tiktoken; the first is #{first} " +
            $"{Escape(strings[first])}: tiktoken [{string.Join(' ', expected[first])}] " +
            $"ours [{string.Join(' ', tokenizer.EncodeOrdinary(strings[first]))}]" +
            (failures.Count > 1 ? $"; others: #{string.Join(", #", failures.Skip(1).Take(10))}" : ""));
    }

    static (List<string> Strings, JsonDocument Goldens) Load()
    {
        var strings = JsonSerializer.Deserialize<List<string>>(Resource("unicode-stress.json"))
            ?? throw new InvalidOperationException("unicode-stress.json is empty");
        return (strings, JsonDocument.Parse(Resource("tiktoken-ids.json")));
    }

    static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Goldens.{name}")
            ?? throw new InvalidOperationException(
                $"embedded resource Goldens.{name} is missing (LlmLab.Tests.csproj embeds Tokenization/Goldens/*.json)");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    // As tokenizer_goldens.js computes it: each string's UTF-8, then the byte FF.
    static string StressSetSha256(IEnumerable<string> strings)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string s in strings) { sha.AppendData(Encoding.UTF8.GetBytes(s)); sha.AppendData([0xFF]); }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    // Letters, digits, punctuation, symbols and the space as themselves, every other code point as \u{…}, so the
    // failing string can be read in a test log.
    static string Escape(string s) => "\"" + string.Concat(s.EnumerateRunes().Select(r =>
        r.Value == ' ' || Rune.IsLetterOrDigit(r) || Rune.IsPunctuation(r) || Rune.IsSymbol(r)
            ? r.ToString() : $"\\u{{{r.Value:X}}}")) + "\"";
}
