using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LlmLab.Server;

/// <summary>
/// An error answered in OpenAI's shape, <c>{"error": {"message", "type", "param", "code"}}</c>, with its HTTP status
/// (400 bad request, 401 bad key, 404 unknown model or route, 413 body too large, 429 rate limit, 503 overloaded,
/// 504 timeout). Thrown by the request handlers and written by the server; immutable.
/// </summary>
public sealed class ApiError(int status, string message, string type = "invalid_request_error", string? param = null, string? code = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Param { get; } = param;
    public string? Code { get; } = code;

    /// <summary>Seconds after which a retry may succeed, sent as <c>Retry-After</c> (429, 503); null = none.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>A 503 a client should retry (elsewhere or later): a full queue or a server shutting down.</summary>
    public static ApiError Unavailable(string message, string code) => new(503, message, "server_error", code: code) { RetryAfterSeconds = 1 };

    /// <summary>A 400 naming the request field at fault.</summary>
    public static ApiError BadField(string param, string message) => new(400, message, param: param);

    /// <summary>The error object, as OpenAI writes it.</summary>
    public object Body => new { error = new { message = Message, type = Type, param = Param, code = Code } };

    /// <summary>Writes the error as the response (status, JSON body).</summary>
    public Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = Status;
        response.ContentType = "application/json";
        if (RetryAfterSeconds is { } s) response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return response.WriteAsync(JsonSerializer.Serialize(Body), response.HttpContext.RequestAborted);
    }
}
