using Microsoft.Extensions.Hosting;
using LlmLab.Agents.Mcp;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab mcp serve</c>: lab 8.2's tools as a Model Context Protocol server, over stdio (the default: an MCP
/// client launches this command) or Streamable HTTP (--http URL, endpoint /mcp).</summary>
public sealed class McpServeCommand : CliCommand
{
    public override string Name => "mcp serve";
    public override string Summary => "serve the agent's tools over MCP (stdio, or Streamable HTTP with --http)";
    public override string Usage => $"{AgentCli.ToolUsage} [--http http://127.0.0.1:5100]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "db", "files", "rag", "http" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        string? http = args.Get("http");
        if (http is not null && (!Uri.TryCreate(http, UriKind.Absolute, out var u) || u.Scheme != "http"))
            throw new InputException($"--http '{http}' is not an http URL (e.g. http://127.0.0.1:5100)");
        var tools = AgentCli.Tools(args, out var encoder);
        using (encoder)
        {
            if (http is null)
            {
                // stdout carries JSON-RPC only: nothing else is printed.
                using var cts = new CancellationTokenSource();
                Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
                try { McpToolServer.RunStdioAsync(tools, cts.Token).GetAwaiter().GetResult(); }
                catch (OperationCanceledException) { }
                return 0;
            }
            var app = McpToolServer.StartHttpAsync(tools, http).GetAwaiter().GetResult();
            @out.WriteLine($"serving {tools.Count} tools ({string.Join(", ", tools.Select(t => t.Name))}) over MCP at " +
                $"{McpToolServer.Address(app)}; Ctrl+C to stop");
            app.WaitForShutdownAsync().GetAwaiter().GetResult();
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return 0;
        }
    }
}
