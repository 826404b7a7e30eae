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
        var grown = new GptModel(model.Config with { VocabSize = vocabSize });
        using var noGrad = no_grad();
        var from = model.state_dict();
        foreach (var (name, p) in grown.state_dict())
        {
            var src = from[name];
            if (src.shape.SequenceEqual(p.shape)) { p.copy_(src); continue; }
            // wte.weight or lm_head.weight: (V, d) → (V', d); the old rows, then the mean row.
            p.narrow(0, 0, old).copy_(src);
            if (vocabSize > old) p.narrow(0, old, vocabSize - old).copy_(src.mean([0], keepdim: true).expand(vocabSize - old, src.shape[1]));
        }
        grown.train(model.training);
        return grown;
    }
}
