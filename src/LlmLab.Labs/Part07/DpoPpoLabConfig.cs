using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part07;

/// <summary>Settings of lab 7.2 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="CorpusBytes">Pretraining text for the base model (lab 7.1's recipe).</param>
/// <param name="ValidationBytes">Held-out pretraining text.</param>
/// <param name="BpeVocab">The base's byte-level BPE vocabulary (the six chat tokens are added).</param>
/// <param name="Context">n_positions.</param>
/// <param name="BaseLayers">The base's n_layer.</param>
/// <param name="BaseWidth">The base's n_embd.</param>
/// <param name="BaseHeads">The base's n_head.</param>
/// <param name="BaseSteps">Pretraining steps.</param>
/// <param name="BaseLr">Pretraining learning rate.</param>
/// <param name="Batch">Rows per step for pretraining and SFT.</param>
/// <param name="TrainPerFamily">SFT conversations per family (training templates).</param>
/// <param name="TestPerFamily">Test conversations per family (held-out templates): the checker-judged evaluation.</param>
/// <param name="TestTemplates">Templates per family kept for the test set.</param>
/// <param name="SftSteps">SFT steps: the one start every method shares.</param>
/// <param name="SftLr">SFT learning rate.</param>
/// <param name="PromptBudget">Training prompts each method sees (DPO: one pair each; PPO: rollouts × rollout batch).</param>
/// <param name="OnPolicySamples">Replies sampled from the SFT model per prompt to find an on-policy mistake.</param>
/// <param name="HeldOutPairs">Pairs of training templates kept out of RM training (its held-out accuracy).</param>
/// <param name="RmSteps">Reward-model steps.</param>
/// <param name="RmLr">Reward-model learning rate.</param>
/// <param name="DpoSteps">DPO steps.</param>
/// <param name="DpoBatch">Pairs per DPO step.</param>
/// <param name="DpoLr">DPO learning rate.</param>
/// <param name="DpoBeta">DPO's β.</param>
/// <param name="PpoRolloutBatch">Prompts per PPO rollout (rollouts = prompt_budget / this).</param>
/// <param name="PpoMiniBatch">Sequences per PPO step.</param>
/// <param name="PpoEpochs">PPO epochs per rollout.</param>
/// <param name="PpoLr">PPO learning rate.</param>
/// <param name="KlCoef">PPO's per-token KL coefficient β.</param>
/// <param name="Kl">PPO's KL estimator, k1 or k3.</param>
/// <param name="MaxNewTokens">The longest reply generated (rollouts, samples, evaluation).</param>
/// <param name="ProbePrompts">Test prompts sampled at each probe of DPO's reward and KL.</param>
/// <param name="ProbeEvery">DPO steps between probes.</param>
/// <param name="Seeds">Seeds per method (1 at quick, 3 at full: the spread is the stability figure).</param>
/// <param name="AccuracyTolerance">The winner's checker-judged accuracy may trail SFT's by at most this (absolute).</param>
/// <param name="MinRmAccuracy">The reward model's held-out pairwise accuracy must reach this (0 = not checked: smoke).</param>
public sealed record DpoPpoLabConfig(
    long CorpusBytes, long ValidationBytes, int BpeVocab, int Context,
    int BaseLayers, int BaseWidth, int BaseHeads, int BaseSteps, double BaseLr, int Batch,
    int TrainPerFamily, int TestPerFamily, int TestTemplates, int SftSteps, double SftLr,
    int PromptBudget, int OnPolicySamples, int HeldOutPairs, int RmSteps, double RmLr,
    int DpoSteps, int DpoBatch, double DpoLr, double DpoBeta,
    int PpoRolloutBatch, int PpoMiniBatch, int PpoEpochs, double PpoLr, double KlCoef, string Kl,
    int MaxNewTokens, int ProbePrompts, int ProbeEvery, int Seeds, double AccuracyTolerance, double MinRmAccuracy)
{
    /// <summary>Empty: pretrain the base here (lab 7.1's recipe). Otherwise the base to fine-tune, as lab 7.1's
    /// <c>base</c>: one of our checkpoints, a Hugging Face folder or a .gguf file; the base_* keys are then unused.</summary>
    public string Base { get; init; } = "";

    /// <summary>1–3, the task families' value ranges (lab 7.1's difficulty). The full profile asks for more conversations per
    /// family than difficulty 1's value ranges hold (the units family has ~320 distinct training conversations there), so
    /// it uses 2.</summary>
    public int Difficulty { get; init; } = 1;

    /// <summary>The defaults of a profile.</summary>
    public static DpoPpoLabConfig For(Profile profile) => profile switch
    {
        // Smoke: lab 7.1's smoke base and SFT, a few dozen prompts, a few steps of each method: the pipeline in seconds.
        // What such tiny models do is reported, not asserted (the RM accuracy check is off, the accuracy tolerance wide).
        Profile.Smoke => Quick with
        {
            CorpusBytes = 60_000, ValidationBytes = 10_000, BaseLayers = 1, BaseWidth = 48, BaseHeads = 2, BaseSteps = 30, Batch = 8,
            TrainPerFamily = 30, TestPerFamily = 2, SftSteps = 20, PromptBudget = 16, OnPolicySamples = 1, HeldOutPairs = 6,
            RmSteps = 10, DpoSteps = 6, DpoBatch = 4, PpoRolloutBatch = 8, PpoMiniBatch = 4, PpoEpochs = 2, MaxNewTokens = 16,
            ProbePrompts = 4, ProbeEvery = 3, AccuracyTolerance = 1.0, MinRmAccuracy = 0,
        },
        Profile.Full => Quick with
        {
            CorpusBytes = 5_000_000, BaseLayers = 4, BaseWidth = 256, BaseHeads = 8, BaseSteps = 2000, Batch = 16, TrainPerFamily = 2000,
            TestPerFamily = 100, SftSteps = 1500, PromptBudget = 2048, Difficulty = 2, OnPolicySamples = 4, HeldOutPairs = 200,
                RmSteps = 1000,
            DpoSteps = 768, DpoBatch = 8, PpoRolloutBatch = 64, PpoMiniBatch = 16, ProbePrompts = 64, ProbeEvery = 64, Seeds = 3,
            MaxNewTokens = 48,
        },
        _ => Quick,
    };

    static readonly DpoPpoLabConfig Quick = new(
        // The SFT start is lab 7.1's quick recipe (its base and fine-tuning, docs/part-07.md).
        CorpusBytes: 1_000_000, ValidationBytes: 50_000, BpeVocab: 512, Context: 128,
        BaseLayers: 2, BaseWidth: 96, BaseHeads: 4, BaseSteps: 200, BaseLr: 3e-3, Batch: 8,
        TrainPerFamily: 300, TestPerFamily: 20, TestTemplates: 2, SftSteps: 200, SftLr: 2e-3,
        // 256 prompts for each method: DPO trains on one pair per prompt (~3 epochs of 8-pair batches in 96 steps), PPO answers
        // the same 256 prompts in 16 rollouts of 16.
        PromptBudget: 256, OnPolicySamples: 2, HeldOutPairs: 64, RmSteps: 150, RmLr: 3e-4,
        // β = 0.1: Rafailov et al. 2023 and TRL's default. The rate is ours: 1e-6 (TRL) does not move a 0.3M-parameter model.
        DpoSteps: 96, DpoBatch: 8, DpoLr: 1e-4, DpoBeta: 0.1,
        // TRL's PPO recipe: 4 epochs per rollout, KL coefficient 0.05 with k1, clip 0.2 (PpoOptions' defaults).
        PpoRolloutBatch: 16, PpoMiniBatch: 8, PpoEpochs: 4, PpoLr: 1e-4, KlCoef: 0.05, Kl: "k1",
        MaxNewTokens: 40, ProbePrompts: 16, ProbeEvery: 16, Seeds: 1,
        // The winner must not fall below SFT's checker-judged accuracy by more than 5 points (6 of 120 held-out questions):
        // preference tuning from the same start should not cost correctness.
        AccuracyTolerance: 0.05,
        // Chance is 0.5; a reward model that ranks the synthetic pairs no better than 0.6 would make PPO's reward noise.
        MinRmAccuracy: 0.6);
}
