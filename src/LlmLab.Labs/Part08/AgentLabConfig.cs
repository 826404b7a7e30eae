using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part08;

/// <summary>Settings of lab 8.2 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="MaxIterations">Model turns that may ask for tools, per run.</param>
/// <param name="MaxCalls">Tool calls per run at most.</param>
/// <param name="WallTimeSeconds">Wall time per run (a stop reason, never an exception); generous: the checks never
/// depend on the machine's speed.</param>
/// <param name="RunawayCalls">The call limit the runaway-model section sets.</param>
/// <param name="Retrieval">Index the handbook with MiniLM and offer <c>search_documents</c> (the retrieved-chunk
/// injection needs it).</param>
/// <param name="LocalCheckpoint">An <c>llmlab sft</c> checkpoint trained on 7.1's tool-call format to evaluate through
/// the <c>&lt;|tool_call|&gt;</c> adapter ("" : <paramref name="LocalModel"/> decides).</param>
/// <param name="LocalModel">Without a checkpoint: auto (the newest one an earlier 8.2 run trained, else train one here),
/// train (always train here) or none (skip the local model).</param>
/// <param name="LocalTrainExamples">Conversations of the agent_tools task family (lab 7.1's generator) to fine-tune on.</param>
/// <param name="LocalCorpusBytes">The model trained here (<see cref="SmallChatModel"/>): its pretraining text,</param>
/// <param name="LocalContext">positions (8.2's whole tool list is about 100 tokens; a whole exchange about twice that),</param>
/// <param name="LocalLayers">blocks,</param>
/// <param name="LocalWidth">width,</param>
/// <param name="LocalBaseSteps">pretraining steps</param>
/// <param name="LocalSftSteps">and fine-tuning steps.</param>
/// <param name="OpenaiBaseUrl">An OpenAI-compatible endpoint to evaluate too ("" : none; key from OPENAI_API_KEY).</param>
/// <param name="OpenaiModel">The endpoint's model name.</param>
public sealed record AgentLabConfig(
    int MaxIterations,
    int MaxCalls,
    double WallTimeSeconds,
    int RunawayCalls,
    bool Retrieval,
    string LocalCheckpoint,
    string OpenaiBaseUrl,
    string OpenaiModel,
    string LocalModel,
    int LocalTrainExamples,
    long LocalCorpusBytes,
    int LocalContext,
    int LocalLayers,
    int LocalWidth,
    int LocalBaseSteps,
    int LocalSftSteps)
{
    /// <summary>The defaults of a profile: the lab is small at every profile (a scripted policy and a sample world); only
    /// the local model it trains grows.</summary>
    public static AgentLabConfig For(Profile profile) => profile switch
    {
        // Smoke: a barely trained 1 × 48 model, so the local path runs end to end in seconds.
        Profile.Smoke => Base with { LocalTrainExamples = 200, LocalCorpusBytes = 60_000, LocalLayers = 1, LocalWidth = 48,
            LocalBaseSteps = 30,
            LocalSftSteps = 40 },
        Profile.Full => Base with { LocalTrainExamples = 5000, LocalBaseSteps = 1000, LocalSftSteps = 1500 },
        _ => Base,
    };

    /// <summary>The local model's shape (BPE 512, batch 8, 2 heads under width 64 else 4, 5 % of the text held out).</summary>
    public SmallChatModelShape LocalShape() => new(LocalCorpusBytes, LocalCorpusBytes / 20, 512, LocalContext, LocalLayers, LocalWidth,
        LocalWidth < 64 ? 2 : 4, LocalBaseSteps, LocalSftSteps, 8);

    static readonly AgentLabConfig Base = new(
        // 8 turns and 16 calls: the longest task needs 3 turns and 2 calls, leaving room for a model's retries.
        MaxIterations: 8,
        MaxCalls: 16,
        WallTimeSeconds: 120,
        RunawayCalls: 5,
        Retrieval: true,
        LocalCheckpoint: "",
        OpenaiBaseUrl: "",
        OpenaiModel: "",
        LocalModel: "auto",
        // Quick: lab 7.1's quick shape (2 × 96, BPE 512) with room for 8.2's tool list (about 100 tokens) and a whole
        // exchange (call, result, answer): 320 positions hold about 3/4 of the family's conversations, 192 held 12%.
        LocalTrainExamples: 2000, LocalCorpusBytes: 1_000_000, LocalContext: 320, LocalLayers: 2, LocalWidth: 96, LocalBaseSteps: 200,
        LocalSftSteps: 600);
}
