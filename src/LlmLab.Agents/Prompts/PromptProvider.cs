using LlmLab.Inference;
using LlmLab.Training;
using Microsoft.Extensions.AI;
using LlmLab.Retrieval.Answering;

namespace LlmLab.Agents.Prompts;

/// <summary>
/// A provider opened for an evaluation: its id and an <see cref="IChatClient"/> — our local GPT through
/// <see cref="LocalChatClient"/> (with the chat template its checkpoint records), a model behind an OpenAI-compatible
/// endpoint through Microsoft.Extensions.AI.OpenAI, or a <see cref="ScriptedChatClient"/>. Owns what it opened
/// (the local model): dispose it.
/// </summary>
public sealed class PromptProvider : IDisposable
{
    readonly IDisposable? _owned;

    /// <param name="id">Its name in the matrix.</param>
    /// <param name="client">The model.</param>
    /// <param name="owned">Disposed with the provider (null: nothing).</param>
    public PromptProvider(string id, IChatClient client, IDisposable? owned = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(client);
        (Id, Client, _owned) = (id, client, owned);
    }

    public string Id { get; }
    public IChatClient Client { get; }

    /// <summary>Opens <paramref name="spec"/>. For openai, the endpoint is the spec's base_url, else
    /// <paramref name="openAiBaseUrl"/>, else $OPENAI_BASE_URL, else OpenAI's; the key is $OPENAI_API_KEY (required for
    /// OpenAI's own endpoint; a placeholder is sent to another endpoint when it is unset, as local servers need none).</summary>
    /// <exception cref="InputException">A missing or damaged checkpoint, a bad URL, or no key for OpenAI's endpoint.</exception>
    public static PromptProvider Open(ProviderSpec spec, string? openAiBaseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        switch (spec.Kind)
        {
            case "scripted":
                return new PromptProvider(spec.Id, ScriptedChatClient.FromRules(spec.Rules, spec.Id));
            case "local":
                if (!Directory.Exists(spec.Target) && !File.Exists(spec.Target))
                    throw new InputException($"provider '{spec.Id}': checkpoint '{spec.Target}' does not exist; give a " +
                        "directory written by 'llmlab sft' or 'llmlab train'");
                // A checkpoint of `llmlab sft` records its chat template; a base model is prompted with the transcript.
                var local = LlmLab.Alignment.LocalChatModel.Open(spec.Target, new SamplingParams(Temperature: 0, MaxTokens: 64),
                    PromptOverflow.Error, spec.Id);
                return new PromptProvider(spec.Id, local.Client, local);
            case "openai":
                return new PromptProvider(spec.Id, OpenAi(spec, openAiBaseUrl));
            default:
                throw new InputException($"provider '{spec.Id}': unknown kind '{spec.Kind}' (use local, openai or scripted)");
        }
    }

    static IChatClient OpenAi(ProviderSpec spec, string? openAiBaseUrl) =>
        OpenAiCompatible.Create(spec.BaseUrl ?? openAiBaseUrl, spec.Target, what: $"provider '{spec.Id}'");

    public void Dispose() => _owned?.Dispose();
}
