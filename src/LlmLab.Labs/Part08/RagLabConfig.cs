using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part08;

/// <summary>Settings of lab 8.1 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="Questions">Debian FAQ questions evaluated (evenly spaced over the FAQ; 0: all).</param>
/// <param name="AnswerQuestions">Of those, questions answered by the extractive answerer (it embeds every sentence of 5 chunks).</param>
/// <param name="MaxTokens">Chunk size in WordPiece tokens.</param>
/// <param name="OverlapTokens">Overlap when a split falls inside a paragraph.</param>
/// <param name="K">Chunks given to the answerer.</param>
/// <param name="Vectors">Synthetic 384-dimension vectors for HNSW vs USearch vs exact.</param>
/// <param name="VectorQueries">Queries for recall and queries/s.</param>
/// <param name="M">HNSW links per node (both implementations).</param>
/// <param name="EfConstruction">HNSW candidate list while building (both implementations).</param>
/// <param name="EfSearch">ef_search values measured.</param>
/// <param name="MinHybridRecallAt10">Share of questions whose gold FAQ section hybrid retrieval finds in its top 10 sources.</param>
/// <param name="MinHnswRecall">Recall@10 of our HNSW against exact search at the largest ef_search.</param>
/// <param name="SdkDocs">Documents of the .NET SDK's XML reference (the default corpus) added to the FAQ index as distractors
/// (0: none).</param>
/// <param name="MinDistractedRecallAt10">Hybrid recall@10 on the FAQ questions with those distractors in the index.</param>
/// <param name="FrenchQuestions">Questions of the French FAQ (debian-faq-fr) evaluated (evenly spaced; 0: all; -1: skip).</param>
/// <param name="MinFrenchRecallAt10">Hybrid recall@10 on the French FAQ (MiniLM is an English model: BM25 carries it).</param>
/// <param name="MinFaithfulness">Faithfulness of the extractive answerer (its sentences are copied from the chunks it cites).</param>
/// <param name="OpenaiBaseUrl">An OpenAI-compatible endpoint whose model also answers the sample ("": none; key from
/// OPENAI_API_KEY). Reported, not checked.</param>
/// <param name="OpenaiModel">The endpoint's model name.</param>
/// <param name="Judge">A chat model that also judges faithfulness, sentence by sentence ("": none): an endpoint's model name
/// (at <paramref name="JudgeBaseUrl"/>, else OPENAI_BASE_URL or OpenAI's own with OPENAI_API_KEY) or a checkpoint folder.
/// Reported beside the lexical checker, with the same negative control; not checked.</param>
/// <param name="JudgeBaseUrl">The judge's OpenAI-compatible endpoint ("": see <paramref name="Judge"/>).</param>
public sealed record RagLabConfig(
    int Questions,
    int AnswerQuestions,
    int MaxTokens,
    int OverlapTokens,
    int K,
    int Vectors,
    int VectorQueries,
    int M,
    int EfConstruction,
    IReadOnlyList<int> EfSearch,
    double MinHybridRecallAt10,
    double MinHnswRecall,
    int SdkDocs,
    double MinDistractedRecallAt10,
    int FrenchQuestions,
    double MinFrenchRecallAt10,
    double MinFaithfulness,
    string OpenaiBaseUrl,
    string OpenaiModel,
    string Judge,
    string JudgeBaseUrl)
{
    /// <summary>The defaults of a profile.</summary>
    public static RagLabConfig For(Profile profile) => profile switch
    {
        // Smoke: ~1 minute (indexing the FAQ's ~250 chunks with MiniLM dominates).
        // The French FAQ (another ~320 chunks to embed) is skipped, with a skipped check saying so; quick runs it.
        Profile.Smoke => Base with { Questions = 20, AnswerQuestions = 5, Vectors = 3_000, VectorQueries = 100, EfConstruction = 100,
            SdkDocs = 50, FrenchQuestions = -1 },
        // Quick: every question; 10k vectors (our single-threaded build takes ~1 min of it on a busy 2-core machine).
        Profile.Quick => Base,
        // Full: the scale for the vector benchmark (100k × 384) and every answer.
        _ => Base with { AnswerQuestions = 0, Vectors = 100_000, VectorQueries = 1_000, EfConstruction = 200, SdkDocs = 20_000 },
    };

    static readonly RagLabConfig Base = new(
        Questions: 0,
        AnswerQuestions: 20,
        // 200 tokens: MiniLM's window is 256; a FAQ answer is one to three chunks.
        MaxTokens: 200,
        OverlapTokens: 32,
        K: 5,
        Vectors: 10_000,
        VectorQueries: 200,
        // M: hnswlib's and USearch's default. ef_construction 100 at quick (200, hnswlib's example value, at full).
        M: 16,
        EfConstruction: 100,
        EfSearch: [16, 32, 64, 128],
        // Measured 0.90 on a third of the questions (docs/part-08.md); 0.6 leaves room for the French FAQ or a new edition.
        MinHybridRecallAt10: 0.6,
        // The goal.
        MinHnswRecall: 0.95,
        // Distractors from the default corpus (.NET API docs): a scale test; embedding all 77k docs takes hours on 2 cores.
        SdkDocs: 1_000,
        MinDistractedRecallAt10: 0.6,
        FrenchQuestions: 0,
        MinFrenchRecallAt10: 0.4,
        // Copied sentences have token recall 1 in the chunk they cite; 0.99 leaves room for a splitter edge case.
        MinFaithfulness: 0.99,
        OpenaiBaseUrl: "",
        OpenaiModel: "",
        // No judge unless asked for: none can be assumed reachable, and a small local checkpoint is no judge.
        Judge: "",
        JudgeBaseUrl: "");
}
