using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;

namespace LlmLab.Retrieval.Answering;

/// <summary>Any OpenAI-compatible chat endpoint (OpenAI, vLLM, llama.cpp's server, Ollama, our own <c>llmlab serve</c>)
/// as an <see cref="IChatClient"/>, through the official OpenAI client and Microsoft.Extensions.AI.OpenAI. It lives in
/// LlmLab.Retrieval, the lowest library that needs a remote model (RAG answers), so that Agents, Labs and the CLI share
/// this one factory.</summary>
public static class OpenAiCompatible
{
    /// <summary>The environment variable the API key is read from.</summary>
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    /// <summary>The environment variable a default base URL is read from.</summary>
    public const string BaseUrlVariable = "OPENAI_BASE_URL";

    /// <summary>A client of <paramref name="model"/> at <paramref name="baseUrl"/> (e.g. http://localhost:8000/v1) — the
    /// one place every command and lab builds a remote chat client.</summary>
    /// <param name="baseUrl">The API's base URL, up to and including /v1; null or empty: <see cref="BaseUrlVariable"/>,
    /// else OpenAI's own endpoint (which needs a key).</param>
    /// <param name="model">The model name the endpoint serves.</param>
    /// <param name="apiKey">Null: <see cref="ApiKeyVariable"/>, or a placeholder for local servers that need none.</param>
    /// <param name="what">How the caller names the setting in errors (an option, a provider of a prompt file).</param>
    /// <exception cref="InputException">A base URL that is not an absolute http(s) URL, no model name, or OpenAI's
    /// endpoint without a key.</exception>
    public static IChatClient Create(string? baseUrl, string model, string? apiKey = null, string what = "--openai-base-url")
    {
        if (string.IsNullOrWhiteSpace(baseUrl)) baseUrl = Environment.GetEnvironmentVariable(BaseUrlVariable);
        string? key = apiKey ?? Environment.GetEnvironmentVariable(ApiKeyVariable);
        var options = new OpenAIClientOptions();
        if (!string.IsNullOrWhiteSpace(baseUrl))
        {
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new InputException($"{what} '{baseUrl}' is not an http(s) URL (e.g. http://localhost:8000/v1)");
            options.Endpoint = uri;
        }
        else if (string.IsNullOrWhiteSpace(key))
            throw new InputException($"{what}: set {ApiKeyVariable} for OpenAI's endpoint, or give a base URL for another one");
        if (string.IsNullOrWhiteSpace(model)) throw new InputException($"{what}: no model name: name the endpoint's model");
        var credential = new ApiKeyCredential(string.IsNullOrWhiteSpace(key) ? "no-key" : key);
        return new OpenAI.Chat.ChatClient(model, credential, options).AsIChatClient();
    }
}
