using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Tokenization;
using LlmLab.Training;
using Microsoft.Extensions.AI;

namespace LlmLab.Alignment;

/// <summary>
/// A local checkpoint opened as a chat model: the GPT and its tokenizer (<see cref="GptPretraining.Load"/>), the chat
/// template the checkpoint records (<see cref="ChatCheckpoint.TemplateOf"/>: a fine-tuned model's chat tokens, else the
/// plain transcript of a base model), a <see cref="GenerationEngine"/> over them and the
/// <see cref="LocalChatClient"/> that serves it as Microsoft.Extensions.AI's <see cref="IChatClient"/>. The one
/// "checkpoint → IChatClient" factory, for <c>chat</c>, <c>agent</c>, prompt providers and labs. Owns the model
/// (disposed with this object); the client is thread-safe, this object is not.
/// </summary>
public sealed class LocalChatModel : IDisposable
{
    LocalChatModel(GptModel model, ITokenizer tokenizer, CheckpointInfo checkpoint, ChatTemplate template, LocalChatClient client) =>
        (Model, Tokenizer, Checkpoint, Template, Client) = (model, tokenizer, checkpoint, template, client);

    /// <summary>
    /// Opens the checkpoint at <paramref name="path"/> (a checkpoint directory, or a run directory meaning its newest).
    /// </summary>
    /// <param name="path">The checkpoint of <c>llmlab train</c>, <c>sft</c>, <c>dpo</c> or <c>ppo</c>.</param>
    /// <param name="defaults">Sampling where a request's options say nothing.</param>
    /// <param name="overflow">What the engine does with a prompt longer than the context (an agent wants an error, a
    /// chat with a growing history wants the oldest tokens dropped).</param>
    /// <param name="modelId">The model id the client reports; null = the checkpoint folder's name as given.</param>
    /// <exception cref="InputException">No checkpoint there, a damaged one, or an unknown recorded template.</exception>
    public static LocalChatModel Open(string path, SamplingParams defaults, PromptOverflow overflow, string? modelId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(defaults);
        var (model, tokenizer, checkpoint) = GptPretraining.Load(path);
        try
        {
            var template = ChatCheckpoint.TemplateOf(checkpoint);
            var client = new LocalChatClient(new GenerationEngine(model, tokenizer, overflow),
                modelId ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(path)), template, defaults);
            return new LocalChatModel(model, tokenizer, checkpoint, template, client);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The model the client runs (owned by this object).</summary>
    public GptModel Model { get; }

    /// <summary>The checkpoint's tokenizer (to count a prompt's tokens, for instance).</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>The checkpoint that was opened (its directory and manifest).</summary>
    public CheckpointInfo Checkpoint { get; }

    /// <summary>The chat template the client renders conversations with.</summary>
    public ChatTemplate Template { get; }

    /// <summary>The chat client over the model; valid until this object is disposed.</summary>
    public LocalChatClient Client { get; }

    public void Dispose() => Model.Dispose();
}
