using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part09;

/// <summary>Settings of lab 9.2 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="CorpusBytes">UTF-8 bytes of training text read from the corpus (both models train on it).</param>
/// <param name="ValidationBytes">Bytes of held-out text: validation loss and the prompts.</param>
/// <param name="Tokenizer">char or bpe; one tokenizer for both models.</param>
/// <param name="BpeVocab">Vocabulary of the BPE tokenizer (with tokenizer=bpe).</param>
/// <param name="Context">n_positions of both models and their training windows; prompt + generation must fit.</param>
/// <param name="Batch">Training windows per step (both models).</param>
/// <param name="EvalBatches">Validation batches at the start and end of each training.</param>
/// <param name="DraftLayers">The draft's n_layer.</param>
/// <param name="DraftWidth">The draft's n_embd.</param>
/// <param name="DraftHeads">The draft's n_head.</param>
/// <param name="DraftSteps">The draft's training steps.</param>
/// <param name="DraftLr">The draft's AdamW learning rate.</param>
/// <param name="TargetLayers">The target's n_layer.</param>
/// <param name="TargetWidth">The target's n_embd.</param>
/// <param name="TargetHeads">The target's n_head.</param>
/// <param name="TargetSteps">The target's training steps.</param>
/// <param name="TargetLr">The target's AdamW learning rate.</param>
/// <param name="Prompts">Prompts, from evenly spaced places of the held-out text.</param>
/// <param name="PromptTokens">Tokens per prompt.</param>
/// <param name="GenerateTokens">Tokens generated per prompt (max_tokens).</param>
/// <param name="Gammas">γ values of the sweep (draft tokens per target call); γ = 0, the target alone, is always run.</param>
/// <param name="Temperatures">Temperatures of the sweep; 0 = greedy.</param>
/// <param name="CostRepeats">Timed forwards per cost measurement (the median is kept).</param>
/// <param name="DistributionDraws">Sampled first tokens (speculative, γ = 1) compared with the target's exact distribution.</param>
/// <param name="MaxFormulaDeviation">At temperature 1, measured tokens per target call must be within this fraction of
/// (1 − α^(γ+1)) / (1 − α) at every γ.</param>
public sealed record SpeculativeDecodingConfig(
    long CorpusBytes,
    long ValidationBytes,
    string Tokenizer,
    int BpeVocab,
    int Context,
    int Batch,
    int EvalBatches,
    int DraftLayers,
    int DraftWidth,
    int DraftHeads,
    int DraftSteps,
    double DraftLr,
    int TargetLayers,
    int TargetWidth,
    int TargetHeads,
    int TargetSteps,
    double TargetLr,
    int Prompts,
    int PromptTokens,
    int GenerateTokens,
    IReadOnlyList<int> Gammas,
    IReadOnlyList<double> Temperatures,
    int CostRepeats,
    int DistributionDraws,
    double MaxFormulaDeviation)
{
    /// <summary>The defaults of a profile.</summary>
    public static SpeculativeDecodingConfig For(Profile profile) => profile switch
    {
        // Smoke: two tiny, barely trained models; the checks (identical greedy output, α in (0, 1], the sampled
        // distribution, the formula) hold at any size, so seconds suffice.
        Profile.Smoke => Quick with
        {
            CorpusBytes = 50_000, ValidationBytes = 8_000, Context = 48, EvalBatches = 2,
            DraftLayers = 1, DraftWidth = 16, DraftHeads = 2, DraftSteps = 30, TargetLayers = 2, TargetWidth = 32, TargetHeads = 2,
            TargetSteps = 30, Prompts = 2, PromptTokens = 8, GenerateTokens = 32, Gammas = [1, 2, 4], Temperatures = [0, 1.0],
            CostRepeats = 5, DistributionDraws = 300, MaxFormulaDeviation = 0.35,
        },
        // Full: a target 8 layers × 512 (25M parameters, 100 MB in fp32: a forward reads far more than the caches
        // hold, so 9 tokens cost about what 1 does) and a 2 × 128 draft, both trained well (an hour or more on a CPU).
        Profile.Full => Quick with
        {
            CorpusBytes = 10_000_000, ValidationBytes = 500_000, Context = 256, Batch = 32, EvalBatches = 20,
            DraftLayers = 2, DraftWidth = 128, DraftHeads = 4, DraftSteps = 4000, DraftLr = 2e-3,
            TargetLayers = 8, TargetWidth = 512, TargetHeads = 8, TargetSteps = 4000, TargetLr = 6e-4,
            Prompts = 8, GenerateTokens = 200, CostRepeats = 50, DistributionDraws = 3000, MaxFormulaDeviation = 0.2,
        },
        _ => Quick,
    };

    static readonly SpeculativeDecodingConfig Quick = new(
        // 1 MB of training text, as lab 4.1: more than either model reads in its steps.
        CorpusBytes: 1_000_000,
        // 50 KB of held-out documents: the prompts and the validation windows.
        ValidationBytes: 50_000,
        // Characters: most next characters inside a word are easy, so a small draft agrees with the target often
        // (a high α), and a ~100-symbol head keeps the draft's forward cheap.
        Tokenizer: "char",
        BpeVocab: 512,
        // 96 positions: a 16-token prompt and 64 generated tokens fit, with room.
        Context: 96,
        // 8 windows of 96: ~770 tokens a step, so the target's steps stay affordable.
        Batch: 8,
        EvalBatches: 8,
        // The draft: 1 layer × 64 (~0.06M parameters): its 1-token forward is a few dozen small ops, ~6-10× cheaper than
        // the target's; 300 steps (~0.23M tokens) make it a fair character model without outgrowing the target.
        DraftLayers: 1, DraftWidth: 64, DraftHeads: 2, DraftSteps: 300, DraftLr: 3e-3,
        // The target: 4 layers × 256 (~3.2M parameters, 13 MB): wide enough that a forward over 1 + γ tokens costs little
        // more than over one (the weights are read once either way), small enough to train in the quick budget. 200
        // steps: with 60 (a probe on a loaded machine) the target ended worse than the draft, its greedy text looped
        // where the draft's did not, and greedy α was 0.45; the agreement, not the quality, sets the speed-up.
        TargetLayers: 4, TargetWidth: 256, TargetHeads: 4, TargetSteps: 200, TargetLr: 2e-3,
        // 4 prompts × 16 held-out tokens, 64 generated each: 256 tokens per point of the sweep.
        Prompts: 4, PromptTokens: 16, GenerateTokens: 64,
        // γ = 1…8, the range.
        Gammas: [1, 2, 3, 4, 5, 6, 7, 8],
        // Greedy, and the usual sampling temperatures.
        Temperatures: [0, 0.7, 1.0],
        // 30 timed forwards per shape: a stable median on a busy machine.
        CostRepeats: 30,
        // 1,000 draws: each token's frequency within ~±3 points of its probability (1 σ ≤ 1.6 points).
        DistributionDraws: 1000,
        // 25%: the formula assumes every draft is accepted independently with the same α, which real text is not (easy
        // and hard stretches come in runs); at temperature 1 it should still be close.
        MaxFormulaDeviation: 0.25);
}
