using LlmLab.Nn.Gpt;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// Grows a base model's vocabulary for new special tokens (the chat tokens, <see cref="Tokenization.ChatTokens"/>):
/// a new model whose token embedding (and LM head, tied or not) has extra rows, every existing weight copied, and each
/// new row initialised to the mean of the existing rows — the common practice (Hewitt 2021, "Initializing new word
/// embeddings for pretrained language models"; Hugging Face's <c>resize_token_embeddings(mean_resizing=True)</c>): a
/// new token then starts as an "average" token, so the model's outputs barely move (its logit is the mean logit),
/// rather than a random row that could dominate the softmax. Existing ids keep their rows.
/// </summary>
public static class VocabularyGrowth
{
    /// <summary>A new model like <paramref name="model"/> with vocab_size <paramref name="vocabSize"/>; the caller owns
    /// it (and still owns <paramref name="model"/>). The same size returns a plain copy.</summary>
    /// <exception cref="InputException">A vocabulary smaller than the model's (shrinking would drop trained rows).</exception>
    public static GptModel Grow(GptModel model, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        int old = model.Config.VocabSize;
        if (vocabSize < old)
            throw new InputException($"the tokenizer has {vocabSize} ids, fewer than the base model's vocab_size {old}: use the base's tokenizer (plus special tokens)");
        return ForNewIds(model, old, vocabSize);
    }

    /// <summary>
    /// The model for a tokenizer whose ids <paramref name="firstNew"/>..<paramref name="vocabSize"/> − 1 are new (special
    /// tokens appended to a tokenizer of <paramref name="firstNew"/> ids): vocab_size max(<paramref name="vocabSize"/>,
    /// the model's), and the rows of the new ids set to the mean of rows 0..<paramref name="firstNew"/> − 1. When the model
    /// has more rows than its tokenizer has ids (a vocabulary padded to a multiple of 64 or 128, as Qwen2's), the new ids
    /// land on those unused rows, which are reset to the mean rather than kept as whatever they were; rows past
    /// <paramref name="vocabSize"/> are kept. With <paramref name="firstNew"/> = the model's vocab_size this is
    /// <see cref="Grow"/>. The caller owns the new model.
    /// </summary>
    /// <exception cref="InputException"><paramref name="firstNew"/> above the model's vocab_size (rows would be
    /// missing), below 1, or above <paramref name="vocabSize"/>.</exception>
    public static GptModel ForNewIds(GptModel model, int firstNew, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        int old = model.Config.VocabSize;
        if (firstNew < 1 || firstNew > old || firstNew > vocabSize)
            throw new InputException($"the tokenizer's ids before its new tokens ({firstNew}) must be 1..{Math.Min(old, vocabSize)} " +
                $"(the base model has vocab_size {old}): use the base model's own tokenizer");
        int size = Math.Max(vocabSize, old);
        var grown = new GptModel(model.Config with { VocabSize = size });
        using var noGrad = no_grad();
        var from = model.state_dict();
        foreach (var (name, p) in grown.state_dict())
        {
            var src = from[name];
            if (src.shape.SequenceEqual(p.shape) && !IsVocabMatrix(name)) { p.copy_(src); continue; }
            // wte.weight or lm_head.weight: (V, d) → (V', d); the old rows, then the mean row over the tokenizer's ids.
            p.narrow(0, 0, old).copy_(src);
            if (vocabSize > firstNew)
                p.narrow(0, firstNew, vocabSize - firstNew)
                    .copy_(src.narrow(0, 0, firstNew).mean([0], keepdim: true).expand(vocabSize - firstNew, src.shape[1]));
        }
        grown.train(model.training);
        return grown;
    }

    static bool IsVocabMatrix(string name) => name is "wte.weight" or "lm_head.weight";
}
