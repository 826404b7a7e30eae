using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmLab.Tests.Retrieval;

/// <summary>
/// An in-process stand-in for an OpenAI-compatible server (Kestrel on a free loopback port): <c>POST
/// /v1/chat/completions</c> answers with what <c>reply</c> makes of the request's messages, in OpenAI's response shape, and
/// records every request (body and Authorization header). No model: the tests decide what the "model" says — or, through
/// <c>status</c>, that the request fails with an HTTP error in OpenAI's error shape.
/// </summary>
sealed class FakeOpenAiEndpoint : IAsyncDisposable
{
    readonly WebApplication _app;

    FakeOpenAiEndpoint(WebApplication app) => _app = app;

    /// <summary>The requests received: the Authorization header and the parsed JSON body.</summary>
    public ConcurrentQueue<(string? Authorization, JsonNode Body)> Requests { get; } = new();

    /// <summary>The base URL to give a client, up to and including /v1.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Starts an endpoint whose reply to the (system, user, …) message texts is <paramref name="reply"/>'s; when
    /// <paramref name="status"/> gives a code other than 200 for them, the request fails with it instead.</summary>
    public static async Task<FakeOpenAiEndpoint> StartAsync(Func<IReadOnlyList<string>, string> reply,
        Func<IReadOnlyList<string>, int>? status = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeOpenAiEndpoint(app);
        app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            var body = (await JsonNode.ParseAsync(http.Request.Body))!;
            fake.Requests.Enqueue((http.Request.Headers.Authorization.ToString(), body));
            var texts = Texts(body);
            int code = status?.Invoke(texts) ?? 200;
            if (code != 200)
            {
                var error = new JsonObject
                    { ["error"] = new JsonObject { ["message"] = $"fake failure {code}", ["type"] = "server_error" } };
                return Results.Text(error.ToJsonString(), "application/json", statusCode: code);
            }
            var response = new JsonObject
            {
                ["id"] = "chatcmpl-fake", ["object"] = "chat.completion", ["created"] = 0, ["model"] = body["model"]!.GetValue<string>(),
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0, ["finish_reason"] = "stop",
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply(texts) },
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["completion_tokens"] = 1, ["total_tokens"] = 2 },
            };
            return Results.Text(response.ToJsonString(), "application/json");
        });
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1";
        return fake;
    }

    /// <summary>The texts of a request body's messages, in order.</summary>
    public static List<string> Texts(JsonNode body) => body["messages"]!.AsArray().Select(m => Text(m!["content"])).ToList();

    // A message's content is a string, or (newer clients) an array of {"type": "text", "text": …} parts.
    static string Text(JsonNode? content) => content switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>() ?? "")),
        _ => "",
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
