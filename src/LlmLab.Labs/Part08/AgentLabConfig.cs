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
/// the <c>&lt;|tool_call|&gt;</c> adapter ("" : the section is skipped and says how to make one).</param>
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
    string OpenaiModel)
{
    /// <summary>The defaults of a profile: the lab is small at every profile (a scripted policy and a sample world).</summary>
    public static AgentLabConfig For(Profile profile) => Base;

    static readonly AgentLabConfig Base = new(
        // 8 turns and 16 calls: the longest task needs 3 turns and 2 calls, leaving room for a model's retries.
        MaxIterations: 8,
        MaxCalls: 16,
        WallTimeSeconds: 120,
        RunawayCalls: 5,
        Retrieval: true,
        LocalCheckpoint: "",
        OpenaiBaseUrl: "",
        OpenaiModel: "");
}
