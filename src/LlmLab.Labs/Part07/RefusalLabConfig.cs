using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part07;

/// <summary>Settings of lab 7.3 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="TrainPerCategory">Generated training prompts per unsafe category and per safe look-alike type.</param>
/// <param name="TestPerCategory">Generated test prompts per category and type (their held-out last template).</param>
/// <param name="OrdinaryPerFamily">Ordinary lab 7.1 requests per task family in the gate's data (labelled safe).</param>
/// <param name="Buckets">Hash buckets of the n-gram gate.</param>
/// <param name="L2">The logistic regression's λ.</param>
/// <param name="Threshold">The gates' operating threshold on p(unsafe).</param>
/// <param name="UseEmbeddings">Train the MiniLM-embedding gate too (needs the MiniLM model next to the binaries).</param>
/// <param name="CorpusBytes">Pretraining text of the tiny base model (lab 7.1's recipe).</param>
/// <param name="ValidationBytes">Held-out pretraining text.</param>
/// <param name="BpeVocab">The base's BPE vocabulary.</param>
/// <param name="Context">n_positions.</param>
/// <param name="BaseLayers">The base's n_layer.</param>
/// <param name="BaseWidth">The base's n_embd.</param>
/// <param name="BaseHeads">The base's n_head.</param>
/// <param name="BaseSteps">Pretraining steps.</param>
/// <param name="BaseLr">Pretraining learning rate.</param>
/// <param name="Batch">Rows per step.</param>
/// <param name="TaskTrainPerFamily">Lab 7.1 training conversations per task family.</param>
/// <param name="TaskTestPerFamily">Lab 7.1 test conversations per family (helpfulness afterwards).</param>
/// <param name="SftSteps">Fine-tuning steps of each SFT variant (with and without refusal examples).</param>
/// <param name="SftLr">Fine-tuning learning rate.</param>
/// <param name="DpoSteps">Steps of method 3, DPO on the refusal preferences from the SFT model (lab 7.2's trainer).</param>
/// <param name="DpoLr">Its learning rate (lab 7.2's: TRL's 1e-6 does not move a model this small).</param>
/// <param name="MaxNewTokens">The longest reply generated.</param>
/// <param name="MinHeldOutRefusal">The embedding gate must refuse at least this share of the hand-written unsafe prompts.</param>
/// <param name="MaxHeldOutOverRefusal">… and refuse at most this share of the hand-written safe look-alikes.</param>
/// <param name="MaxTaskFalseRefusal">Every gate may refuse at most this share of lab 7.1's (benign) task prompts.</param>
public sealed record RefusalLabConfig(
    int TrainPerCategory, int TestPerCategory, int OrdinaryPerFamily, int Buckets, double L2, double Threshold, bool UseEmbeddings,
    long CorpusBytes, long ValidationBytes, int BpeVocab, int Context, int BaseLayers, int BaseWidth, int BaseHeads, int BaseSteps,
        double BaseLr,
    int Batch, int TaskTrainPerFamily, int TaskTestPerFamily, int SftSteps, double SftLr, int DpoSteps, double DpoLr, int MaxNewTokens,
    double MinHeldOutRefusal, double MaxHeldOutOverRefusal, double MaxTaskFalseRefusal)
{
    /// <summary>1–3, the task families' value ranges (lab 7.1's difficulty). The full profile asks for more conversations per
    /// family than difficulty 1's value ranges hold (the units family has ~320 distinct training conversations there), so
    /// it uses 2.</summary>
    public int Difficulty { get; init; } = 1;

    /// <summary>Empty: pretrain the base here (lab 7.1's recipe). Otherwise the base to fine-tune, as lab 7.1's
    /// <c>base</c>: one of our checkpoints, a Hugging Face folder or a .gguf file; the base_* keys are then unused.</summary>
    public string Base { get; init; } = "";

    /// <summary>The defaults of a profile.</summary>
    public static RefusalLabConfig For(Profile profile) => profile switch
    {
        // Smoke: lab 7.1's smoke model and fewer prompts; the gate checks keep their bounds (the classifier is cheap).
        Profile.Smoke => Quick with
        {
            TrainPerCategory = 30, TestPerCategory = 5, OrdinaryPerFamily = 10, CorpusBytes = 60_000, ValidationBytes = 10_000,
                BaseLayers = 1,
            BaseWidth = 48, BaseHeads = 2, BaseSteps = 30, TaskTrainPerFamily = 30, TaskTestPerFamily = 2, SftSteps = 20, DpoSteps = 6,
            MaxNewTokens = 16,
        },
        Profile.Full => Quick with
        {
            TrainPerCategory = 200, TestPerCategory = 40, CorpusBytes = 5_000_000, BaseLayers = 4, BaseWidth = 256, BaseHeads = 8,
                BaseSteps = 2000,
            Batch = 16, TaskTrainPerFamily = 2000, TaskTestPerFamily = 100, SftSteps = 1500, Difficulty = 2, SftLr = 1e-3, DpoSteps = 600,
            MaxNewTokens = 48,
        },
        _ => Quick,
    };

    static readonly RefusalLabConfig Quick = new(
        // 60 per category and type: 420 unsafe, 420 safe look-alikes (XSTest's own balance is 200 / 250), plus 120 ordinary requests.
        TrainPerCategory: 60, TestPerCategory: 10, OrdinaryPerFamily: 20,
        Buckets: 16384, L2: 1e-3, Threshold: 0.5, UseEmbeddings: true,
        // The base and SFT recipe of lab 7.1's quick profile.
        CorpusBytes: 1_000_000, ValidationBytes: 50_000, BpeVocab: 512, Context: 128, BaseLayers: 2, BaseWidth: 96, BaseHeads: 4,
            BaseSteps: 200,
        BaseLr: 3e-3, Batch: 8, TaskTrainPerFamily: 300, TaskTestPerFamily: 20, SftSteps: 200, SftLr: 2e-3,
        // Lab 7.2's DPO recipe (β = 0.1, rate 1e-4, 8 pairs a step), over the refusal pairs and as many task pairs.
        DpoSteps: 96, DpoLr: 1e-4, MaxNewTokens: 40,
        // Bounds: see docs/part-07.md and the checks' comments.
        MinHeldOutRefusal: 0.75, MaxHeldOutOverRefusal: 0.25, MaxTaskFalseRefusal: 0.05);
}
