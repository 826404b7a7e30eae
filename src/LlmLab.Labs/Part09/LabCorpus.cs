using System.Globalization;
using LlmLab.Labs.Framework;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Part09;

/// <summary>
/// The text a Part 9 lab trains its GPTs on: the run's corpus (training and held-out documents) tokenized once, so that
/// every model of the lab shares one tokenizer (speculative decoding needs the draft to propose the target's ids).
/// </summary>
/// <param name="Level">"char" or "bpe".</param>
/// <param name="Tokenizer">Built on the training text only (characters seen only in validation map to &lt;unk&gt;).</param>
/// <param name="Train">Training token ids.</param>
/// <param name="Validation">Held-out token ids.</param>
internal sealed record LabCorpus(string Level, ITokenizer Tokenizer, int[] Train, int[] Validation)
{
    /// <summary>V, the vocabulary size.</summary>
    public int Vocab => Tokenizer.VocabSize;

    /// <summary>Reads <paramref name="trainBytes"/> and <paramref name="validationBytes"/> of the run's corpus and
    /// tokenizes them at character level (<paramref name="level"/> = "char") or with byte-level BPE of
    /// <paramref name="bpeVocab"/> ids trained on the training text ("bpe").</summary>
    public static LabCorpus Load(LabContext ctx, long trainBytes, long validationBytes, string level, int bpeVocab)
    {
        string train = CorpusText.Load(ctx.Corpus, trainBytes);
        string validation = CorpusText.Load(ctx.Corpus, validationBytes, validation: true);
        ITokenizer tokenizer = level == "bpe"
            ? BpeTokenizer.Train([train], new BpeTrainingOptions(bpeVocab, Name: $"lab-{ctx.Info.Id}"))
            : CharTokenizer.Build([train], UnknownCharPolicy.Unk);
        return new LabCorpus(level, tokenizer, tokenizer.Encode(train), tokenizer.Encode(validation));
    }

    /// <summary>Rejects a tokenizer setting the loader cannot use.</summary>
    public static void Validate(string level, int bpeVocab)
    {
        if (level is not ("char" or "bpe")) throw new InputException($"--set tokenizer={level}: expected char or bpe");
        ConfigRules.InRange("bpe_vocab", bpeVocab, 257, 65_536);
    }

    /// <summary>
    /// <paramref name="count"/> prompts of <paramref name="tokens"/> held-out tokens each, from evenly spaced places of
    /// the validation text (so they are text no model trained on, and any corpus gives some).
    /// </summary>
    public IReadOnlyList<int[]> Prompts(int count, int tokens)
    {
        if (Validation.Length < tokens + count)
            throw new InputException(
                $"the validation text has {Validation.Length:N0} tokens, too few for {count} prompts of {tokens}: raise validation_bytes");
        long stride = (Validation.Length - tokens) / count;
        return Enumerable.Range(0, count).Select(i => Validation.AsSpan((int)(i * stride), tokens).ToArray()).ToList();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Level}: V = {Vocab}, {Train.Length:N0} training and {Validation.Length:N0} validation tokens");
}
