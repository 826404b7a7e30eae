using LlmLab.Nn.Gpt;
using LlmLab.Tokenization;

namespace LlmLab.Alignment;

/// <summary>
/// A pretrained model that supervised fine-tuning starts from, however it was opened (one of our checkpoints, a Hugging
/// Face folder, a GGUF file — the opening is done above Alignment, by the labs or the CLI): the model, its byte-level BPE
/// tokenizer (the chat tokens are appended to it), and where it came from, for reports and the fine-tuned checkpoint's
/// record. Owns the model. Not thread-safe.
/// </summary>
public sealed class SftBaseModel : IDisposable
{
    /// <summary>Takes ownership of <paramref name="model"/> (disposed here if the tokenizer is refused).</summary>
    /// <param name="model">The base model.</param>
    /// <param name="tokenizer">Its tokenizer: a byte-level BPE (<see cref="BpeTokenizer"/>) whose ids the model has rows for.</param>
    /// <param name="source">The path it was opened from (recorded in full).</param>
    /// <param name="kind">What the path held ("LlmLab checkpoint", "Hugging Face folder", "GGUF file").</param>
    /// <param name="name">A short name for reports (the folder's or file's name, or the model's own).</param>
    /// <param name="step">The training step of an LlmLab checkpoint, else null.</param>
    /// <exception cref="InputException">A tokenizer that is not byte-level BPE, or one with more ids than the model has rows.</exception>
    public SftBaseModel(GptModel model, ITokenizer tokenizer, string source, string kind, string name, int? step = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        try
        {
            if (tokenizer is not BpeTokenizer bpe)
                throw new InputException($"base '{source}': its tokenizer is a {tokenizer.GetType().Name}, not a byte-level BPE: the chat " +
                    "tokens are appended to a byte-level BPE tokenizer (GPT-2 style); fine-tune a base that has one");
            if (bpe.VocabSize > model.Config.VocabSize)
                throw new InputException($"base '{source}': its tokenizer has {bpe.VocabSize} ids but the model only " +
                    $"{model.Config.VocabSize} rows: the tokenizer does not belong to this model");
            Tokenizer = bpe;
        }
        catch
        {
            model.Dispose();
            throw;
        }
        (Model, Source, Kind, Name, Step) = (model, Path.GetFullPath(source), kind, name, step);
    }

    /// <summary>The base model (plain vocabulary).</summary>
    public GptModel Model { get; }

    /// <summary>Its byte-level BPE tokenizer, as the base knows it.</summary>
    public BpeTokenizer Tokenizer { get; }

    /// <summary>The full path it was opened from.</summary>
    public string Source { get; }

    /// <summary>What the path held.</summary>
    public string Kind { get; }

    /// <summary>A short name for reports.</summary>
    public string Name { get; }

    /// <summary>The step of an LlmLab checkpoint, else null.</summary>
    public int? Step { get; }

    /// <summary>The base's parameters.</summary>
    public long Parameters => Model.ParameterCount;

    /// <summary><see cref="Tokenizer"/> with the six chat tokens (ids after its own; those it has keep theirs).</summary>
    public BpeTokenizer ChatTokenizer() => Tokenizer.WithChatTokens();

    /// <summary>A new model for <see cref="ChatTokenizer"/>'s ids: the new ids' rows set to the mean row
    /// (<see cref="VocabularyGrowth.ForNewIds"/>). The caller owns it.</summary>
    public GptModel Grow(BpeTokenizer chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return VocabularyGrowth.ForNewIds(Model, Tokenizer.VocabSize, chat.VocabSize);
    }

    /// <summary>"name (kind, N parameters)".</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Name} ({Kind}{(Step is { } s ? $", step {s}" : "")}, {Parameters:N0} parameters)");

    public void Dispose() => Model.Dispose();
}
