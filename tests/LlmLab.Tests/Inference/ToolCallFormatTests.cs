using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Inference;

/// <summary>Lab 7.1's tool-call format as the server and the agent's adapter read and write it.</summary>
public sealed class ToolCallFormatTests
{
    [Fact]
    public void The_tool_list_is_7_1s_training_system_message()
    {
        string list = ToolCallFormat.ToolList([("get_weather", ["city"]), ("set_timer", ["minutes"]),
            ("convert_currency", ["amount", "from", "to"]), ("get_time", ["city"])]);
        Assert.Equal(ToolCallFamily.ToolList, list);
    }

    [Theory]
    [InlineData("<|tool_call|>{\"name\":\"f\",\"arguments\":{\"x\":1}}", "f")]
    [InlineData("  <|tool_call|> {\"name\":\"f\", \"arguments\":{}} \n", "f")]
    [InlineData("{\"name\":\"f\",\"arguments\":{}}", "f")]
    [InlineData("<|tool_call|>{\"name\":\"f\",\"arguments\":{}}<|tool_call|>{\"name\":\"g\",\"arguments\":{}}", "f,g")]
    [InlineData("The weather is fine.", null)]
    [InlineData("<|tool_call|>{\"name\":\"f\",\"arguments\":{}} and more", null)]
    [InlineData("<|tool_call|>{\"name\":\"f\",\"arguments\":{}}<|tool_call|>oops", null)]
    [InlineData("<|tool_call|>{\"name\":\"f\",\"arguments\":[]}", null)]
    [InlineData("<|tool_call|>{\"name\":\"\",\"arguments\":{}}", null)]
    [InlineData("<|tool_call|>{\"name\":\"f\",\"arguments\":{},\"id\":1}", null)]
    [InlineData("<|tool_call|>{\"name\":\"f\",\"arguments\":{", null)]
    [InlineData("", null)]
    public void Parse_reads_only_replies_that_are_wholly_calls(string text, string? names)
    {
        var calls = ToolCallFormat.Parse(text);
        Assert.Equal(names, calls is null ? null : string.Join(",", calls.Select(c => c.Name)));
    }

    [Fact]
    public void A_reply_rendered_by_the_chat_template_parses_back()
    {
        var call = new Microsoft.Extensions.AI.FunctionCallContent("c", "convert_currency",
            new Dictionary<string, object?> { ["amount"] = 12, ["from"] = "EUR", ["to"] = "JPY" });
        var parsed = Assert.Single(ToolCallFormat.Parse(ChatTokens.ToolCall + ChatTemplate.ToolCallJson(call))!);
        Assert.Equal("convert_currency", parsed.Name);
        Assert.Equal("""{"amount":12,"from":"EUR","to":"JPY"}""", parsed.Arguments.GetRawText());
    }
}
