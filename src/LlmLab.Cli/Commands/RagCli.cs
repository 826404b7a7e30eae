using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;

namespace LlmLab.Cli.Commands;

/// <summary>What the <c>rag</c> commands share: the encoder, opening a database, parsing a retrieval mode.</summary>
static class RagCli
{
    public static readonly string ModeNames = "bm25|dense|hybrid|hybrid+rerank";

    public static RetrievalMode ParseMode(string? text) => text switch
    {
        null or "hybrid" => RetrievalMode.Hybrid,
        "bm25" => RetrievalMode.Bm25,
        "dense" => RetrievalMode.Dense,
        "hybrid+rerank" or "rerank" => RetrievalMode.HybridRerank,
        _ => throw new InputException($"--mode {text}: unknown (use {ModeNames})"),
    };

    public static string Name(RetrievalMode mode) => mode switch
    {
        RetrievalMode.Bm25 => "bm25",
        RetrievalMode.Dense => "dense",
        RetrievalMode.Hybrid => "hybrid",
        _ => "hybrid+rerank",
    };

    /// <summary>Opens an existing database (a missing one is bad input: ask would otherwise create an empty one).</summary>
    public static RagStore OpenExisting(string db, OnnxSentenceEncoder encoder)
    {
        if (!File.Exists(db))
        {
            throw new InputException($"--db {db}: no such database (build one with llmlab rag index SOURCE… --db {db})");
        }
        return RagStore.Open(db, encoder.ModelId, encoder.Dimensions);
    }
}
