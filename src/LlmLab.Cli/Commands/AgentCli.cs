using LlmLab.Agents.Agent;
using LlmLab.Agents.Mcp;
using LlmLab.Agents.Tools;
using LlmLab.Inference;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Runtime;
using LlmLab.Training;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using LlmLab.Retrieval.Answering;

namespace LlmLab.Cli.Commands;

/// <summary>What <c>agent run</c> and <c>mcp serve</c> share: the tools from --db/--files/--rag, and the model.</summary>
static class AgentCli
{
    public const string ToolUsage = "[--db shop.db] [--files DIR] [--rag rag.db]";

    /// <summary>The tools the options enable, validated before any work (a database that is not one, a missing folder
    /// or index is bad input now, not an error result later). The encoder (when --rag) is the caller's to dispose.</summary>
    public static IReadOnlyList<AIFunction> Tools(CliArgs args, out OnnxSentenceEncoder? encoder)
    {
        string? db = args.Get("db"), files = args.Get("files"), rag = args.Get("rag");
        if (db is not null) CheckDatabase(db);
        if (files is not null
            && !Directory.Exists(files)) throw new InputException($"--files {files}: no such directory (the folder read_file may read)");
        if (rag is not null && !File.Exists(rag)) throw new InputException($"--rag {rag}: no such index (build one with llmlab rag " +
            $"index SOURCE… --db {rag})");
        encoder = rag is null ? null : OnnxSentenceEncoder.CreateMiniLm();
        var retriever = rag is null ? null : SampleWorkspace.Retriever(rag, encoder!);
        return AgentToolbox.Create(new AgentToolboxOptions(db, files, retriever));
    }

    static void CheckDatabase(string path)
    {
        if (!File.Exists(path)) throw new InputException($"--db {path}: no such database (make the sample one with llmlab agent sample " +
            $"DIR)");
        try
        {
            using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly,
                Pooling = false }
                .ToString());
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master";
            cmd.ExecuteScalar();
        }
        catch (SqliteException e)
        {
            throw new InputException($"--db {path}: not a readable SQLite database " +
                $"({e.Message.Replace("SQLite Error ", "", StringComparison.Ordinal)})");
        }
    }

    /// <summary>The model: the scripted reference policy, a local checkpoint fine-tuned with 7.1's tool-call format,
    /// or an OpenAI-compatible endpoint (exactly one).</summary>
    public static IChatClient Model(CliArgs args, CliCommand command, out Action release)
    {
        release = () => { };
        bool scripted = args.Flag("scripted");
        string? checkpoint = args.Get("checkpoint"), url = args.Get("openai-base-url");
        if ((scripted ? 1 : 0) + (checkpoint is null ? 0 : 1) + (url is null ? 0 : 1) != 1)
            throw new UsageException("give exactly one model: --scripted, --checkpoint DIR or --openai-base-url URL", command);
        if (scripted)
        {
            var db = SampleDatabase.Generate();
            return new ScriptedPolicy(AgentTaskSet.Create(db, withRetrieval: true).Select(t => t.Script)
                .Concat(AdversarialCase.Create(withRetrieval: true).Select(c => c.Script)));
        }
        if (url is not null)
        {
            string model = args.Get("openai-model") ?? throw new UsageException("--openai-model is required with --openai-base-url",
                command);
            return OpenAiCompatible.Create(url, model);
        }
        TorchRuntime.EnsureLoaded(args.GetInt("threads", TorchRuntime.DefaultThreads, min: 1, max: 256));
        var local = LlmLab.Alignment.LocalChatModel.Open(checkpoint!, new SamplingParams(Temperature: 0, MaxTokens: 96), PromptOverflow.Error);
        if (!local.Template.UsesSpecialTokens)
        {
            local.Dispose();
            throw new InputException($"--checkpoint {checkpoint}: a base model without the chat template cannot call tools; fine-tune " +
                $"it with " +
                "llmlab sft on tool-call data (llmlab data synth --families tool_call)");
        }
        release = local.Dispose;
        return new ToolCallChatClient(local.Client);
    }

    /// <summary>Tools from an MCP server over Streamable HTTP (its client is the caller's to dispose).</summary>
    public static (IReadOnlyList<AIFunction> Tools, IAsyncDisposable Client) McpTools(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InputException($"--mcp-url '{url}' is not an http(s) URL (e.g. http://127.0.0.1:5100/mcp)");
        var client = McpToolClient.ConnectHttpAsync(uri).GetAwaiter().GetResult();
        return (McpToolClient.ToolsAsync(client).GetAwaiter().GetResult(), client);
    }
}
