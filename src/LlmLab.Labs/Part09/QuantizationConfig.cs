using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part09;

/// <summary>Settings of lab 9.3 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="CorpusBytes">UTF-8 bytes of training text read from the corpus.</param>
/// <param name="ValidationBytes">Bytes of held-out text: the perplexity windows and the generation prompt.</param>
/// <param name="Tokenizer">char or bpe.</param>
/// <param name="BpeVocab">Vocabulary of the BPE tokenizer (with tokenizer=bpe).</param>
/// <param name="Context">n_positions and the training/evaluation window.</param>
/// <param name="Batch">Training windows per step (and windows per validation batch).</param>
/// <param name="EvalBatches">Validation batches: every format is scored on these same windows.</param>
/// <param name="Layers">n_layer.</param>
/// <param name="Width">n_embd: a multiple of every group (and of 32, the ggml block).</param>
/// <param name="Heads">n_head.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="Lr">AdamW learning rate.</param>
/// <param name="Groups">Group sizes of the int4 formats.</param>
/// <param name="GenerateTokens">Greedy tokens generated per format to measure its generation speed.</param>
/// <param name="BenchRepeats">Timed calls per layer shape in the dequantize-then-matmul micro-benchmark (median kept).</param>
/// <param name="MaxInt8Increase">Largest perplexity increase (fraction) accepted for int8 per channel and Q8_0.</param>
/// <param name="MaxInt4Increase">Largest perplexity increase (fraction) accepted for the 4-bit formats at group 32 (Q4_0 included).</param>
public sealed record QuantizationConfig(
    long CorpusBytes,
    long ValidationBytes,
    string Tokenizer,
    int BpeVocab,
    int Context,
    int Batch,
    int EvalBatches,
    int Layers,
    int Width,
    int Heads,
    int Steps,
    double Lr,
    IReadOnlyList<int> Groups,
    int GenerateTokens,
    int BenchRepeats,
    double MaxInt8Increase,
    double MaxInt4Increase)
{
    /// <summary>The defaults of a profile.</summary>
    public static QuantizationConfig For(Profile profile) => profile switch
    {
        // Smoke: a 1 × 64 model trained for 20 steps, groups 32 and 64 (64 must divide the width): seconds.
        Profile.Smoke => Quick with
        {
            CorpusBytes = 50_000, ValidationBytes = 8_000, Context = 32, Batch = 8, EvalBatches = 2, Layers = 1, Width = 64, Heads = 2,
            Steps = 20, Groups = [32, 64], GenerateTokens = 8, BenchRepeats = 3,
        },
        // Full: nanoGPT's shakespeare_char shape (6 × 384, 10.7M parameters) trained well, scored on 20 × 64 windows of 256
        // from 800 kB held out (nearly all of the default corpus's validation split: 871 kB on SDK 10).
        Profile.Full => Quick with
        {
            CorpusBytes = 10_000_000, ValidationBytes = 800_000, Context = 256, Batch = 64, EvalBatches = 20, Layers = 6, Width = 384,
            Heads = 6, Steps = 5000, Lr = 1e-3, BenchRepeats = 100,
        },
        _ => Quick,
    };

    static readonly QuantizationConfig Quick = new(
        // 1 MB of training text, as lab 4.1.
        CorpusBytes: 1_000_000,
        // 100 KB of held-out documents: more windows than the evaluation reads.
        ValidationBytes: 100_000,
        // Characters: no tokenizer training, and a small head.
        Tokenizer: "char",
        BpeVocab: 512,
        // 64 tokens of context, as lab 4.1's quick GPT.
        Context: 64,
        Batch: 16,
        // 8 × 16 windows of 64 (~8k tokens): a perplexity stable to well under the 0.5% the int8 checks resolve (every
        // format sees the same windows, so their differences are not sampling noise).
        EvalBatches: 8,
        // 4 blocks × 128 wide (~0.8M parameters, ~97% of them in the quantized matrices): rows of 128 and 512 take
        // every group up to 128; ~150 steps train it in under a minute on 2 cores.
        Layers: 4, Width: 128, Heads: 4,
        Steps: 150,
        // 3e-3: a larger step than nanoGPT's 1e-3 suits a small model trained for few steps.
        Lr: 3e-3,
        // The group sizes GPTQ and AWQ checkpoints use (128 the most common), and 32, llama.cpp's block.
        Groups: [32, 64, 128],
        // 48 greedy tokens after an 8-token prompt (within the 64 positions): tokens/s of each quantized copy (all decode
        // with fp32 matmuls).
        GenerateTokens: 48,
        // 30 timed calls per layer shape.
        BenchRepeats: 30,
        // The bounds: 8-bit ≤ +0.5% perplexity, 4-bit at group 32 ≤ +5%.
        MaxInt8Increase: 0.005,
        MaxInt4Increase: 0.05);
}
