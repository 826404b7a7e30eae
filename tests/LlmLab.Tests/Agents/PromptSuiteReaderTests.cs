using LlmLab.Agents.Prompts;

namespace LlmLab.Tests.Agents;

/// <summary>The prompt file reader: the template reads, and each kind of mistake is one message naming the file, the
/// line and the key.</summary>
public sealed class PromptSuiteReaderTests
{
    static readonly string Template = PromptSuiteTemplate.Text;

    static int LineOf(string text, string needle) => text[..text.IndexOf(needle, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    [Fact]
    public void The_template_reads_with_every_section()
    {
        var s = PromptSuiteReader.Parse(Template, "p.yaml");
        Assert.Equal(["plain", "few-shot", "step-by-step"], s.Variants.Select(v => v.Id));
        Assert.Equal(["add", "extract"], s.Tests.Select(t => t.Id));
        Assert.Equal("reference", Assert.Single(s.Providers).Id);
        Assert.Equal(Enum.GetValues<AssertionKind>().Order(), s.Tests.SelectMany(t => t.Assertions).Select(a => a.Kind).Distinct().Order());
        Assert.Single(s.Variants[1].Examples);
        Assert.True(s.Variants[2].Reasoning);
        Assert.Equal(64, s.Options.MaxTokens);
    }

    [Fact]
    public void Unknown_assertion_type_names_line_and_the_types()
    {
        string text = Template.Replace("type: contains                # the", "type: similar # the", StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => PromptSuiteReader.Parse(text, "p.yaml"));
        Assert.StartsWith($"p.yaml:{LineOf(text, "type: similar")}: tests[0].assert[1].type: unknown assertion type 'similar'", e.Message);
        Assert.Contains("json-schema", e.Message);
    }

    [Fact]
    public void Unknown_key_names_line_and_path()
    {
        string text = Template.Replace("  max_tokens: 64", "  max_tokens: 64\n  top_q: 1", StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => PromptSuiteReader.Parse(text, "p.yaml"));
        Assert.StartsWith($"p.yaml:{LineOf(text, "top_q")}: unknown key 'options.top_q'", e.Message);
    }

    [Fact]
    public void A_key_of_another_assertion_type_is_unknown()
    {
        string text = Template.Replace("max_ms: 5000", "max_ms: 5000\n        value: x", StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => PromptSuiteReader.Parse(text, "p.yaml"));
        Assert.StartsWith($"p.yaml:{LineOf(text,
            "value: x")}: unknown key 'tests[0].assert[4].value'; the keys allowed here are type, max_ms", e.Message);
    }

    [Fact]
    public void Missing_variable_names_the_template_line_the_variable_and_the_test()
    {
        string text = Template.Replace("format: \"{{format}}\"", "format: \"{{formt}}\"", StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => PromptSuiteReader.Parse(text, "p.yaml"));
        Assert.StartsWith($"p.yaml:{LineOf(text,
            "{{formt}}")} prompts[1].format uses {{{{formt}}}} but test 'add' has no variable 'formt'", e.Message);
    }

    [Fact]
    public void Missing_variable_in_an_assertion_value_is_caught_before_running()
    {
        string text = Template.Replace("value: \"{{answer}}\"\n      - type: contains", "value: \"{{answerr}}\"\n      - type: contains",
            StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => PromptSuiteReader.Parse(text, "p.yaml"));
        Assert.Contains("tests[0].assert[0].value uses {{answerr}}", e.Message);
    }

    [Theory]
    [InlineData("value: \"^\\\\d+$\"", "value: \"(\"", "not a valid regular expression")]
    [InlineData("type: integer, minimum: 0", "type: 7", "not a valid JSON Schema")]
    [InlineData("family: arithmetic", "family: poetry", "unknown task family 'poetry'")]
    [InlineData("max_ms: 5000", "max_ms: soon", "max_ms must be a number")]
    [InlineData("  - id: few-shot", "  - id: plain", "prompt id 'plain' is used twice")]
    [InlineData("reasoning: true ", "reasoning: maybe ", "must be true or false")]
    [InlineData("prompts:\n", "prompts: []\nunused:\n", "unknown key 'unused'")]
    [InlineData("  - id: reference\n", "  - id: reference\n    local: x\n", "exactly one of local, openai and scripted")]
    [InlineData("        input_usd_per_million: 0.15\n        output_usd_per_million: 0.60\n", "", "max_usd needs the prices")]
    public void Each_mistake_is_one_input_error(string from, string to, string expected)
    {
        Assert.Contains(from, Template);
        string text = Template.Replace(from, to, StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => PromptSuiteReader.Parse(text, "p.yaml"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("p.yaml", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Bad_yaml_and_a_missing_file_are_input_errors()
    {
        var e = Assert.Throws<InputException>(() => PromptSuiteReader.Parse("prompts: [a, b\n", "p.yaml"));
        Assert.StartsWith("p.yaml:", e.Message);
        var m = Assert.Throws<InputException>(() => PromptSuiteReader.Load("/nonexistent/p.yaml"));
        Assert.Contains("llmlab prompts new", m.Message);
    }
}
