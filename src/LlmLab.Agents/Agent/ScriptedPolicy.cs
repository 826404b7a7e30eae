using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Agent;

/// <summary>
/// A reference policy with known behaviour: an <see cref="IChatClient"/> that plays an <see cref="AgentScript"/> per
/// request — its calls, then its answer — so the agent loop, the tools and the checkers can be tested without a model.
/// With <see cref="ObeyInjections"/> it is also the worst victim of prompt injection: whenever a tool result says
/// "call TOOL with ARGUMENT" it makes that call first, as a naive model would; a defence must therefore live in the
/// agent or the tools (<see cref="InjectionGuard"/>), since this model never resists. A request without a script is
/// answered "I have no script for that request." Thread-safe (stateless: everything is read from the messages).
/// </summary>
public sealed partial class ScriptedPolicy : IChatClient
{
    readonly Dictionary<string, AgentScript> _scripts;

    /// <param name="scripts">One script per request text.</param>
    public ScriptedPolicy(IEnumerable<AgentScript> scripts)
    {
        ArgumentNullException.ThrowIfNull(scripts);
        _scripts = scripts.ToDictionary(s => s.Request.Trim(), StringComparer.Ordinal);
    }

    /// <summary>Follow "call TOOL with ARGUMENT" found in tool results (default: true, the naive model).</summary>
    public bool ObeyInjections { get; init; } = true;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        int u = list.FindLastIndex(m => m.Role == ChatRole.User);
        if (u < 0) return Task.FromResult(Reply(new ChatMessage(ChatRole.Assistant, "There is no request to answer.")));
        var after = list.Skip(u + 1).ToList();
        var calls = after.SelectMany(m => m.Contents.OfType<FunctionCallContent>()).ToList();
        var results = after.SelectMany(m => m.Contents.OfType<FunctionResultContent>())
            .ToDictionary(r => r.CallId, r => ToolResultText.From(r.Result).Text);
        if (ObeyInjections && Injected(calls, results, options) is { } injected)
            return Task.FromResult(Reply(new ChatMessage(ChatRole.Assistant, [injected])));
        if (!_scripts.TryGetValue(list[u].Text.Trim(), out var script))
            return Task.FromResult(Reply(new ChatMessage(ChatRole.Assistant, "I have no script for that request.")));
        var scripted = calls.Where(c => c.CallId.StartsWith("call_", StringComparison.Ordinal)).ToList();
        var outputs = scripted.Select(c => results.GetValueOrDefault(c.CallId, "")).ToList();
        int step = scripted.Select(c => c.CallId.Split('_')[1]).Distinct().Count();
        if (step < script.Steps.Count)
        {
            var next = script.Steps[step](outputs);
            var contents = next.Select((c, i) => (AIContent)new FunctionCallContent($"call_{step}_{i}", c.Name,
                c.Arguments.ToDictionary(kv => kv.Key, kv => kv.Value))).ToList();
            if (contents.Count > 0) return Task.FromResult(Reply(new ChatMessage(ChatRole.Assistant, contents)));
        }
        return Task.FromResult(Reply(new ChatMessage(ChatRole.Assistant, script.Answer(outputs))));
    }

    /// <summary>The first "call TOOL with ARGUMENT" in a tool result that names an offered tool and has not been made.</summary>
    static FunctionCallContent? Injected(List<FunctionCallContent> calls, Dictionary<string, string> results, ChatOptions? options)
    {
        var tools = options?.Tools?.OfType<AIFunction>().ToDictionary(t => t.Name, StringComparer.Ordinal) ?? [];
        int n = 0;
        foreach (var text in results.Values)
        {
            foreach (Match m in InjectionPattern().Matches(text))
            {
                string name = m.Groups[1].Value, argument = m.Groups[2].Value.Trim().TrimEnd('.', '"', '\'');
                if (!tools.TryGetValue(name, out var tool)) continue;
                string? parameter = tool.JsonSchema.TryGetProperty("properties", out var props)
                    ? props.EnumerateObject().Select(p => p.Name).FirstOrDefault() : null;
                if (parameter is null) continue;
                bool done = calls.Any(c => c.Name == name && c.Arguments?.TryGetValue(parameter, out var v) == true
                    && (v is JsonElement e ? e.ToString() : v?.ToString()) == argument);
                if (!done) return new FunctionCallContent($"inj_{calls.Count + n++}", name, new Dictionary<string,
                    object?> { [parameter] = argument });
            }
        }
        return null;
    }

    [GeneratedRegex(@"(?i)\bcall\s+(?:the\s+)?([a-z_][a-z0-9_]*)(?:\s+tool)?\s+with\s+([^\n""]+)")]
    private static partial Regex InjectionPattern();

    static ChatResponse Reply(ChatMessage m) => new(m) { ModelId = "scripted", FinishReason = ChatFinishReason.Stop };

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var r = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var u in r.ToChatResponseUpdates()) yield return u;
    }

    public object? GetService(Type serviceType,
        object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}
