using LlmLab.Alignment;

namespace LlmLab.Tests.Alignment;

/// <summary>Preference pairs: the JSONL reader's strictness, and the synthetic pairs' labels as the checkers see them.</summary>
public sealed class PreferenceDataTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-pref-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    string File1(string text)
    {
        string path = Path.Combine(_root, "pairs.jsonl");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Synthetic_pairs_have_a_chosen_reply_the_checker_accepts_and_a_rejected_one_it_refuses()
    {
        var pairs = AlignmentFixtures.Pairs;
        Assert.True(pairs.Count >= AlignmentFixtures.Data.Train.Count * 0.9, $"{pairs.Count} pairs of {AlignmentFixtures.Data.Train.Count}");
        foreach (var p in pairs)
        {
            var family = TaskFamilies.ByName(p.Family!);
            Assert.True(family.Check(p.Chosen, p.Chosen).Correct);
            Assert.False(family.Check(p.Chosen, p.Rejected).Correct, $"{p.Source}: '{p.Rejected}' vs '{p.Chosen}'");
            Assert.NotEqual(p.Chosen, p.Rejected);
        }
        Assert.Equal(["corrupted", "other-answer", "truncated"], pairs.Select(p => p.Source!).Distinct().Order());
        // a corruption changes exactly one digit of a number, or swaps two letters where there is none
        string corrupted = PreferencePairs.Corrupt("13 + 29 = 42", new Random(0))!;
        Assert.Equal(1, corrupted.Zip("13 + 29 = 42").Count(z => z.First != z.Second));
        Assert.Equal("ab".Length, PreferencePairs.Corrupt("ab", new Random(0))!.Length);
        Assert.Equal("ba", PreferencePairs.Corrupt("ab", new Random(0)));
    }

    [Fact]
    public void Jsonl_round_trips_and_reads_the_string_prompt_form()
    {
        var pairs = AlignmentFixtures.Pairs.Take(5).ToArray();
        string path = Path.Combine(_root, "rt.jsonl");
        PreferenceJsonl.Write(path, pairs);
        var back = PreferenceJsonl.Read(path);
        Assert.Equal(pairs.Select(p => (p.UserText, p.Chosen, p.Rejected, p.Family, p.Template, p.Source)),
            back.Select(p => (p.UserText, p.Chosen, p.Rejected, p.Family, p.Template, p.Source)));
        var plain = PreferenceJsonl.Read(File1("{\"prompt\":\"hi\",\"chosen\":\"hello\",\"rejected\":\"go away\"}\n\n"));
        Assert.Equal("hi", Assert.Single(plain).UserText);
    }

    [Theory]
    [InlineData("{\"prompt\":\"hi\",\"chosen\":\"same\",\"rejected\":\"same\"}", "identical")]
    [InlineData("{\"prompt\":\"hi\",\"chosen\":\"a\"}", "missing key \"rejected\"")]
    [InlineData("{\"chosen\":\"a\",\"rejected\":\"b\"}", "missing key \"prompt\"")]
    [InlineData("{\"prompt\":\"hi\",\"chosen\":\"\",\"rejected\":\"b\"}", "\"chosen\" must be a non-empty string")]
    [InlineData("{\"prompt\":\"hi\",\"chosen\":\"a\",\"rejected\":\"b\",\"score\":1}", "unknown key \"score\"")]
    [InlineData("{\"prompt\":[{\"role\":\"assistant\",\"content\":\"x\"}],\"chosen\":\"a\",\"rejected\":\"b\"}", "\"prompt\"[0]")]
    [InlineData("{\"prompt\":\"hi\",\"chosen\":\"a\",\"rejected\":\"b\",\"family\":\"poetry\"}", "unknown task family 'poetry'")]
    [InlineData("not json", "not valid JSON")]
    public void A_bad_line_is_an_input_error_naming_the_line_and_key(string line, string expected)
    {
        string path = File1("{\"prompt\":\"ok\",\"chosen\":\"a\",\"rejected\":\"b\"}\n" + line + "\n");
        var e = Assert.Throws<InputException>(() => PreferenceJsonl.Read(path));
        Assert.Contains($"{path}:2", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void An_empty_or_missing_file_is_an_input_error()
    {
        Assert.Contains("holds no pair", Assert.Throws<InputException>(() => PreferenceJsonl.Read(File1("\n"))).Message);
        Assert.Contains("does not exist", Assert.Throws<InputException>(() => PreferenceJsonl.Read(Path.Combine(_root, "none.jsonl"))).Message);
    }
}
