using System.Text;

namespace LlmLab.Training;

/// <summary>
/// How a tokenizer cuts one text: tokens, bytes per token, how much of the vocabulary the text uses, and the
/// unigram baseline converted to bits per byte, the unit that compares tokenizations fairly.
/// </summary>
/// <param name="VocabSize">The tokenizer's V.</param>
/// <param name="Tokens">Tokens of the text.</param>
/// <param name="Bytes">UTF-8 bytes of the text.</param>
/// <param name="Distinct">Distinct ids in the text.</param>
/// <param name="UnigramNats">Unigram entropy of the text's own tokens, nats per token (<see cref="UnigramEntropy.Nats"/>):
/// a lower bound no unigram model reaches.</param>
/// <param name="UnigramCrossNats">Cross-entropy on the text of a unigram model fitted to the training tokens, nats per token
/// (<see cref="UnigramEntropy.CrossNats"/>): the baseline a model trained on the same tokens must beat.</param>
public sealed record TokenizationStats(int VocabSize, long Tokens, long Bytes, int Distinct, double UnigramNats, double UnigramCrossNats)
{
    /// <summary>UTF-8 bytes per token (compression: higher = fewer, longer tokens).</summary>
    public double BytesPerToken => Tokens > 0 ? (double)Bytes / Tokens : 0;

    /// <summary>Share of the vocabulary the text uses, in [0, 1].</summary>
    public double Usage => VocabSize > 0 ? (double)Distinct / VocabSize : 0;

    /// <summary>The unigram baseline (fitted on the training tokens) in bits per byte: nats per token × tokens / ln 2 / bytes.</summary>
    public double UnigramBitsPerByte => PerByte(UnigramCrossNats);

    /// <summary>The text's own unigram entropy in bits per byte.</summary>
    public double OwnEntropyBitsPerByte => PerByte(UnigramNats);

    double PerByte(double natsPerToken) => Bytes > 0 ? natsPerToken * Tokens / Math.Log(2) / Bytes : 0;

    /// <summary>The statistics of <paramref name="ids"/>, the tokens of <paramref name="text"/> under a vocabulary of
    /// <paramref name="vocabSize"/>, with the unigram baseline fitted to <paramref name="trainIds"/>.</summary>
    public static TokenizationStats Of(string text, ReadOnlySpan<int> ids, int vocabSize, ReadOnlySpan<int> trainIds) =>
        new(vocabSize, ids.Length, Encoding.UTF8.GetByteCount(text), UnigramEntropy.Distinct(ids), UnigramEntropy.Nats(ids),
            UnigramEntropy.CrossNats(trainIds, ids, vocabSize));
}
