using System.Text;
using LlmLab.Text;
using LlmLab.Tokenization;

namespace LlmLab.Training;

/// <summary>
/// The tokens of a pretraining run: the tokenizer (trained on the training text, or given), the training and
/// validation token ids, and the byte counts that turn a loss per token into bits per byte — the unit that compares
/// models with different tokenizers. Immutable after <see cref="Load"/>.
/// </summary>
public sealed class PretrainingText
{
    double? _unigram;

    public PretrainingText(ITokenizer tokenizer, int[] train, int[] validation, long trainBytes, long validationBytes)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        (Tokenizer, Train, Validation, TrainBytes, ValidationBytes) = (tokenizer, train, validation, trainBytes, validationBytes);
    }

    public ITokenizer Tokenizer { get; }
    public int[] Train { get; }
    public int[] Validation { get; }
    public long TrainBytes { get; }
    public long ValidationBytes { get; }

    /// <summary>The unigram baseline: cross-entropy on the validation tokens of token frequencies fitted on the training
    /// tokens (<see cref="UnigramEntropy.CrossNats"/>), nats per token. A model that learned anything from context beats it.</summary>
    public double UnigramNats => _unigram ??= UnigramEntropy.CrossNats(Train, Validation, Tokenizer.VocabSize);

    /// <summary>Nats per validation token → bits per UTF-8 byte of the validation text.</summary>
    public double BitsPerByte(double natsPerToken) => natsPerToken / Math.Log(2) * Validation.Length / ValidationBytes;

    /// <summary>
    /// Reads <see cref="PretrainingData.TrainBytes"/> and <see cref="PretrainingData.ValidationBytes"/> of
    /// <paramref name="source"/> (or of the corpus <paramref name="data"/> names), gets the tokenizer (training a BPE on
    /// the training text only, so validation stays unseen) and encodes both parts.
    /// </summary>
    /// <exception cref="InputException">An unreadable corpus or tokenizer.</exception>
    public static PretrainingText Load(PretrainingData data, IDocumentSource? source = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.Validate();
        source ??= Corpora.Open(data.Corpus, data.Field);
        string train = CorpusText.Load(source, data.TrainBytes);
        string validation = CorpusText.Load(source, data.ValidationBytes, validation: true);
        ITokenizer tokenizer = data.Tokenizer == "bpe"
            ? BpeTokenizer.Train([train], new BpeTrainingOptions(data.VocabSize, Name: "pretraining-bpe"))
            : TokenizerFiles.Open(data.Tokenizer);
        return Encode(tokenizer, train, validation);
    }

    /// <summary>The two parts of a corpus, already read and split, encoded with <paramref name="tokenizer"/> (the one
    /// home of "text → token ids with their byte counts" for every lab that trains a language model).</summary>
    public static PretrainingText Encode(ITokenizer tokenizer, string train, string validation)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new PretrainingText(tokenizer, tokenizer.Encode(train), tokenizer.Encode(validation),
            Encoding.UTF8.GetByteCount(train), Encoding.UTF8.GetByteCount(validation));
    }
}
