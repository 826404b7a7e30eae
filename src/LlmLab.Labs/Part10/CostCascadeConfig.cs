using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part10;

/// <summary>Settings of lab 10.3 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="ProbeGroups">Groups of the cache probe set (a base question and five variants each).</param>
/// <param name="ProbeFile">A probe set in JSONL to measure instead of the generated one ("" = generate).</param>
/// <param name="ValidationPerFamily">Held-out questions per lab 7.1 task family that calibrate the cascade's threshold.</param>
/// <param name="TestPerFamily">Held-out questions per family the cascade is measured on.</param>
/// <param name="RepeatShare">Share of the cascade + cache workload that repeats an earlier question (real traffic repeats itself).</param>
/// <param name="MaxNewTokens">The longest reply of either model.</param>
/// <param name="Large">"auto": the newest fine-tuned model a lab 7.1 run left under the runs directory, else one trained here;
/// "train": always train it; or a chat checkpoint directory.</param>
/// <param name="Small">"train" or a chat checkpoint directory.</param>
/// <param name="TrainPerFamily">SFT conversations per family for the models trained here.</param>
/// <param name="CorpusBytes">Pretraining text of the models trained here.</param>
/// <param name="BpeVocab">Their byte-level BPE vocabulary.</param>
/// <param name="Context">Their context (every SFT conversation kept must fit).</param>
/// <param name="SmallLayers">The small model's n_layer.</param>
/// <param name="SmallWidth">Its n_embd.</param>
/// <param name="LargeLayers">The large model's n_layer (when trained here).</param>
/// <param name="LargeWidth">Its n_embd.</param>
/// <param name="Heads">n_head of both.</param>
/// <param name="BaseSteps">Pretraining steps of each model trained here.</param>
/// <param name="SftSteps">Fine-tuning steps of each.</param>
/// <param name="Batch">Rows per step.</param>
public sealed record CostCascadeConfig(int ProbeGroups, string ProbeFile, int ValidationPerFamily, int TestPerFamily, double RepeatShare,
    int MaxNewTokens, string Large, string Small, int TrainPerFamily, long CorpusBytes, int BpeVocab, int Context, int SmallLayers,
    int SmallWidth, int LargeLayers, int LargeWidth, int Heads, int BaseSteps, int SftSteps, int Batch)
{
    /// <summary>1–3, the task families' value ranges (lab 7.1's difficulty). The full profile asks for more conversations per
    /// family than difficulty 1's value ranges hold (the units family has ~320 distinct training conversations there), so
    /// it uses 2.</summary>
    public int Difficulty { get; init; } = 1;

    public static CostCascadeConfig For(Profile profile) => profile switch
    {
        // Smoke: the whole path in seconds; the models are barely trained, so their accuracies mean nothing (reported, not asserted).
        Profile.Smoke => Quick with
        {
            ProbeGroups = 12, ValidationPerFamily = 3, TestPerFamily = 3, MaxNewTokens = 12, TrainPerFamily = 30, CorpusBytes = 60_000,
            SmallLayers = 1, SmallWidth = 32, LargeLayers = 1, LargeWidth = 64, BaseSteps = 20, SftSteps = 15,
        },
        Profile.Full => Quick with { ProbeGroups = 120, ValidationPerFamily = 50, TestPerFamily = 50, TrainPerFamily = 1000, BaseSteps = 1000, Difficulty = 2,
            SftSteps = 800 },
        _ => Quick,
    };

    // Quick: lab 7.1's quick shape (2 × 96) as the large model when none is left by a 7.1 run, a quarter-size 1 × 48 as the small one.
    static readonly CostCascadeConfig Quick = new(ProbeGroups: 48, ProbeFile: "", ValidationPerFamily: 12, TestPerFamily: 15, RepeatShare: 0.3,
        MaxNewTokens: 24, Large: "auto", Small: "train", TrainPerFamily: 300, CorpusBytes: 1_000_000, BpeVocab: 512, Context: 128, SmallLayers: 1,
        SmallWidth: 48, LargeLayers: 2, LargeWidth: 96, Heads: 4, BaseSteps: 200, SftSteps: 200, Batch: 8);
}
