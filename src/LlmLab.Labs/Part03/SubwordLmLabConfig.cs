using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part03;

/// <summary>Settings of lab 3.2 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="TrainBytes">UTF-8 bytes of the train split: the BPE tokenizers and every model train on them.</param>
/// <param name="ValBytes">UTF-8 bytes of the validation split, scored in full for bits per byte.</param>
/// <param name="VocabSizes">BPE vocabulary sizes to compare (each ≥ 257: 256 byte tokens come first).</param>
/// <param name="Pattern">BPE pre-tokenizer split: gpt2, gpt4 or none.</param>
/// <param name="Embed">Embedding width of every model.</param>
/// <param name="Parameters">Every model (the character model included) gets the LSTM hidden size that brings its total
/// parameter count closest to this.</param>
/// <param name="Layers">LSTM layers.</param>
/// <param name="Dropout">Dropout after the LSTM, in training.</param>
/// <param name="Batch">Sequences per step.</param>
/// <param name="Context">Tokens per training sequence (the same for every tokenizer: a subword model sees more text per step).</param>
/// <param name="LearningRate">AdamW's learning rate, constant.</param>
/// <param name="GradClip">Global gradient-norm clip.</param>
/// <param name="SecondsPerModel">Optional wall-clock cap on each model's training (evaluation excluded); null = none, so the
/// results depend on the seed and the profile only. A run the cap cuts short is said so, and its training checks are skipped.</param>
/// <param name="MaxSteps">Steps per model: every model trains this many (equal tokens seen).</param>
/// <param name="MinSteps">With a time cap: the cap never stops a model before this many steps.</param>
/// <param name="EvalEvery">Steps between evaluations on fixed validation windows (the curves).</param>
/// <param name="EvalBatches">Batches of validation windows per evaluation.</param>
/// <param name="LogEvery">Steps between lines of the step log.</param>
/// <param name="LongestTokens">How many of each tokenizer's longest tokens to list.</param>
public sealed record SubwordLmLabConfig(
    long TrainBytes,
    long ValBytes,
    IReadOnlyList<int> VocabSizes,
    string Pattern,
    int Embed,
    long Parameters,
    int Layers,
    double Dropout,
    int Batch,
    int Context,
    double LearningRate,
    double GradClip,
    double? SecondsPerModel,
    int MaxSteps,
    int MinSteps,
    int EvalEvery,
    int EvalBatches,
    int LogEvery,
    int LongestTokens)
{
    /// <summary>The defaults of a profile.</summary>
    public static SubwordLmLabConfig For(Profile profile) => profile switch
    {
        // Smoke: seconds. Two small vocabularies, tiny models, 60 steps each.
        Profile.Smoke => Base with { TrainBytes = 100_000, ValBytes = 8_000, VocabSizes = [300, 512], Embed = 16, Parameters = 40_000,
                                     Context = 32, LearningRate = 1e-2, MaxSteps = 60, EvalEvery = 15,
                                     EvalBatches = 2, LogEvery = 10 },
        // Quick: about a minute on a 2-core CPU: four models × 150 steps (~8 s each on an idle machine) plus the tokenizers.
        // Vocabularies up to 2,048, not 8,192: at this size a V = 8,192 embedding and head (8,192 × (33 + H)) leave an LSTM of a
        // handful of units, and 150 steps are too few for 8,192 output rows to be trained (the full profile has 8,192 and 16,384).
        Profile.Quick => Base,
        // Full: 15 MB (nearly all of the default corpus's train split, 16.5 MB on SDK 10), vocabularies up to 16k, 5 M
        // parameters, 5,000 steps per model (~10 minutes each on a GPU-less workstation).
        _ => Base with { TrainBytes = 15_000_000, ValBytes = 500_000, VocabSizes = [512, 2048, 8192, 16384], Embed = 128,
                         Parameters = 5_000_000, Layers = 2, Dropout = 0.2, Batch = 64, Context = 128, LearningRate = 2e-3,
                         MaxSteps = 5_000, EvalEvery = 250, EvalBatches = 16, LogEvery = 100 },
    };

    static readonly SubwordLmLabConfig Base = new(
        // 1 MB: enough text for 8,192 merges to be frequent pairs, not accidents.
        TrainBytes: 1_000_000,
        // 40 kB scored in full: ~40k characters, ~10k tokens at V = 8,192.
        ValBytes: 40_000,
        // Small (near bytes: 256 merges), medium, and the largest 150 steps train.
        VocabSizes: [512, 1024, 2048],
        // GPT-4's split (minbpe's default): keeps numbers to 3 digits and newlines apart.
        Pattern: "gpt4",
        // 32 for every model, so the embedding is not what differs between vocabularies of equal size.
        Embed: 32,
        // 400k: an LSTM of ~290 units for characters, ~120 at V = 2,048 (whose embedding and head take 2,048 × (33 + H)).
        Parameters: 400_000,
        Layers: 1,
        Dropout: 0,
        // 16 × 64 tokens: short steps (~50 ms on 2 idle cores).
        Batch: 16,
        Context: 64,
        LearningRate: 4e-3,
        GradClip: 1.0,
        // No wall-clock cap: results depend on the seed and the profile, not on how busy the machine is.
        SecondsPerModel: null,
        // 150 steps each: every model passes its unigram baseline by a wide margin (60 already did, at smoke and quick).
        MaxSteps: 150,
        MinSteps: 0,
        EvalEvery: 25,
        EvalBatches: 4,
        LogEvery: 50,
        LongestTokens: 8);
}
