using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part04;

/// <summary>Settings of lab 4.2 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="CorpusBytes">UTF-8 bytes of training text read from the corpus.</param>
/// <param name="ValidationBytes">Bytes of held-out text (the corpus's validation documents).</param>
/// <param name="BpeVocab">Vocabulary of the byte-level BPE tokenizer trained on the training text (≥ 257).</param>
/// <param name="Context">T, tokens per training window (n_positions).</param>
/// <param name="Batch">B, windows per step.</param>
/// <param name="Layers">GPT blocks (the same in both models).</param>
/// <param name="Heads">Attention heads (must divide <paramref name="Width"/>).</param>
/// <param name="Width">n_embd.</param>
/// <param name="FfnWidth">The dense model's MLP width; each expert is ffn_width / experts_per_token wide, so a token
/// uses the same feed-forward parameters in both models.</param>
/// <param name="Experts">E, experts per MoE layer.</param>
/// <param name="ExpertsPerToken">k, experts per token (1: Switch; 2: Mixtral).</param>
/// <param name="AuxLossCoef">α of the load-balancing loss (the "no aux" run uses 0).</param>
/// <param name="ZLossCoef">β of the router z-loss (0 = off).</param>
/// <param name="CapacityFactor">Expert capacity factor; 0 = dropless.</param>
/// <param name="Lr">AdamW learning rate, the same for every model.</param>
/// <param name="Steps">Training steps of each model (equal steps, equal batches).</param>
/// <param name="EvalEvery">Steps between validation measurements.</param>
/// <param name="EvalBatches">Validation batches of B windows per measurement.</param>
/// <param name="LatencyBatch">The larger batch of the latency measurement (the other is 1).</param>
/// <param name="LatencyRepeats">Timed forwards per latency figure (the median is reported).</param>
/// <param name="LoadWindow">Steps per column of the expert-load history.</param>
public sealed record DenseVsMoeConfig(
    long CorpusBytes,
    long ValidationBytes,
    int BpeVocab,
    int Context,
    int Batch,
    int Layers,
    int Heads,
    int Width,
    int FfnWidth,
    int Experts,
    int ExpertsPerToken,
    double AuxLossCoef,
    double ZLossCoef,
    double CapacityFactor,
    double Lr,
    int Steps,
    int EvalEvery,
    int EvalBatches,
    int LatencyBatch,
    int LatencyRepeats,
    int LoadWindow)
{
    /// <summary>The defaults of a profile.</summary>
    public static DenseVsMoeConfig For(Profile profile) => profile switch
    {
        // Smoke: one 32-wide block, 4 experts, 80 steps of 8 × 32 tokens (seconds for the three models). The balance check
        // has a wide margin there: load CV 0.13 with the balance loss against 0.93 without in a 120-step run.
        Profile.Smoke => Quick with
        {
            CorpusBytes = 60_000, ValidationBytes = 8_000, BpeVocab = 300, Context = 32, Batch = 8, Layers = 1, Heads = 2, Width = 32,
            FfnWidth = 128, Experts = 4, Lr = 5e-3, Steps = 80, EvalEvery = 40, EvalBatches = 2, LatencyRepeats = 3, LoadWindow = 10,
        },
        // Full: Mixtral's 8 experts, top-2 (GELU experts of half the dense width), at the scale
        // of lab 4.1's full preset: 6 blocks × 384 wide, 256 tokens, 2,000 steps of 32 windows (hours on a CPU); 800 kB held
        // out, nearly all of the default corpus's validation split (871 kB on SDK 10).
        Profile.Full => Quick with
        {
            CorpusBytes = 10_000_000, ValidationBytes = 800_000, BpeVocab = 2048, Context = 256, Batch = 32, Layers = 6, Heads = 6,
            Width = 384, FfnWidth = 1536, Lr = 1e-3, Steps = 2000, EvalEvery = 100, EvalBatches = 20, LatencyRepeats = 20, LoadWindow = 50,
        },
        _ => Quick,
    };

    static readonly DenseVsMoeConfig Quick = new(
        // 1 MB of text and 100 KB held out: lab 4.1's quick sizes, so the dense model here is 4.1's BPE GPT.
        CorpusBytes: 1_000_000,
        ValidationBytes: 100_000,
        // 512: 256 bytes + 256 merges, as lab 4.1.
        BpeVocab: 512,
        // 64 tokens × 16 windows per step: ~1,000 tokens a step, as lab 4.1.
        Context: 64, Batch: 16,
        // 2 blocks × 4 heads × 64 wide: lab 4.1's quick GPT.
        Layers: 2, Heads: 4, Width: 64,
        // 4·d, GPT-2's MLP ratio; experts are 256 / 2 = 128 wide.
        FfnWidth: 256,
        // Mixtral's 8 experts, top-2.
        Experts: 8, ExpertsPerToken: 2,
        // Switch Transformer's α = 0.01 and ST-MoE's β = 0.001.
        AuxLossCoef: 0.01, ZLossCoef: 0.001,
        // One of the capacity factors Switch Transformer's Table 1 compares (1.0, 1.25, 2.0): tight enough that drops are
        // seen and counted.
        CapacityFactor: 1.25,
        // 2e-3, lab 4.1's GPT learning rate, for all three models.
        Lr: 2e-3,
        // 250 steps, as lab 4.1: three models in about a minute on 2 idle cores.
        Steps: 250,
        EvalEvery: 25, EvalBatches: 8,
        // 32: the second batch size (the first is 1).
        LatencyBatch: 32,
        // 10 timed forwards after 2 untimed: a median that survives a busy machine's outliers.
        LatencyRepeats: 10,
        // A load-history column every 10 steps: 25 columns.
        LoadWindow: 10);
}
