using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Retrieval.Answering;
using LlmLab.Runtime;
using Microsoft.Extensions.AI;

namespace LlmLab.Retrieval.Evaluation;

/// <summary>Opens the chat model a <see cref="ChatFaithfulnessJudge"/> asks: an OpenAI-compatible endpoint's model (through
/// <see cref="OpenAiCompatible.Create"/>) or a local checkpoint folder (<see cref="LocalChatModel"/>, greedy). The one place
/// <c>rag eval --judge-model</c> and lab 8.1's <c>judge</c> setting turn a name into a judge.</summary>
public static class JudgeModel
{
    /// <summary>The judge named <paramref name="model"/>. With <paramref name="baseUrl"/>: that endpoint's model. Without: a
    /// checkpoint folder when one exists at that path, else an endpoint's model at <see cref="OpenAiCompatible.BaseUrlVariable"/>
    /// or OpenAI's own (key from <see cref="OpenAiCompatible.ApiKeyVariable"/>). Disposing the client frees a local model.</summary>
    /// <param name="model">An endpoint's model name or a checkpoint folder.</param>
    /// <param name="baseUrl">The endpoint's base URL (up to /v1); null or empty: see above.</param>
    /// <param name="what">How the caller names the model setting in errors.</param>
    /// <param name="whatUrl">How the caller names the base-URL setting in errors.</param>
    /// <exception cref="InputException">No name, a bad URL, neither a checkpoint nor an endpoint to ask, or a damaged
    /// checkpoint.</exception>
    public static IChatClient Open(string model, string? baseUrl = null, string what = "--judge-model",
        string whatUrl = "--judge-base-url")
    {
        if (string.IsNullOrWhiteSpace(model))
            throw new InputException($"{what}: no model named: give an endpoint's model name or a checkpoint folder");
        if (!string.IsNullOrWhiteSpace(baseUrl)) return OpenAiCompatible.Create(baseUrl, model, what: whatUrl);
        if (Directory.Exists(model))
        {
            TorchRuntime.EnsureLoaded();
            // Greedy, and an error (a failed verdict, counted) rather than a silently truncated prompt when the chunks do
            // not fit the model's context: a verdict on half the evidence would be no verdict.
            var local = LocalChatModel.Open(model, new SamplingParams(Temperature: 0, MaxTokens: 64), PromptOverflow.Error);
            return new OwningChatClient(local.Client, local);
        }
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OpenAiCompatible.BaseUrlVariable)) &&
            string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OpenAiCompatible.ApiKeyVariable)))
        {
            throw new InputException($"{what} {model}: no such checkpoint folder, and no endpoint to ask for that model: give " +
                $"{whatUrl} URL (or set {OpenAiCompatible.BaseUrlVariable}, or {OpenAiCompatible.ApiKeyVariable} for OpenAI)");
        }
        return OpenAiCompatible.Create(null, model, what: what);
    }

    /// <summary>A local model's client that frees the model when disposed.</summary>
    sealed class OwningChatClient(IChatClient inner, IDisposable owner) : DelegatingChatClient(inner)
    {
        protected override void Dispose(bool disposing)
        {
            if (disposing) owner.Dispose();
            base.Dispose(disposing);
        }
    }
}
