using System.Text.Json;
using System.Text.RegularExpressions;
using LlmLab.Inference;
using LlmLab.Inference.Json;
using LlmLab.Tokenization;
using Microsoft.Extensions.AI;
using static LlmLab.Server.JsonFields;

namespace LlmLab.Server;

/// <summary>
/// Reads <c>tools</c>, <c>tool_choice</c> and <c>parallel_tool_calls</c> into a <see cref="ToolRequest"/>, each bad field
/// a 400 naming it: tools only for a model whose chat template has lab 7.1's tool-call format (the special-token
/// template and a tokenizer with <c>&lt;|tool_call|&gt;</c>); tool_choice and parallel_tool_calls only with tools (as
/// OpenAI answers). For <c>required</c> or a named function, the call is forced: its schema
/// (<c>{"name": one of the tools, "arguments": the tool's parameters}</c>) goes to the constrained JSON decoder. The
/// decoder's subset has no <c>anyOf</c>, so with several tools under <c>required</c> the arguments are only held to be
/// an object, and a parameters schema outside the subset falls back to the same. Stateless and thread-safe.
/// </summary>
internal static partial class OpenAiTools
{
    static readonly HashSet<string> ToolFields = ["type", "function"];
    static readonly HashSet<string> FunctionFields = ["name", "description", "parameters", "strict"];

    /// <summary>OpenAI's rule for function names.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();

    /// <summary>The request's tool fields, or null when it has none.</summary>
    /// <exception cref="ApiError">A malformed field, or tools for a model without the tool-call format.</exception>
    public static ToolRequest? Read(JsonElement body, ChatTemplate template, ITokenizer tokenizer)
    {
        var toolsField = Get(body, "tools");
        var choiceField = Get(body, "tool_choice");
        var parallelField = Get(body, "parallel_tool_calls");
        if (toolsField is null)
        {
            if (choiceField is not null) throw ApiError.BadField("tool_choice", "tool_choice is only allowed when tools are given");
            if (parallelField is not null)
                throw ApiError.BadField("parallel_tool_calls", "parallel_tool_calls is only allowed when tools are given");
            return null;
        }
        if (!HasFormat(template, tokenizer))
            throw ApiError.BadField("tools", "tools need a model fine-tuned with lab 7.1's tool-call format (a chat checkpoint whose " +
                "template has <|tool_call|>: llmlab data synth --families tool_call, then llmlab sft); this model has " +
                $"the {template.Name} template{(template.UsesSpecialTokens ? " without the tool-call token" : "")}");
        var tools = Tools(toolsField.Value);
        var (choice, forced) = Choice(choiceField, tools);
        bool parallel = Bool(body, "parallel_tool_calls", true);
        var constraint = choice is "required" or "function"
            ? CallSchema(forced is null ? tools : tools.Where(t => t.Name == forced).ToList()) : null;
        return new ToolRequest(tools, choice, forced, parallel, constraint);
    }

    /// <summary>The prompt's ids: with tools offered, 7.1's tool list is the system message
    /// (<see cref="ToolCallFormat.WithToolList"/>); with a forced call the prompt ends with the <c>&lt;|tool_call|&gt;</c>
    /// marker, so the decoder only writes the call's JSON. tool_choice none lists no tools (the model was taught that a
    /// tool list asks for a call).</summary>
    public static IReadOnlyList<int> Encode(List<ChatMessage> messages, ToolRequest? tools, ChatTemplate template, ITokenizer tokenizer)
    {
        if (tools is { ReadsCalls: true })
            messages = ToolCallFormat.WithToolList(messages,
                ToolCallFormat.ToolList(tools.Tools.Select(t => (t.Name, ToolCallFormat.ParameterNames(t.Parameters)))));
        var ids = template.Encode(messages, tokenizer, addGenerationPrompt: true).Ids;
        return tools is { IsForced: true } ? [.. ids, ((BpeTokenizer)tokenizer).SpecialTokenId(ChatTokens.ToolCall)] : ids;
    }

    /// <summary>The request's logit_bias, with tool_choice none adding OpenAI's ban (−100) on the call marker.</summary>
    public static IReadOnlyDictionary<int, double>? Bias(Dictionary<int, double>? bias, ToolRequest? tools, ITokenizer tokenizer)
    {
        if (tools is not { Choice: "none" }) return bias;
        bias ??= [];
        bias[((BpeTokenizer)tokenizer).SpecialTokenId(ChatTokens.ToolCall)] = -100;
        return bias;
    }

    /// <summary>True when the model can be given tools: the special-token template and the tool-call tokens.</summary>
    public static bool HasFormat(ChatTemplate template, ITokenizer tokenizer) =>
        template.UsesSpecialTokens && tokenizer is BpeTokenizer bpe
        && bpe.SpecialTokens.ContainsKey(ChatTokens.ToolCall) && bpe.SpecialTokens.ContainsKey(ChatTokens.ToolResult);

    static List<(string Name, JsonElement? Parameters)> Tools(JsonElement field)
    {
        if (field.ValueKind != JsonValueKind.Array || field.GetArrayLength() == 0)
            throw ApiError.BadField("tools", "tools must be a non-empty array of {\"type\": \"function\", \"function\": {...}}");
        if (field.GetArrayLength() > 128)
            throw ApiError.BadField("tools", $"tools takes at most 128 functions (got {field.GetArrayLength()})");
        var list = new List<(string, JsonElement?)>();
        int i = 0;
        foreach (var t in field.EnumerateArray())
        {
            string at = $"tools[{i++}]";
            if (t.ValueKind != JsonValueKind.Object) throw ApiError.BadField(at, $"{at} must be an object with type and function");
            OnlyKnown(t, ToolFields, at + ".");
            if (OptionalText(t, "type", $"{at}.type") != "function")
                throw ApiError.BadField($"{at}.type", $"{at}.type must be \"function\" (the only tool type this server has)");
            if (Get(t, "function") is not { ValueKind: JsonValueKind.Object } f)
                throw ApiError.BadField($"{at}.function", $"{at}.function must be an object with a name");
            OnlyKnown(f, FunctionFields, $"{at}.function.");
            string name = OptionalText(f, "name", $"{at}.function.name") ?? throw ApiError.BadField($"{at}.function.name",
                $"{at}.function.name is required");
            if (!NamePattern().IsMatch(name))
                throw ApiError.BadField($"{at}.function.name", $"{at}.function.name must be 1 to 64 letters, digits, _ or - " +
                    $"(got '{OpenAiMessages.Short(name)}')");
            if (list.Any(x => x.Item1 == name))
                throw ApiError.BadField($"{at}.function.name", $"{at}.function.name '{name}' is given twice: names must be unique");
            OptionalText(f, "description", $"{at}.function.description");     // accepted; 7.1's tool list has no descriptions
            Bool(f, "strict", false, $"{at}.function.strict");
            var parameters = Get(f, "parameters");
            if (parameters is { ValueKind: not JsonValueKind.Object })
                throw ApiError.BadField($"{at}.function.parameters", $"{at}.function.parameters must be a JSON Schema object");
            list.Add((name, parameters?.Clone()));
        }
        return list;
    }

    static (string Choice, string? Forced) Choice(JsonElement? field, List<(string Name, JsonElement? Parameters)> tools)
    {
        if (field is null) return ("auto", null);
        var c = field.Value;
        if (c.ValueKind == JsonValueKind.String)
        {
            string s = Str(c, "tool_choice");
            return s is "none" or "auto" or "required" ? (s, null) : throw ApiError.BadField("tool_choice",
                "tool_choice must be none, auto, required or {\"type\": \"function\", \"function\": {\"name\": ...}} " +
                $"(got '{OpenAiMessages.Short(s)}')");
        }
        if (c.ValueKind != JsonValueKind.Object) throw ApiError.BadField("tool_choice", "tool_choice must be a string or an object");
        OnlyKnown(c, ToolFields, "tool_choice.");
        if (OptionalText(c, "type", "tool_choice.type") != "function")
            throw ApiError.BadField("tool_choice.type", "tool_choice.type must be \"function\"");
        if (Get(c, "function") is not { ValueKind: JsonValueKind.Object } f)
            throw ApiError.BadField("tool_choice.function", "tool_choice.function must be an object with a name");
        OnlyKnown(f, new HashSet<string> { "name" }, "tool_choice.function.");
        string name = OptionalText(f, "name", "tool_choice.function.name") ?? throw ApiError.BadField("tool_choice.function.name",
            "tool_choice.function.name is required");
        if (tools.All(t => t.Name != name))
            throw ApiError.BadField("tool_choice.function.name",
                $"tool_choice names '{OpenAiMessages.Short(name)}', which is not in tools");
        return ("function", name);
    }

    /// <summary>The schema of a call to one of <paramref name="tools"/>: name first, then arguments, as the format writes it.</summary>
    static JsonSchemaSubset CallSchema(IReadOnlyList<(string Name, JsonElement? Parameters)> tools)
    {
        string names = JsonSerializer.Serialize(tools.Select(t => t.Name));
        var shapes = tools.Select(t => Arguments(t.Parameters)).Distinct().ToList();
        string args = shapes.Count == 1 ? shapes[0] : """{"type":"object"}""";
        string schema = $$"""
            {"type":"object","properties":{"name":{"enum":{{names}}},"arguments":{{args}}},
             "required":["name","arguments"],"additionalProperties":false}
            """;
        using var doc = JsonDocument.Parse(schema);
        return JsonSchemaSubset.Parse(doc.RootElement, "tools");
    }

    /// <summary>A tool's parameters schema when the decoder can enforce it, else any object.</summary>
    static string Arguments(JsonElement? parameters)
    {
        if (parameters is not { } p) return """{"type":"object","properties":{},"additionalProperties":false}""";
        try
        {
            var subset = JsonSchemaSubset.Parse(p, "parameters");
            return (subset.Types & JsonTypes.Object) != 0 ? p.GetRawText() : """{"type":"object"}""";
        }
        catch (InputException) { return """{"type":"object"}"""; }
        catch (InvalidOperationException) { return """{"type":"object"}"""; }
    }
}
