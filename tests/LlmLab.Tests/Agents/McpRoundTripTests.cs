using System.IO.Pipelines;
using LlmLab.Agents.Agent;
using LlmLab.Agents.Mcp;
using LlmLab.Agents.Tools;
using LlmLab.Cli;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Agents;

/// <summary>The tools served over MCP and consumed back through the official SDK's client: over in-process streams,
/// over Streamable HTTP, and over stdio from a real <c>llmlab mcp serve</c> process; the agent then runs the task set
/// on the MCP tools exactly as on the local ones.</summary>
public sealed class McpRoundTripTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-mcp-").FullName;
    readonly SampleWorkspace _ws;

    public McpRoundTripTests() => _ws = SampleWorkspace.Create(Path.Combine(_root, "ws"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    async Task AgentOnMcpTools(IReadOnlyList<AIFunction> tools, bool fixedClock)
    {
        var local = _ws.Tools();
        Assert.Equal(local.Select(t => t.Name).Order(), tools.Select(t => t.Name).Order());
        foreach (var t in tools)
            Assert.Equal(local.Single(l => l.Name == t.Name).JsonSchema.GetProperty("properties").ToString(),
                t.JsonSchema.GetProperty("properties").ToString());
        // The clock of a separate server process is the real one: skip the task that reads "now".
        var tasks = AgentTaskSet.Create(_ws.Database, withRetrieval: false).Where(t => fixedClock || t.Id != "countdown").ToList();
        var grades = await AgentEvaluator.EvaluateAsync(new ScriptedPolicy(tasks.Select(t => t.Script)), tools, tasks, new AgentOptions());
        foreach (var g in grades) Assert.True(g.AllRight,
            $"{g.Task.Id} over MCP: {string.Join("; ", g.Run.Calls.Select(c => $"{c.Name} → {c.Status}: {c.Result}"))}");
        // A tool's refusal comes back as an error result, not a protocol failure.
        var sql = tools.Single(t => t.Name == "sql_query");
        var (text, isError) = ToolResultText.From(await sql.InvokeAsync(new AIFunctionArguments { ["query"] = "DROP TABLE orders" }));
        Assert.True(isError);
        Assert.Contains("only a SELECT", text);
        var guarded = await AgentEvaluator.AttackAsync(new ScriptedPolicy(AdversarialCase.Create(false).Select(c => c.Script)), tools,
            AdversarialCase.Create(false), new AgentOptions());
        Assert.All(guarded, o => Assert.True(o.Attempted && !o.ReachedTool, o.Case.Id));
    }

    [Fact]
    public async Task Over_streams()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var server = McpToolServer.RunStreamsAsync(_ws.Tools(new FixedClock(AgentTaskSet.Now)), toServer.Reader.AsStream(),
            toClient.Writer.AsStream(), cts.Token);
        await using (var client = await McpToolClient.ConnectStreamsAsync(toServer.Writer.AsStream(), toClient.Reader.AsStream(),
            cts.Token))
        {
            Assert.Equal(McpToolServer.Name, client.ServerInfo?.Name);
            await AgentOnMcpTools(await McpToolClient.ToolsAsync(client, cts.Token), fixedClock: true);
        }
        await toServer.Writer.CompleteAsync();
        cts.CancelAfter(TimeSpan.FromSeconds(5));
        try { await server; } catch (OperationCanceledException) { }
    }

    [Fact]
    public async Task Over_streamable_http()
    {
        await using var app = await McpToolServer.StartHttpAsync(_ws.Tools(new FixedClock(AgentTaskSet.Now)));
        await using var client = await McpToolClient.ConnectHttpAsync(McpToolServer.Address(app));
        await AgentOnMcpTools(await McpToolClient.ToolsAsync(client), fixedClock: true);
        await app.StopAsync();
    }

    [Fact]
    public async Task Over_stdio_from_a_real_llmlab_mcp_serve_process()
    {
        await using var client = await McpToolClient.ConnectStdioAsync("dotnet",
            ["exec", typeof(CliApp).Assembly.Location, "mcp", "serve", "--db", _ws.DatabasePath, "--files", _ws.DocsRoot]);
        await AgentOnMcpTools(await McpToolClient.ToolsAsync(client), fixedClock: false);
    }
}
