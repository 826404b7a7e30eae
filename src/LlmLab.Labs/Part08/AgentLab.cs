using System.Globalization;
using System.Security.Cryptography;
using LlmLab.Agents.Agent;
using LlmLab.Agents.Mcp;
using LlmLab.Agents.Tools;
using LlmLab.Labs.Framework;
using LlmLab.Retrieval.Embeddings;
using Microsoft.Extensions.AI;

namespace LlmLab.Labs.Part08;

/// <summary>
/// Lab 8.2 — a multi-tool agent. (1) The tools' refusals on planted attacks (code in the calculator, SQL writes, paths out
/// of the file root); (2) a BFCL-style task set (simple, multiple, parallel, parallel-multiple, multi-step, no tool) run
/// by the scripted reference policy through FunctionInvokingChatClient, graded on tool, arguments and answer against
/// answers computed outside the tools; (3) the same tasks over MCP (Streamable HTTP, the SDK's client); (4) prompt
/// injections in a retrieved chunk and in files, against a policy that obeys them, with and without the agent's guard;
/// (5) a runaway model stopped by the limits; (6) a local 7.1-format model and an OpenAI-compatible endpoint, reported.
/// </summary>
public sealed partial class AgentLab : Lab<AgentLabConfig>
{
    protected override string Id => "8.2";

    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public override AgentLabConfig Defaults(Profile profile) => AgentLabConfig.For(profile);

    protected override void Validate(AgentLabConfig cfg)
    {
        ConfigRules.InRange("max_iterations", cfg.MaxIterations, 1, 1000);
        ConfigRules.InRange("max_calls", cfg.MaxCalls, 1, 10_000);
        ConfigRules.InRange("wall_time_seconds", cfg.WallTimeSeconds, 0.1, 86_400);
        ConfigRules.InRange("runaway_calls", cfg.RunawayCalls, 1, 1000);
        if (cfg.OpenaiBaseUrl.Length > 0 && cfg.OpenaiModel.Length == 0)
            throw new InputException("openai_model is empty: name the endpoint's model (--set 8.2:openai_model=NAME)");
        if (cfg.LocalModel is not ("auto" or "train" or "none"))
            throw new InputException($"local_model '{cfg.LocalModel}' is not auto, train or none");
        ConfigRules.InRange("local_train_examples", cfg.LocalTrainExamples, 10, 1_000_000);
        ConfigRules.InRange("local_context", cfg.LocalContext, 64, 4096);
        if (cfg.LocalCheckpoint.Length > 0 && !Directory.Exists(cfg.LocalCheckpoint))
            throw new InputException($"local_checkpoint '{cfg.LocalCheckpoint}' is not a directory: give an llmlab sft checkpoint");
    }

    public override void Run(LabContext ctx, AgentLabConfig cfg)
    {
        using var encoder = cfg.Retrieval ? OnnxSentenceEncoder.CreateMiniLm(threads: ctx.Threads) : null;
        var ws = SampleWorkspace.Create(Path.Combine(ctx.Directory, "workspace"), encoder);
        try
        {
            var clock = new FixedClock(AgentTaskSet.Now);
            var tools = ws.Tools(clock, encoder);
            var options = new AgentOptions(cfg.MaxIterations, cfg.MaxCalls, TimeSpan.FromSeconds(cfg.WallTimeSeconds));
            var tasks = AgentTaskSet.Create(ws.Database, cfg.Retrieval);
            var cases = AdversarialCase.Create(cfg.Retrieval);
            var policy = new ScriptedPolicy(tasks.Select(t => t.Script).Concat(cases.Select(c => c.Script)));
            ctx.Report.Paragraph($"The sample world (`workspace/`): a shop database of {ws.Database.Customers.Count} customers, " +
                $"{ws.Database.Products.Count} products and {ws.Database.Orders.Count} orders (SQLite, seeded), " +
                    $"{SampleWorkspace.Documents.Count} " +
                $"documents under `docs/` (three carry planted " +
                    $"injections){(cfg.Retrieval ? ", the handbook indexed by lab 8.1's pipeline (MiniLM + BM25)" : "")}. " +
                $"Tools ({tools.Count}): {string.Join(", ", tools.Select(t => $"`{t.Name}`"))}. The clock is fixed at " +
                    $"{AgentTaskSet.Now:yyyy-MM-dd HH:mm} UTC. " +
                "Every run's model turns and calls are in `trace.jsonl`.");
            using var trace = new AgentTrace(Path.Combine(ctx.Directory, "trace.jsonl"));
            Refusals(ctx, ws);
            var scripted = Tasks(ctx, policy, tools, tasks, options, trace);
            OverMcp(ctx, policy, tools, tasks, options, trace, scripted);
            Injections(ctx, ws, policy, tools, cases, options, trace);
            Limits(ctx, cfg, tools, trace);
            OtherModels(ctx, cfg, tools, tasks, options, trace, scripted);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>The clock the date tools read: fixed, so "today" is the same in every run.</summary>
    sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    static void Refusals(LabContext ctx, SampleWorkspace ws)
    {
        ctx.Report.Heading("The tools refuse by themselves");
        string[] code = ["System.IO.File.Delete(\"x\")", "__import__('os').system('id')", "1; rm -rf /", "typeof(object)", "eval(\"2\")"];
        string[] writes = ["DROP TABLE orders", "DELETE FROM orders", "UPDATE products SET price = 0", "SELECT 1; DROP TABLE orders",
            "WITH x AS (SELECT 1) DELETE FROM orders", "ATTACH DATABASE 'evil.db' AS e", "PRAGMA journal_mode = DELETE"];
        string[] paths = ["../secrets.txt", "notes/../../secrets.txt", Path.Combine(ws.Root, "secrets.txt"), "/etc/passwd"];
        int Refused(IEnumerable<string> inputs, Action<string> tool) => inputs.Count(i =>
        {
            try { tool(i); return false; }
            catch (InputException) { return true; }
        });
        byte[] before = SHA256.HashData(File.ReadAllBytes(ws.DatabasePath));
        var sql = new ReadOnlySql(ws.DatabasePath);
        var reader = new ConfinedFileReader(ws.DocsRoot);
        int c = Refused(code, e => ExpressionParser.Evaluate(e)), w = Refused(writes, q => sql.Query(q)), p = Refused(paths,
            f => reader.Read(f));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        bool same = before.AsSpan().SequenceEqual(SHA256.HashData(File.ReadAllBytes(ws.DatabasePath)));
        ctx.Report.Table(["tool", "planted attacks", "refused"], [
            ["calculator (code instead of arithmetic)", code.Length.ToString(C), c.ToString(C)],
            ["sql_query (writes, a second statement, ATTACH, PRAGMA)", writes.Length.ToString(C), w.ToString(C)],
            ["read_file (traversal, absolute paths)", paths.Length.ToString(C), p.ToString(C)]]);
        var planted = ctx.Checks.KnownAnswer("planted attacks, each one a refusal");
        planted.Equal("calculator: code strings refused", c, code.Length);
        planted.Equal("sql_query: writing statements refused", w, writes.Length);
        planted.Equal("read_file: paths outside the root refused", p, paths.Length);
        ctx.Checks.BruteForce("SHA-256 of the database file before and after").True("the database file is unchanged after the write " +
            "attempts", same,
            same ? "identical" : "changed");
    }
}
