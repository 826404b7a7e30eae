using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part03;

/// <summary>Settings of lab 3.1 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="TrainBytes">UTF-8 bytes of the corpus's train split to train on (and to build the character vocabulary from).</param>
/// <param name="ValBytes">UTF-8 bytes of the validation split: the fixed evaluation windows and the final score over all of it.</param>
/// <param name="Models">Recurrent cores to train: rnn, gru, lstm, scratch-lstm (the from-scratch LSTM, same parameters, slower).</param>
/// <param name="Embed">Character embedding width.</param>
/// <param name="LstmHidden">The LSTM's hidden size; RNN and GRU get the hidden size that gives the same parameter count.</param>
/// <param name="Layers">Stacked recurrent layers.</param>
/// <param name="Dropout">Dropout after each recurrent layer, in training.</param>
/// <param name="Steps">Training steps per model.</param>
/// <param name="Batch">Sequences per step.</param>
/// <param name="Context">Characters per training sequence (backpropagation through this many steps).</param>
/// <param name="LearningRate">AdamW's learning rate, constant.</param>
/// <param name="GradClip">Global gradient-norm clip.</param>
/// <param name="EvalEvery">Steps between evaluations on the fixed validation windows (the curves' points).</param>
/// <param name="EvalBatches">Batches of validation windows per evaluation.</param>
/// <param name="LogEvery">Steps between lines of the step log shown in the report.</param>
/// <param name="TimeBudgetSeconds">Optional training-time cap per model, in seconds (null: none).</param>
/// <param name="SampleChars">Characters per sample.</param>
/// <param name="Temperatures">Sampling temperatures.</param>
/// <param name="Prompt">Text the samples start from.</param>
public sealed record CharLmLabConfig(
    long TrainBytes,
    long ValBytes,
    IReadOnlyList<string> Models,
    int Embed,
    int LstmHidden,
    int Layers,
    double Dropout,
    int Steps,
    int Batch,
    int Context,
    double LearningRate,
    double GradClip,
    int EvalEvery,
    int EvalBatches,
    int LogEvery,
    double? TimeBudgetSeconds,
    int SampleChars,
    IReadOnlyList<double> Temperatures,
    string Prompt)
{
    /// <summary>The defaults of a profile.</summary>
    public static CharLmLabConfig For(Profile profile) => profile switch
    {
        // Smoke: seconds. A tiny LSTM (and its equals), 40 short steps: every code path, a loss already well below the unigram one.
        Profile.Smoke => Base with { TrainBytes = 60_000, ValBytes = 6_000, Embed = 16, LstmHidden = 48, Steps = 40, Batch = 16,
                                     Context = 32, LearningRate = 1e-2, EvalEvery = 10, EvalBatches = 1, LogEvery = 10, SampleChars = 40 },
        // Quick: about a minute on a 2-core CPU for the three models (libtorch's LSTM runs a fused oneDNN kernel on the CPU; its RNN and
        // GRU do not, so at equal size they are slower per step: the tokens/s column shows it).
        Profile.Quick => Base,
        // Full: char-rnn's and nanoGPT's shakespeare_char scale: 2 layers of 512, dropout 0.2, 5,000 steps of 64 × 128 characters,
        // on 15 MB: nearly all of the default corpus's train split (16.5 MB on SDK 10).
        _ => Base with { TrainBytes = 15_000_000, ValBytes = 500_000, Embed = 128, LstmHidden = 512, Layers = 2, Dropout = 0.2,
                         Steps = 5000, Batch = 64, Context = 128, LearningRate = 2e-3, EvalEvery = 250, EvalBatches = 16,
                         LogEvery = 100, SampleChars = 1000 },
    };

    static readonly CharLmLabConfig Base = new(
        // 1 MB of training text: about 1,000 times the characters the quick run trains on, so no window repeats.
        TrainBytes: 1_000_000,
        // 40 kB of held-out documents: ~40k characters scored in full in about a second.
        ValBytes: 40_000,
        // The three cells of the course; scratch-lstm is the same LSTM written from the gate equations.
        Models: ["rnn", "gru", "lstm"],
        // 32: a character vocabulary has ~100 symbols; char-rnn feeds one-hot vectors, an embedding of 32 is plenty.
        Embed: 32,
        // 128: char-rnn's default rnn_size; ~80k parameters at V ≈ 100.
        LstmHidden: 128,
        // One layer: at this size and step count a second layer costs time it cannot repay.
        Layers: 1,
        // No dropout: a few hundred steps do not overfit 1 MB.
        Dropout: 0,
        // 300 steps of 32 × 64 characters: ~600k characters per model, past the steep part of the loss curve.
        Steps: 300,
        // 32 sequences (char-rnn used 50): a step of tens of milliseconds on 2 cores, so three models fit in about a minute.
        Batch: 32,
        // 64 characters of backpropagation through time (char-rnn: seq_length 50).
        Context: 64,
        // 4e-3: above char-rnn's 2e-3 because the run is short; Adam tolerates it on a model this small with clipping.
        LearningRate: 4e-3,
        // Clip the global norm at 1 (nanoGPT's grad_clip), the guard against exploding gradients through time.
        GradClip: 1.0,
        // 13 points per curve.
        EvalEvery: 25,
        // 4 × 32 windows of 64 characters: 8k validation characters per point.
        EvalBatches: 4,
        LogEvery: 50,
        // Step count, not time, decides here: the curves and the three models stay comparable step for step.
        TimeBudgetSeconds: null,
        SampleChars: 300,
        // The course's three: cautious, balanced, the model's own distribution.
        Temperatures: [0.5, 0.8, 1.0],
        // The corpus is API documentation: a sentence start it has seen many times.
        Prompt: "Gets the ");
}
