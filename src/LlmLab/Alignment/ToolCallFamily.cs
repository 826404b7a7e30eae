using System.Globalization;
using System.Text.Json;
using LlmLab.Tokenization;
using Microsoft.Extensions.AI;
using static LlmLab.Alignment.SyntheticVocabulary;

namespace LlmLab.Alignment;

/// <summary>
/// Tool calling (Part 8's agent reuses it): the system message lists the tools, the user asks something one of them
/// answers, and the assistant's reply is the call, <c>&lt;|tool_call|&gt;{"name":"get_weather","arguments":{"city":"Paris"}}&lt;|end|&gt;</c>
/// (OpenAI's function calling, in our chat format). Each template phrases a request for each of the four tools.
/// Difficulty: amounts and minutes up to 60, 500, 5000.
/// </summary>
public sealed class ToolCallFamily : TaskFamily
{
    /// <summary>The system message that lists the tools and their arguments.</summary>
    public const string ToolList =
        "Tools: get_weather(city), set_timer(minutes), convert_currency(amount, from, to), get_time(city). Answer with one tool call.";

    // per template: weather {0}=city, timer {1}=minutes, currency {2}=amount {3}=from {4}=to, time {0}=city
    static readonly string[][] Templates =
    [
        ["What's the weather in {0}?", "Set a timer for {1} minutes.", "Convert {2} {3} to {4}.", "What time is it in {0}?"],
        ["Is it raining in {0} right now?", "Start a {1} minute timer.", "How much is {2} {3} in {4}?", "Tell me the current time in {0}."],
        ["Weather forecast for {0}, please.", "Remind me in {1} minutes.", "I need {2} {3} in {4}.", "Current local time in {0}?"],
        ["How warm is it in {0} today?", "Timer: {1} min.", "Exchange {2} {3} into {4}.", "Clock check for {0}."],
        ["Tell me about the weather in {0}.", "Please time {1} minutes for me.", "What do {2} {3} come to in {4}?", "What's the hour in {0}?"],
        ["Should I bring an umbrella in {0}?", "Count down {1} minutes.", "{2} {3} to {4}, please.", "Do you know what time it is in {0}?"],
    ];

    public override string Name => "tool_call";
    public override int TemplateCount => Templates.Length;

    protected override (string? System, string User, ChatMessage Reply) Make(Random rng, int template, int difficulty)
    {
        int tool = rng.Next(4), max = difficulty switch { 1 => 60, 2 => 500, _ => 5000 };
        string city = Pick(rng, Cities), from = Pick(rng, Currencies), to = Pick(rng, Currencies.Where(c => c != from).ToArray());
        int minutes = rng.Next(1, max + 1), amount = rng.Next(1, max + 1);
        string user = string.Format(CultureInfo.InvariantCulture, Templates[template][tool], city, minutes, amount, from, to);
        var (name, args) = tool switch
        {
            0 => ("get_weather", new Dictionary<string, object?> { ["city"] = city }),
            1 => ("set_timer", new Dictionary<string, object?> { ["minutes"] = minutes }),
            2 => ("convert_currency", new Dictionary<string, object?> { ["amount"] = amount, ["from"] = from, ["to"] = to }),
            _ => ("get_time", new Dictionary<string, object?> { ["city"] = city }),
        };
        return (ToolList, user, new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_0", name, args)]));
    }

    /// <summary>Right when the reply's call has the reference's tool name and arguments (as JSON data); the format is
    /// valid when the reply opens with the tool-call marker (or is a bare call) and holds {"name": string, "arguments":
    /// object}.</summary>
    public override TaskGrade Check(string reference, string reply)
    {
        var want = Parse(reference);
        var got = Parse(reply);
        bool correct = want is { } w && got is { } g && w.Name == g.Name && AnswerParsing.SameJson(w.Arguments, g.Arguments);
        return new(correct, got is not null);
    }

    /// <summary>The tool call in <paramref name="text"/>: its name and arguments, or null.</summary>
    public static (string Name, JsonElement Arguments)? Parse(string text)
    {
        text = (text ?? "").Trim();
        if (text.StartsWith(ChatTokens.ToolCall, StringComparison.Ordinal)) text = text[ChatTokens.ToolCall.Length..];
        using var doc = AnswerParsing.FirstJsonObject(text);
        if (doc is null || !doc.RootElement.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String
            || !doc.RootElement.TryGetProperty("arguments", out var a) || a.ValueKind != JsonValueKind.Object) return null;
        return (n.GetString()!, a.Clone());
    }
}
