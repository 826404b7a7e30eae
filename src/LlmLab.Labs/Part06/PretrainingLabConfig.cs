using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part06;

/// <summary>Settings of lab 6 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="CorpusBytes">UTF-8 bytes of training text read from the corpus.</param>
/// <param name="ValidationBytes">Bytes of held-out text (the corpus's validation documents).</param>
/// <param name="Tokenizer">"bpe" (train our byte-level BPE of <paramref name="BpeVocab"/> on the training text) or "gpt2".</param>
/// <param name="BpeVocab">V of the trained BPE.</param>
/// <param name="Context">T, tokens per window (the model's n_positions).</param>
/// <param name="Batch">B, windows per micro-batch.</param>
/// <param name="TokensPerStep">Tokens per optimizer step; gradient accumulation makes up the difference from B·T.</param>
/// <param name="Layers">GPT blocks.</param>
/// <param name="Heads">Attention heads (must divide the width).</param>
/// <param name="Width">n_embd.</param>
/// <param name="Dropout">Dropout (0 for pretraining, as nanoGPT).</param>
/// <param name="LearningRate">Peak learning rate.</param>
/// <param name="MinLearningRate">The cosine's floor.</param>
/// <param name="WarmupSteps">Linear warmup steps.</param>
/// <param name="WeightDecay">AdamW's decoupled weight decay on matrices.</param>
/// <param name="Beta2">AdamW's β2.</param>
/// <param name="Steps">Optimizer steps of the main run.</param>
/// <param name="TimeBudgetSeconds">An optional ceiling on the main run's training time (0 = none, the default at every profile, so the
/// checks depend on the seed and the profile only). A run it cuts short is checkpointed, and its training checks are skipped.</param>
/// <param name="EvalEvery">Steps between validation points.</param>
/// <param name="EvalBatches">Validation batches per evaluation.</param>
/// <param name="CheckpointEvery">Steps between checkpoints (each also gets a sample).</param>
/// <param name="Precision">fp32 or bf16.</param>
/// <param name="SampleTokens">Tokens per sample.</param>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="ResumeSteps">Steps of the stop/resume check (stopped at half, resumed, compared bit for bit).</param>
/// <param name="ScalingWidths">Widths of the scaling check's models (head size <paramref name="ScalingHeadSize"/>).</param>
/// <param name="ScalingLayers">Blocks of the scaling check's models.</param>
/// <param name="ScalingHeadSize">Head size of the scaling models (each width must be a multiple).</param>
/// <param name="ScalingSteps">Steps of each scaling model: the same tokens for every size.</param>
/// <param name="Gpt2SmallSteps">Optimizer steps of the GPT-2 small (124M) section on this machine; 0 = skip it.</param>
/// <param name="Gpt2SmallContext">Its reduced context on a CPU.</param>
/// <param name="PeakTflops">Peak TFLOP/s for MFU; 0 = measure this CPU's fp32 matmul rate.</param>
/// <param name="ShardingRanks">Ranks of the sharded-training section (2: one per core here; mpirun at quick and full).</param>
/// <param name="ShardingSteps">Its steps per stage (12 at quick: the first is not timed; 4 at smoke).</param>
public sealed record PretrainingLabConfig(
    long CorpusBytes, long ValidationBytes, string Tokenizer, int BpeVocab,
    int Context, int Batch, long TokensPerStep, int Layers, int Heads, int Width, double Dropout,
    double LearningRate, double MinLearningRate, int WarmupSteps, double WeightDecay, double Beta2,
    int Steps, double TimeBudgetSeconds, int EvalEvery, int EvalBatches, int CheckpointEvery, string Precision,
    int SampleTokens, double Temperature, int ResumeSteps,
    IReadOnlyList<int> ScalingWidths, int ScalingLayers, int ScalingHeadSize, int ScalingSteps,
    int Gpt2SmallSteps, int Gpt2SmallContext, double PeakTflops, int ShardingRanks = 2, int ShardingSteps = 12)
{
    /// <summary>The defaults of a profile.</summary>
    public static PretrainingLabConfig For(Profile profile) => profile switch
    {
        // Smoke: a 1-block, 32-wide model for 100 steps (~25k tokens: below the unigram baseline from ~70 steps) and three
        // tiny scaling models: seconds.
        Profile.Smoke => Quick with
        {
            CorpusBytes = 60_000, ValidationBytes = 10_000, BpeVocab = 300, Context = 32, Batch = 8, TokensPerStep = 256, Layers = 1,
            Heads = 2, Width = 32, LearningRate = 5e-3, MinLearningRate = 5e-4, WarmupSteps = 4, Steps = 100, TimeBudgetSeconds = 0,
            EvalEvery = 20, EvalBatches = 2, CheckpointEvery = 40, SampleTokens = 24, ResumeSteps = 6,
            ScalingWidths = [16, 32, 48], ScalingLayers = 1, ScalingHeadSize = 16, ScalingSteps = 30, PeakTflops = 0, ShardingSteps = 4,
        },
        // Full: GPT-2 small (124M: 12 layers, 12 heads, 768 wide, 1,024 tokens, GPT-2's vocabulary) with llm.c's GPT-2
        // 124M recipe (karpathy/llm.c discussion #481: 10B tokens = 19,073 steps of 524,288 tokens, lr 6e-4 with 700 warmup
        // steps and a cosine to 0.1 × peak, AdamW β = (0.9, 0.95), weight decay 0.1, clip 1.0): GPU days, not CPU hours.
        Profile.Full => Quick with
        {
            CorpusBytes = 200_000_000, ValidationBytes = 10_000_000, Tokenizer = "gpt2", Context = 1024, Batch = 8, TokensPerStep = 524_288,
            Layers = 12, Heads = 12, Width = 768, LearningRate = 6e-4, MinLearningRate = 6e-5, WarmupSteps = 700, Steps = 19_073,
            TimeBudgetSeconds = 0, EvalEvery = 250, EvalBatches = 20, CheckpointEvery = 1000, Precision = "bf16", SampleTokens = 200,
            ScalingWidths = [128, 256, 384, 512], ScalingLayers = 4, ScalingHeadSize = 64, ScalingSteps = 2000, Gpt2SmallSteps = 4,
        },
        _ => Quick,
    };

    static readonly PretrainingLabConfig Quick = new(
        // 2 MB of training text: more than a minute of training reads, so no window is seen twice on average.
        CorpusBytes: 2_000_000,
        // 200 KB of held-out documents: a stable validation loss.
        ValidationBytes: 200_000,
        // Our BPE trained on the training text: V = 1,024 keeps the embedding a small part of a CPU-sized model.
        Tokenizer: "bpe", BpeVocab: 1024,
        // 64 tokens: attention over several lines of text at a cost two cores can pay.
        Context: 64,
        // 8 × 64 = 512 tokens per micro-batch, 1,024 per step (2 micro-batches: accumulation at work).
        Batch: 8, TokensPerStep: 1024,
        // 4 blocks × 4 heads × 128 wide (~0.9M parameters, ~6 MFLOPs per token): ~150k tokens in about a minute on 2 cores.
        Layers: 4, Heads: 4, Width: 128,
        // No dropout in pretraining (nanoGPT's GPT-2 configs).
        Dropout: 0,
        // 3e-3 peak: small models take larger steps (nanoGPT's 10M-parameter char model uses 1e-3 at batch 64 × 256); floor a tenth.
        LearningRate: 3e-3, MinLearningRate: 3e-4,
        // 10 warmup steps (~7% of the run, llm.c's 700 of 19,073 is ~4%).
        WarmupSteps: 10,
        // AdamW as nanoGPT/llm.c pretrain GPT-2: weight decay 0.1, β2 = 0.95.
        WeightDecay: 0.1, Beta2: 0.95,
        // 150 steps × 1,024 tokens ≈ 0.15M tokens.
        Steps: 150,
        // No wall-clock guard: a loaded machine takes longer, it does not train less.
        TimeBudgetSeconds: 0,
        // ~8 validation points.
        EvalEvery: 20, EvalBatches: 8,
        // 3 checkpoints, each with a sample.
        CheckpointEvery: 50,
        // fp32 on the CPU (bf16 is the option, and what GPUs train in).
        Precision: "fp32",
        SampleTokens: 60, Temperature: 0.8,
        // A 12-step run stopped at 6 and resumed: enough steps to cross a checkpoint and the warmup.
        ResumeSteps: 12,
        // Four widths of 2-block models on the same 60 × 1,024 tokens: ~15 s in all.
        ScalingWidths: [32, 64, 96, 128], ScalingLayers: 2, ScalingHeadSize: 32, ScalingSteps: 60,
        // The 124M section costs ~3 GB of memory and ~3 GB of checkpoint writes: off at quick (on at full; --set gpt2_small_steps=4).
        Gpt2SmallSteps: 0, Gpt2SmallContext: 64,
        // Measured (a 512² or larger fp32 matmul) rather than assumed.
        PeakTflops: 0);
}
