using LlmLab.Tests.Text;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Tokenization;

public class CharTokenizerTests
{
    [Fact]
    public void Vocabulary_is_the_corpus_characters_in_code_point_order()
    {
        var t = CharTokenizer.Build(["hello", "world 😀"]);
        Assert.Equal(" dehlorw😀".EnumerateRunes().Select(r => r.Value), t.CodePoints);
        Assert.Equal(9, t.VocabSize);
        Assert.Equal([3, 2, 4, 4, 5, 0, 8], t.Encode("hello 😀")); // the emoji is one id, not two surrogates
        Assert.Equal("hello 😀", t.Decode(t.Encode("hello 😀")));
    }

    [Fact]
    public void Unknown_characters_follow_the_policy()
    {
        var error = CharTokenizer.Build(["abc"]);
        Assert.Equal(
            "character 'z' (U+007A) at index 2 is not in the vocabulary of 3 characters; build the vocabulary from text that has it, or " +
            "choose the unk or skip policy",
            Assert.Throws<InputException>(() => error.Encode("abz")).Message);
        var unk = CharTokenizer.Build(["abc"], UnknownCharPolicy.Unk);
        Assert.Equal(3, unk.UnknownId);
        Assert.Equal([0, 3, 1], unk.Encode("azb"));
        Assert.Equal("a\uFFFDb", unk.Decode(unk.Encode("azb")));
        var skip = CharTokenizer.Build(["abc"], UnknownCharPolicy.Skip);
        Assert.Equal([0, 1], skip.Encode("azb"));
        Assert.Contains("token id 7 is not in the character vocabulary", Assert.Throws<InputException>(() => skip.Decode([7])).Message);
    }

    [Fact]
    public void Save_and_load_keep_vocabulary_and_policy_and_reject_corruption()
    {
        using var dir = new TempDir();
        var t = CharTokenizer.Build(["naïve café 日本"], UnknownCharPolicy.Unk);
        string path = Path.Combine(dir.Path, "chars.tok");
        t.Save(path);
        var back = CharTokenizer.Load(path);
        Assert.Equal(t.CodePoints, back.CodePoints);
        Assert.Equal(UnknownCharPolicy.Unk, back.Policy);
        Assert.Equal(t.Encode("café?"), back.Encode("café?"));
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        Assert.Contains("is truncated", Assert.Throws<InputException>(() => CharTokenizer.Load(path)).Message);
    }

    [Fact]
    public void Empty_corpus_is_an_error() =>
        Assert.Contains("no characters", Assert.Throws<InputException>(() => CharTokenizer.Build(["", ""])).Message);
}
