using LlmLab.Agents.Prompts;
using LlmLab.Alignment;

namespace LlmLab.Tests.Agents;

/// <summary>Each assertion type judged on replies whose verdict is known by construction.</summary>
public sealed class AssertionJudgeTests
{
    static readonly PromptTest Test = new("t", new Dictionary<string, string> { ["answer"] = "42" }, [], "test");

    static PromptAssertion A(AssertionKind kind, string? value = null, bool ignoreCase = false) =>
        new(kind, value is null ? null : new PromptText(value, "here"), ignoreCase, null,
            kind == AssertionKind.Task ? new ArithmeticFamily() : null,
            kind == AssertionKind.Latency ? 100 : null, null, null, 0, 0, "here");

    static bool Judge(PromptAssertion a, string answer, double ms = 0, long? input = null, long? output = null) =>
        AssertionJudge.Judge(a, answer, ms, input, output, Test).Passed;

    [Fact]
    public void Text_assertions()
    {
        Assert.True(Judge(A(AssertionKind.Equal, "{{answer}}"), " 42\n"));
        Assert.False(Judge(A(AssertionKind.Equal, "{{answer}}"), "The answer is 42"));
        Assert.True(Judge(A(AssertionKind.Equal, "yes", ignoreCase: true), "YES"));
        Assert.False(Judge(A(AssertionKind.Equal, "yes"), "YES"));
        Assert.True(Judge(A(AssertionKind.Contains, "{{answer}}"), "The answer is 42"));
        Assert.False(Judge(A(AssertionKind.Contains, "43"), "The answer is 42"));
        Assert.True(Judge(A(AssertionKind.Regex, @"^\d+$"), "42"));
        Assert.False(Judge(A(AssertionKind.Regex, @"^\d+$"), "42 apples"));
        Assert.True(Judge(A(AssertionKind.Regex, "^ANSWER", ignoreCase: true), "answer: 42"));
        var bad = AssertionJudge.Judge(A(AssertionKind.Regex, "("), "x", 0, null, null, Test);
        Assert.False(bad.Passed);
        Assert.Contains("invalid pattern", bad.Detail);
    }

    [Fact]
    public void Task_assertion_uses_the_family_checker()
    {
        Assert.True(Judge(A(AssertionKind.Task, "{{answer}}"), "The answer is 42."));
        Assert.False(Judge(A(AssertionKind.Task, "{{answer}}"), "43"));
        Assert.Contains("unparsable", AssertionJudge.Judge(A(AssertionKind.Task, "42"), "no idea", 0, null, null, Test).Detail);
    }

    [Fact]
    public void Json_schema_assertion_needs_a_whole_valid_document()
    {
        const string yaml = """
            prompts: [{ id: p, user: q }]
            tests:
              - assert:
                  - type: json-schema
                    schema: { type: object, required: [name, age], properties: { age: { type: integer, minimum: 0 } } }
            """;
        var a = PromptSuiteReader.Parse(yaml, "s.yaml").Tests[0].Assertions[0];
        Assert.True(Judge(a, """ {"name": "Ada", "age": 36} """));
        Assert.False(Judge(a, """{"name": "Ada"}"""));
        Assert.False(Judge(a, """{"name": "Ada", "age": -1}"""));
        Assert.False(Judge(a, """Here it is: {"name": "Ada", "age": 36}"""));
        Assert.Contains("not JSON", AssertionJudge.Judge(a, "nope", 0, null, null, Test).Detail);
    }

    [Fact]
    public void Latency_and_cost_read_the_measurements()
    {
        Assert.True(Judge(A(AssertionKind.Latency), "", ms: 99.9));
        Assert.False(Judge(A(AssertionKind.Latency), "", ms: 100.1));
        var tokens = A(AssertionKind.Cost) with { MaxTokens = 100 };
        Assert.True(Judge(tokens, "", input: 60, output: 40));
        Assert.False(Judge(tokens, "", input: 60, output: 41));
        Assert.False(Judge(tokens, ""), "no usage reported cannot pass");
        // $2.50 and $10 per million: 1,000 in + 100 out = $0.0025 + $0.001 = $0.0035.
        var usd = A(AssertionKind.Cost) with { MaxUsd = 0.0035, InputUsdPerMillion = 2.5, OutputUsdPerMillion = 10 };
        Assert.True(Judge(usd, "", input: 1000, output: 100));
        Assert.False(Judge(usd, "", input: 1000, output: 101));
    }
}
