using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace LlmLab.Agents.Mcp;

/// <summary>
/// Connects to an MCP server with the official SDK's client and returns its tools as <see cref="AIFunction"/>s
/// (<see cref="McpClientTool"/>), which the agent calls exactly like local ones (<see cref="Agent.AgentRunner"/>). Own
/// the returned client: disposing it closes the connection (and ends a stdio server it launched).
/// </summary>
public static class McpToolClient
{
    /// <summary>A client of the Streamable HTTP endpoint at <paramref name="endpoint"/>.</summary>
    public static Task<McpClient> ConnectHttpAsync(Uri endpoint, CancellationToken cancellationToken = default) =>
        McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint, Name = "llmlab-agent" }),
            cancellationToken: cancellationToken);

    /// <summary>A client of a stdio server it launches: <paramref name="command"/> with <paramref name="arguments"/>.</summary>
    public static Task<McpClient> ConnectStdioAsync(string command, IReadOnlyList<string> arguments,
        CancellationToken cancellationToken = default) =>
        McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = command, Arguments = [.. arguments], Name = "llmlab-tools",
        }), cancellationToken: cancellationToken);

    /// <summary>A client over two streams (it writes requests to <paramref name="toServer"/>, reads <paramref
    /// name="fromServer"/>).</summary>
    public static Task<McpClient> ConnectStreamsAsync(Stream toServer, Stream fromServer, CancellationToken cancellationToken = default) =>
        McpClient.CreateAsync(new StreamClientTransport(toServer, fromServer), cancellationToken: cancellationToken);

    /// <summary>The server's tools, as functions the agent can call.</summary>
    public static async Task<IReadOnlyList<AIFunction>> ToolsAsync(McpClient client, CancellationToken cancellationToken = default) =>
        [.. await client.ListToolsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)];
}
