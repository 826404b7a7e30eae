using System.Text;
using CsCheck;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Tokenization;

/// <summary>decode(encode(s)) == s for every well-formed string: random strings mixing ASCII, whitespace, Latin,
/// CJK, emoji (astral code points) and special-token fragments.</summary>
public class RoundTripPropertyTests
{
    // Code points drawn by class, so that runs of spaces, digits and letters, and astral characters, all occur often.
    static readonly Gen<int> CodePoint = Gen.Frequency(
        (4, Gen.Int['a', 'z']), (2, Gen.OneOf<int>(' ', ' ', '\n', '\t', '\r', '\'', '<', '|', '>')), (1, Gen.Int['0', '9']),
        (1, Gen.Int['A', 'Z']), (1, Gen.Int[0x00A0, 0x024F]), (1, Gen.Int[0x4E00, 0x9FFF]), (1, Gen.Int[0x1F300, 0x1FAFF]),
        (1, Gen.Int[0x10000, 0x10FFFF]), (1, Gen.Int[0, 0xFFFF].Where(c => c is < 0xD800 or > 0xDFFF)));

    static readonly Gen<string> Text = CodePoint.Array[0, 40].Select(cps =>
        string.Concat(cps.Select(cp => char.ConvertFromUtf32(cp))));

    [Fact]
    public void Gpt2_decodes_what_it_encodes() => Check.Sample(Text, s =>
    {
        var t = PretrainedTokenizers.Gpt2();
        Assert.Equal(s, t.Decode(t.Encode(s)));
    }, iter: 1000);

    [Fact]
    public void Cl100k_decodes_what_it_encodes() => Check.Sample(Text, s =>
    {
        var t = PretrainedTokenizers.Cl100kBase();
        Assert.Equal(s, t.Decode(t.Encode(s)));
    }, iter: 1000);

    [Fact]
    public void A_small_trained_tokenizer_decodes_what_it_encodes()
    {
        var t = BpeTokenizer.Train(BpeTrainerTests.SampleTexts(), new BpeTrainingOptions(300, SplitPatterns.Gpt2, ["<|endoftext|>"]));
        Check.Sample(Text, s => Assert.Equal(s, t.Decode(t.Encode(s))), iter: 1000);
    }

    [Fact]
    public void Char_tokenizer_decodes_what_it_encodes() => Check.Sample(Text, s =>
    {
        var t = CharTokenizer.Build([s, "x"]); // "x": a vocabulary is never empty
        Assert.Equal(s, t.Decode(t.Encode(s)));
    }, iter: 1000);
}
