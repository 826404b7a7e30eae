using System.Globalization;

namespace LlmLab.Training;

/// <summary>
/// Where a pretraining run's tokens come from: a corpus (the default SDK-docs corpus when null), how much of its
/// train and validation parts to read, and the tokenizer — "bpe" to train our byte-level BPE on the training text,
/// a pretrained name ("gpt2"), or a tokenizer file. Immutable; the <c>data</c> section of a train config.
/// </summary>
/// <param name="Corpus">A corpus file or directory (<c>Corpora.Open</c>); null = the SDK docs.</param>
/// <param name="Field">The text field of JSONL/Parquet corpora; null = "text".</param>
/// <param name="Tokenizer">"bpe" (train one), "gpt2"/"cl100k_base", or the path of a tokenizer file.</param>
/// <param name="VocabSize">V of a trained BPE (≥ 257); must equal the model's vocab_size.</param>
/// <param name="TrainBytes">UTF-8 bytes of training text read from the corpus's train part.</param>
/// <param name="ValidationBytes">Bytes read from its validation part.</param>
/// <param name="Shards">A token-shard directory (<c>llmlab data shard</c>) to stream from instead of reading the corpus:
/// then <see cref="Tokenizer"/> must be the tokenizer the shards were made with, and the corpus fields are unused.</param>
public sealed record PretrainingData(
    string? Corpus = null,
    string? Field = null,
    string Tokenizer = "bpe",
    int VocabSize = 1024,
    long TrainBytes = 2_000_000,
    long ValidationBytes = 200_000,
    string? Shards = null)
{
    /// <exception cref="InputException">A field out of range, naming it.</exception>
    public void Validate(string source = "config")
    {
        if (string.IsNullOrWhiteSpace(Tokenizer)) throw new InputException($"{source}: data.tokenizer is empty: give bpe, gpt2 or a tokenizer file");
        if (Shards is not null && Tokenizer == "bpe")
            throw new InputException($"{source}: data.shards needs data.tokenizer to be the tokenizer the shards were made with (a file or gpt2), not \"bpe\"");
        if (Tokenizer == "bpe" && VocabSize < 257) throw new InputException(Inv($"{source}: data.vocab_size must be >= 257 for a byte-level BPE (got {VocabSize})"));
        if (TrainBytes < 1024) throw new InputException(Inv($"{source}: data.train_bytes must be >= 1024 (got {TrainBytes})"));
        if (ValidationBytes < 256) throw new InputException(Inv($"{source}: data.validation_bytes must be >= 256 (got {ValidationBytes})"));
    }

    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
