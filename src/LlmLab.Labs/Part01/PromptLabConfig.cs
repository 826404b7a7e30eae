using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part01;

/// <summary>Settings of lab 1.2 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="TestsPerFamily">Held-out conversations per lab 7.1 task family (one test each).</param>
/// <param name="Difficulty">1–3, the families' value ranges.</param>
/// <param name="MaxNewTokens">The longest reply of the local model.</param>
/// <param name="Model">"auto": the newest fine-tuned checkpoint a lab 7.1 run left under the runs directory, else one
/// trained here; "train": always train one; or a checkpoint directory (of <c>llmlab sft</c>).</param>
/// <param name="SlowDelayMs">The scripted slow model's delay.</param>
/// <param name="LatencyBoundMs">The latency assertion's bound: half the delay, so the slow model fails it and a model
/// that answers from memory passes whatever the machine's load.</param>
/// <param name="CorpusBytes">Pretraining text of the fallback model's base.</param>
/// <param name="ValidationBytes">Held-out pretraining text (the base's validation loss).</param>
/// <param name="BpeVocab">The base's byte-level BPE vocabulary (six chat tokens are added to it).</param>
/// <param name="Context">n_positions: every SFT conversation kept must fit.</param>
/// <param name="Layers">The fallback model's n_layer.</param>
/// <param name="Width">Its n_embd.</param>
/// <param name="Heads">Its n_head.</param>
/// <param name="BaseSteps">Its pretraining steps.</param>
/// <param name="TrainPerFamily">Its SFT conversations per family.</param>
/// <param name="SftSteps">Its fine-tuning steps (lab 7.1's <c>SftRunner</c>).</param>
/// <param name="Batch">Rows per step, pretraining and fine-tuning.</param>
public sealed record PromptLabConfig(int TestsPerFamily, int Difficulty, int MaxNewTokens, string Model, int SlowDelayMs,
    int LatencyBoundMs,
    long CorpusBytes, long ValidationBytes, int BpeVocab, int Context, int Layers, int Width, int Heads, int BaseSteps, int TrainPerFamily,
    int SftSteps, int Batch)
{
    /// <summary>The defaults of a profile.</summary>
    public static PromptLabConfig For(Profile profile) => profile switch
    {
        // Smoke: two questions per family and a barely trained fallback model: the whole path in seconds.
        Profile.Smoke => Quick with
        {
            TestsPerFamily = 2, MaxNewTokens = 24, CorpusBytes = 60_000, ValidationBytes = 10_000, Layers = 1, Width = 48, Heads = 2,
            BaseSteps = 30, TrainPerFamily = 40, SftSteps = 20,
        },
        // Full: lab 7.1's quick-profile model shape trained longer, and more questions.
        Profile.Full => Quick with { TestsPerFamily = 50, Difficulty = 2, BaseSteps = 1000, TrainPerFamily = 1000, SftSteps = 800, MaxNewTokens = 48 },
        _ => Quick,
    };

    static readonly PromptLabConfig Quick = new(
        // 10 held-out questions per family (60 tests, × 4 variants: 240 calls of the local model).
        TestsPerFamily: 10, Difficulty: 1, MaxNewTokens: 40, Model: "auto",
        // 400 ms of delay against a 200 ms bound: the verdicts cannot flip with machine speed.
        SlowDelayMs: 400, LatencyBoundMs: 200,
        // The fallback model: lab 7.1's quick shape (2 × 96, BPE 512, context 128), trained as its full fine-tuning is.
        CorpusBytes: 1_000_000, ValidationBytes: 50_000, BpeVocab: 512, Context: 128, Layers: 2, Width: 96, Heads: 4, BaseSteps: 200,
        TrainPerFamily: 300, SftSteps: 200, Batch: 8);
}
