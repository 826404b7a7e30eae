using LlmLab.Agents.Agent;
using LlmLab.Agents.Memory;
using LlmLab.Inference;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Runtime;
using LlmLab.Training;
using Microsoft.Extensions.AI;
using LlmLab.Retrieval.Answering;

namespace LlmLab.Cli.Commands;

/// <summary>What the <c>chat</c> commands share: the user name, opening a memory database, making the chat model.</summary>
static class ChatCli
{
    /// <summary>The database used when --db is not given (in the current directory).</summary>
    public const string DefaultDb = "llmlab-memory.db";

    /// <summary>--user, required and sensible (it names the memory's owner in every row).</summary>
    public static string User(CliArgs args, CliCommand command)
    {
        string user = args.Get("user") ?? throw new UsageException("--user NAME is required", command);
        if (string.IsNullOrWhiteSpace(user) || user.Length > 100 || user.Any(char.IsControl))
            throw new InputException($"--user '{user}': give a name of 1 to 100 printable characters");
        return user.Trim();
    }

    /// <summary>Opens an existing memory database (a missing one is bad input: list, export and delete would otherwise
    /// create an empty file). No encoder is loaded: these commands only read and delete.</summary>
    public static MemoryStore OpenExisting(string db)
    {
        if (Directory.Exists(db)) throw new InputException($"--db {db}: is a folder; give the memory database file");
        if (!File.Exists(db)) throw new InputException($"--db {db}: no such memory database (llmlab chat --user NAME --db {db} makes one)");
        return MemoryStore.Open(db, modelId: null, 0);
    }

    /// <summary>Checks, before any work, that the chat's database can be opened or created: a folder or an unwritable
    /// place is bad input.</summary>
    public static void CheckTarget(string db)
    {
        if (Directory.Exists(db)) throw new InputException($"--db {db}: is a folder; give a file for the memory database");
        if (!File.Exists(db)) OutputPaths.File(db, "--db");
    }

    /// <summary>The chat model: null (the reference answerer over memories), a local checkpoint (--model DIR), or an
    /// OpenAI-compatible endpoint (--openai-base-url URL --model NAME, key from OPENAI_API_KEY). The second value counts
    /// tokens for the context budget (the local tokenizer, else MiniLM's WordPiece); the third is what to dispose.</summary>
    public static (IChatClient? Model, Func<string, int> Count, IDisposable? Owned, int? Context) Model(CliArgs args,
        OnnxSentenceEncoder encoder)
    {
        string? model = args.Get("model"), baseUrl = args.Get("openai-base-url");
        Func<string, int> wordPieces = s => encoder.Tokenize(s).Count;
        if (baseUrl is not null)
        {
            if (model is null) throw new InputException("--openai-base-url needs --model NAME (the endpoint's model id)");
            var chat = OpenAiCompatible.Create(baseUrl, model);
            return (chat, wordPieces, chat, null);
        }
        if (model is null) return (null, wordPieces, null, null);
        if (!Directory.Exists(model))
            throw new InputException($"--model {model}: no such checkpoint folder (give a checkpoint of llmlab train or sft, " +
                "or a model name with --openai-base-url)");
        TorchRuntime.EnsureLoaded();
        var local = LlmLab.Alignment.LocalChatModel.Open(model, new SamplingParams(Temperature: 0.7, MaxTokens: 128, Seed: 0),
            PromptOverflow.TruncateLeft);
        return (local.Client, s => local.Tokenizer.Encode(s).Length, local, local.Model.Config.Context);
    }
}
