using System.Globalization;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Part04;

/// <summary>
/// The training and validation text of lab 4.1 tokenized one way (characters or BPE), with what it takes to turn a
/// loss per token into bits per character: characters (Unicode code points) per token of the validation text.
/// </summary>
/// <param name="Level">"char" or "bpe".</param>
/// <param name="Text">The tokenizer (trained on the training text only) and both parts' ids.</param>
/// <param name="ValidationChars">Code points of the validation text.</param>
/// <param name="TrainChars">Code points of the training text.</param>
internal sealed record MinimalTransformerData(string Level, PretrainingText Text, long ValidationChars, long TrainChars)
{
    public ITokenizer Tokenizer => Text.Tokenizer;
    public int[] Train => Text.Train;
    public int[] Validation => Text.Validation;

    /// <summary>V, the vocabulary size.</summary>
    public int Vocab => Tokenizer.VocabSize;

    /// <summary>Characters per token on the validation text (1 for characters).</summary>
    public double CharsPerToken => (double)ValidationChars / Validation.Length;

    /// <summary>A loss in nats per token → bits per character: the validation text's total nats over its characters.</summary>
    public double BitsPerChar(double natsPerToken) => natsPerToken / Math.Log(2) / CharsPerToken;

    /// <summary>
    /// The unigram baseline in bits per character: the cross-entropy on the validation tokens of the training tokens'
    /// frequencies (<see cref="PretrainingText.UnigramNats"/>), what the best model that ignores context pays on the
    /// same text the models are scored on — the baseline labs 3.2 and 6 use too.
    /// </summary>
    public double UnigramBitsPerChar => BitsPerChar(Text.UnigramNats);

    /// <summary>Both tokenizations of the same texts: a character vocabulary of the training text (characters seen only
    /// in validation map to &lt;unk&gt;), and byte-level BPE trained on the training text.</summary>
    public static IReadOnlyList<MinimalTransformerData> Build(string train, string validation, int bpeVocab)
    {
        long trainChars = CodePoints(train), validationChars = CodePoints(validation);
        var chars = CharTokenizer.Build([train], UnknownCharPolicy.Unk);
        var bpe = BpeTokenizer.Train([train], new BpeTrainingOptions(bpeVocab, Name: "lab-4.1"));
        return
        [
            new("char", PretrainingText.Encode(chars, train, validation), validationChars, trainChars),
            new("bpe", PretrainingText.Encode(bpe, train, validation), validationChars, trainChars),
        ];
    }

    static long CodePoints(string s)
    {
        long n = 0;
        foreach (var _ in s.EnumerateRunes()) n++;
        return n;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Level}: V = {Vocab}, {Train.Length:N0} training tokens");
}
