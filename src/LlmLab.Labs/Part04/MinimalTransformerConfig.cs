using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part04;

/// <summary>Settings of lab 4.1 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="CorpusBytes">UTF-8 bytes of training text read from the corpus.</param>
/// <param name="ValidationBytes">Bytes of held-out text (the corpus's validation documents).</param>
/// <param name="BpeVocab">Vocabulary of the byte-level BPE tokenizer trained on the training text (≥ 256).</param>
/// <param name="Context">T, tokens per training window (the GPT's n_positions).</param>
/// <param name="Batch">B, windows per step.</param>
/// <param name="Layers">GPT blocks.</param>
/// <param name="Heads">GPT attention heads (must divide <paramref name="Width"/>).</param>
/// <param name="Width">GPT n_embd.</param>
/// <param name="Dropout">Dropout of both models (GPT: embeddings and sub-layer outputs; LSTM: its output).</param>
/// <param name="PositionEmbedding">learned or rope.</param>
/// <param name="Attention">naive, tiled or sdpa.</param>
/// <param name="GptLr">AdamW learning rate of the GPT.</param>
/// <param name="LstmLr">AdamW learning rate of the LSTM.</param>
/// <param name="LstmLayers">Stacked LSTM layers; its hidden size is solved for the GPT's parameter count.</param>
/// <param name="LstmEmbed">LSTM embedding width.</param>
/// <param name="Steps">GPT training steps. The LSTM then trains for the same wall-clock time the GPT took (equal time,
/// however loaded the machine is), up to <paramref name="LstmMaxSteps"/> steps.</param>
/// <param name="LstmMaxSteps">Step limit of the LSTM while it matches the GPT's training time.</param>
/// <param name="EvalEvery">Steps between validation measurements (the curve's points).</param>
/// <param name="EvalBatches">Validation batches of B windows per measurement.</param>
/// <param name="SampleTokens">Tokens of each model's text sample.</param>
/// <param name="Temperature">Sampling temperature of the samples.</param>
/// <param name="CacheCheckTokens">Greedy tokens generated with and without the KV cache, which must be equal.</param>
/// <param name="MaxBpcVsUnigram">The GPT's final validation bits per character must be at most this fraction of the
/// unigram entropy (what a model that ignores context pays).</param>
public sealed record MinimalTransformerConfig(
    long CorpusBytes,
    long ValidationBytes,
    int BpeVocab,
    int Context,
    int Batch,
    int Layers,
    int Heads,
    int Width,
    double Dropout,
    string PositionEmbedding,
    string Attention,
    double GptLr,
    double LstmLr,
    int LstmLayers,
    int LstmEmbed,
    int Steps,
    int LstmMaxSteps,
    int EvalEvery,
    int EvalBatches,
    int SampleTokens,
    double Temperature,
    int CacheCheckTokens,
    double MaxBpcVsUnigram)
{
    /// <summary>The defaults of a profile.</summary>
    public static MinimalTransformerConfig For(Profile profile) => profile switch
    {
        // Smoke: a 1-layer, 32-wide GPT for 100 steps, and its LSTM for as long but at most 100 steps (seconds in all);
        // below the unigram entropy is all that so few steps promise (the GPT gets there in ~50 steps).
        Profile.Smoke => Quick with
        {
            CorpusBytes = 50_000, ValidationBytes = 8_000, BpeVocab = 300, Context = 32, Batch = 8, Layers = 1, Heads = 2, Width = 32,
            GptLr = 5e-3, LstmLr = 4e-3, LstmEmbed = 32, Steps = 100, LstmMaxSteps = 100, EvalEvery = 25, EvalBatches = 2,
            SampleTokens = 40, CacheCheckTokens = 8, MaxBpcVsUnigram = 1.0,
        },
        // Full: nanoGPT's shakespeare_char model (6 layers, 6 heads, 384 wide, 256 characters, dropout 0.2, batch 64,
        // lr 1e-3, 5,000 iterations) beside an LSTM of the same size for the same time (hours on a CPU). 800 kB held out:
        // nearly all of the default corpus's validation split (871 kB on SDK 10).
        Profile.Full => Quick with
        {
            CorpusBytes = 10_000_000, ValidationBytes = 800_000, BpeVocab = 2048, Context = 256, Batch = 64, Layers = 6, Heads = 6,
            Width = 384, Dropout = 0.2, GptLr = 1e-3, LstmLr = 2e-3, LstmLayers = 2, LstmEmbed = 384, Steps = 5000, LstmMaxSteps = 100_000,
            EvalEvery = 250, EvalBatches = 20, SampleTokens = 500,
        },
        _ => Quick,
    };

    static readonly MinimalTransformerConfig Quick = new(
        // 1 MB: the size of nanoGPT's tiny-shakespeare; more than a minute of training can read at this size.
        CorpusBytes: 1_000_000,
        // 100 KB of held-out documents: enough windows that the validation curve is not noise.
        ValidationBytes: 100_000,
        // 512: 256 bytes + 256 merges, a vocabulary this small model can afford to embed (a V×d table).
        BpeVocab: 512,
        // 64 tokens: long enough for attention to matter, short enough for ~10 steps/s on 2 cores.
        Context: 64,
        // 16 windows: ~1,000 tokens a step, enough for a stable gradient at this size.
        Batch: 16,
        // 2 blocks × 4 heads × 64 wide (~0.1M parameters at character level): what ~12 s of CPU trains meaningfully.
        Layers: 2, Heads: 4, Width: 64,
        // No dropout: a 12-second run does not overfit 1 MB.
        Dropout: 0,
        // Learned positions, as GPT-2 and nanoGPT (rope is the option).
        PositionEmbedding: "learned",
        // libtorch's fused kernel: the fastest of the three on the CPU at T = 64 (all three agree to 1e-5).
        Attention: "sdpa",
        // 2e-3: a small model with few steps can take a larger step than nanoGPT's 1e-3 (its 10M model).
        GptLr: 2e-3,
        // Part 3's LSTM as its labs train it (3.1 and 3.2 quick): learning rate 4e-3, one layer, embedding 32; only the hidden
        // size differs, solved for the GPT's parameter count.
        LstmLr: 4e-3,
        LstmLayers: 1, LstmEmbed: 32,
        // 250 steps (~256k tokens, ~12 s on an idle 2-core CPU); the LSTM gets the same time: four runs in about a minute.
        Steps: 250,
        // A ceiling the LSTM does not reach in the GPT's time at this size.
        LstmMaxSteps: 100_000,
        // A validation point every 40 steps: ~10 points per curve.
        EvalEvery: 40,
        EvalBatches: 8,
        // 200 tokens: a few lines of text to read.
        SampleTokens: 200,
        // 0.8: slightly sharper than the model's distribution, the usual setting for readable samples.
        Temperature: 0.8,
        // 20 greedy tokens: enough to cross several cache appends.
        CacheCheckTokens: 20,
        // 0.8 × the unigram entropy: "learned context", not just letter frequencies.
        MaxBpcVsUnigram: 0.8);
}
