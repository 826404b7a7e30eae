using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace LlmLab.Agents.Mcp;

/// <summary>
/// Serves <see cref="AIFunction"/>s (lab 8.2's tools) over the Model Context Protocol with the official C# SDK, so any
/// MCP client (Claude Desktop, VS Code, the SDK's own client) can list and call them: over stdio (JSON-RPC on
/// stdin/stdout: the process a client launches), over any pair of streams (tests), or over Streamable HTTP (ASP.NET
/// Core, <see cref="StartHttpAsync"/>). A tool's InputException reaches the client as a result with isError = true
/// (the SDK's handling of a failing tool), never as a protocol error.
/// </summary>
public static class McpToolServer
{
    /// <summary>The name the server reports in its initialize response.</summary>
    public const string Name = "llmlab-tools";

    static McpServerOptions Options(IEnumerable<AIFunction> tools)
    {
        var options = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = Name, Version = typeof(McpToolServer).Assembly.GetName().Version?.ToString() ?? "0" },
            ToolCollection = [],
        };
        foreach (var t in tools) options.ToolCollection.Add(McpServerTool.Create(new PlainTextFunction(t)));
        return options;
    }

    /// <summary>Serves <paramref name="tools"/> on this process's stdin/stdout until the client disconnects or
    /// <paramref name="cancellationToken"/> fires. Nothing else may write to stdout meanwhile.</summary>
    public static async Task RunStdioAsync(IEnumerable<AIFunction> tools, CancellationToken cancellationToken = default)
    {
        var options = Options(tools);
        await using var server = McpServer.Create(new StdioServerTransport(options), options);
        await server.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serves <paramref name="tools"/> over two streams (the client writes to <paramref name="input"/> and
    /// reads <paramref name="output"/>) until the input ends or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task RunStreamsAsync(IEnumerable<AIFunction> tools, Stream input, Stream output,
        CancellationToken cancellationToken = default)
    {
        var options = Options(tools);
        await using var server = McpServer.Create(new StreamServerTransport(input, output, Name), options);
        await server.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a Streamable HTTP MCP endpoint at <paramref name="url"/> + <c>/mcp</c> (port 0: a free port; the
    /// address is <see cref="Address"/>). The caller stops and disposes the returned application.</summary>
    public static async Task<WebApplication> StartHttpAsync(IEnumerable<AIFunction> tools, string url = "http://127.0.0.1:0",
        CancellationToken cancellationToken = default)
    {
        var list = tools.ToList();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.Services.AddMcpServer(o => o.ServerInfo = Options([]).ServerInfo)
            .WithHttpTransport(h => h.Stateless = false)
            .WithTools(list.Select(t => McpServerTool.Create(new PlainTextFunction(t))));
        var app = builder.Build();
        app.MapMcp("/mcp");
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    /// <summary>The MCP endpoint of an application from <see cref="StartHttpAsync"/>.</summary>
    public static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/mcp");
}
