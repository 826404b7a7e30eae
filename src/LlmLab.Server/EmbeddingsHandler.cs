using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace LlmLab.Server;

/// <summary>
/// <c>POST /v1/embeddings</c> in OpenAI's shape, over any <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> the server was
/// given (<see cref="ServerOptions.Embeddings"/>; <c>llmlab serve --embeddings</c> gives it the local MiniLM encoder).
/// Request: <c>input</c> (a string or an array of up to 2,048 non-empty strings), <c>model</c> (the embedding model's id),
/// optional <c>encoding_format</c> (<c>float</c>, or <c>base64</c>: the little-endian float32 bytes, as the official
/// clients ask for by default), optional <c>dimensions</c> (must be the model's: no truncation), optional <c>user</c>.
/// Any other field, token-id inputs, or a wrong type is a 400 naming the field. Thread-safe when the generator is.
/// </summary>
internal sealed class EmbeddingsHandler(ServerOptions options)
{
    const int MaxInputs = 2048; // OpenAI's limit per request

    static readonly HashSet<string> Fields = ["input", "model", "encoding_format", "dimensions", "user"];

    public async Task<IResult> HandleAsync(HttpContext ctx)
    {
        var generator = options.Embeddings ?? throw new ApiError(404,
            $"this server has no embedding model ('{options.ModelId}' is a text-generation model; start it with --embeddings)",
            param: "model", code: "model_not_found");
        var body = await CompletionHandler.ReadBodyAsync(ctx);
        if (body.ValueKind != JsonValueKind.Object) throw ApiError.BadField("input", "the request body must be a JSON object");
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        string modelId = metadata?.DefaultModelId ?? "embeddings";
        int? dimensions = metadata?.DefaultModelDimensions;
        JsonFields.OnlyKnown(body, Fields);
        var inputs = JsonFields.Get(body, "input") is { } input ? Inputs(input) : null;
        string? model = JsonFields.OptionalText(body, "model");
        bool base64 = JsonFields.OptionalText(body, "encoding_format") switch
        {
            null or "float" => false,
            "base64" => true,
            _ => throw ApiError.BadField("encoding_format", "encoding_format must be \"float\" or \"base64\""),
        };
        if (JsonFields.Get(body, "dimensions") is { } dims && (dims.ValueKind != JsonValueKind.Number || !dims.TryGetInt32(out int d) || d != dimensions))
            throw ApiError.BadField("dimensions", $"dimensions must be {dimensions} for {modelId} (its vectors are not truncated)");
        JsonFields.OptionalText(body, "user");
        if (inputs is null) throw ApiError.BadField("input", "input is required: a string or an array of strings");
        if (model is null) throw ApiError.BadField("model", $"model is required: this server embeds with '{modelId}'");
        if (!string.Equals(model, modelId, StringComparison.Ordinal) && !modelId.EndsWith("/" + model, StringComparison.Ordinal))
            throw new ApiError(404, $"The model '{model}' does not exist: this server embeds with '{modelId}'", param: "model", code: "model_not_found");

        var embeddings = await generator.GenerateAsync(inputs, cancellationToken: ctx.RequestAborted);
        long tokens = embeddings.Usage?.InputTokenCount ?? 0;
        var data = embeddings.Select((e, i) => new
        {
            @object = "embedding", index = i,
            embedding = base64 ? (object)Convert.ToBase64String(MemoryMarshal.AsBytes(e.Vector.Span)) : e.Vector.ToArray(),
        });
        return Results.Json(new { @object = "list", data, model = modelId, usage = new { prompt_tokens = tokens, total_tokens = tokens } });
    }

    static List<string> Inputs(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String) return [NonEmpty(JsonFields.Str(value, "input"), 0)];
        if (value.ValueKind != JsonValueKind.Array) throw ApiError.BadField("input", "input must be a string or an array of strings");
        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                throw ApiError.BadField("input", "input must hold strings (token-id inputs are not accepted by this server)");
            list.Add(NonEmpty(JsonFields.Str(item, $"input[{list.Count}]"), list.Count));
        }
        if (list.Count is 0 or > MaxInputs) throw ApiError.BadField("input", $"input must hold 1 to {MaxInputs} strings (got {list.Count})");
        return list;
    }

    static string NonEmpty(string s, int index) =>
        s.Length > 0 ? s : throw ApiError.BadField("input", $"input[{index}] is empty: every input must be a non-empty string");
}
