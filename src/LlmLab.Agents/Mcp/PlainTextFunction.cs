using System.Text.Json;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Protocol;

namespace LlmLab.Agents.Mcp;

/// <summary>
/// An <see cref="AIFunction"/> whose text result is handed on as a string. AIFunctionFactory marshals a string return
/// value to a JSON string element, which the MCP server would send as JSON text (<c>"79"</c>, quotes included); MCP
/// clients expect the text itself in a text content block (<c>79</c>). A refusal (InputException, a bad argument) becomes
/// a result with isError = true that carries its message.
/// </summary>
sealed class PlainTextFunction(AIFunction inner) : DelegatingAIFunction(inner)
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        object? result;
        try
        {
            result = await base.InvokeCoreAsync(arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InputException or ArgumentException or JsonException)
        {
            // The SDK reports other exceptions as "An error occurred invoking …" (it hides their messages, rightly for
            // internal errors); a refusal of bad input is meant for the model, which needs the reason to retry.
            return new CallToolResult { Content = [new TextContentBlock { Text = e.Message }], IsError = true };
        }
        return result is JsonElement { ValueKind: JsonValueKind.String } s ? s.GetString() : result;
    }
}
