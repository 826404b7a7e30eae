using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;

namespace LlmLab.Agents.Agent;

/// <summary>Any OpenAI-compatible chat endpoint (OpenAI, vLLM, llama.cpp's server, Ollama, our own <c>llmlab serve</c>)
/// as an <see cref="IChatClient"/>, through the official OpenAI client and Microsoft.Extensions.AI.OpenAI.</summary>
public static class OpenAiCompatible
{
    /// <summary>The environment variable the API key is read from.</summary>
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    /// <summary>A client of <paramref name="model"/> at <paramref name="baseUrl"/> (e.g. http://localhost:8000/v1).</summary>
    /// <param name="baseUrl">The API's base URL, up to and including /v1.</param>
    /// <param name="model">The model name the endpoint serves.</param>
    /// <param name="apiKey">Null: <see cref="ApiKeyVariable"/>, or a placeholder for local servers that need none.</param>
    /// <exception cref="InputException">A base URL that is not an absolute http(s) URL, or no model name.</exception>
    public static IChatClient Create(string baseUrl, string model, string? apiKey = null)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InputException($"--openai-base-url '{baseUrl}' is not an http(s) URL (e.g. http://localhost:8000/v1)");
        if (string.IsNullOrWhiteSpace(model)) throw new InputException("--openai-model is empty: name the endpoint's model");
        string key = apiKey ?? Environment.GetEnvironmentVariable(ApiKeyVariable) ?? "no-key";
        return new OpenAI.Chat.ChatClient(model, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = uri }).AsIChatClient();
    }
}
