using System.ClientModel;
using System.Text.Json;
using LlmLab.Retrieval;
using LlmLab.Retrieval.Embeddings;
using OpenAI;
using OpenAI.Embeddings;

namespace LlmLab.Tests.Server;

/// <summary><c>/v1/embeddings</c> with the local MiniLM encoder, over real HTTP: the official OpenAI client (which asks for
/// base64) gets the encoder's own vectors; bad requests are 400s naming the field; a server without an encoder says 404.</summary>
public sealed class EmbeddingsEndpointTests
{
    [Fact]
    public async Task The_official_client_gets_minilm_vectors_and_bad_requests_name_their_field()
    {
        using var encoder = OnnxSentenceEncoder.CreateMiniLm();
        await using var s = await TestServer.StartAsync(o => o with { Embeddings = encoder });
        var client = new EmbeddingClient("all-MiniLM-L6-v2", new ApiKeyCredential(TestServer.Key),
            new OpenAIClientOptions { Endpoint = new Uri(s.Base, "v1") });
        string[] texts = ["The weather is lovely today.", "It's so sunny outside!"];
        var result = (await client.GenerateEmbeddingsAsync(texts)).Value;
        float[] a = result[0].ToFloats().ToArray(), b = result[1].ToFloats().ToArray();
        Assert.Equal(encoder.Embed(texts)[0], a);                                      // the encoder's vector, bit for bit
        Assert.Equal(0.6660, VectorMath.Dot(a, b), 3);                                  // the sentence-transformers README's figure
        Assert.True(result.Usage.InputTokenCount > 10);

        using var http = s.Client();
        var floats = await http.PostAsync("/v1/embeddings", TestServer.Json("""{"input":"hi","model":"all-MiniLM-L6-v2","encoding_format":"float"}"""));
        using (var doc = JsonDocument.Parse(await floats.Content.ReadAsStringAsync()))
            Assert.Equal(384, doc.RootElement.GetProperty("data")[0].GetProperty("embedding").GetArrayLength());
        foreach (var (body, field) in new[]
                 {
                     ("""{"input":[1,2],"model":"all-MiniLM-L6-v2"}""", "input"), ("""{"input":"","model":"all-MiniLM-L6-v2"}""", "input"),
                     ("""{"input":"a","model":"all-MiniLM-L6-v2","dimensions":128}""", "dimensions"),
                     ("""{"input":"a","model":"all-MiniLM-L6-v2","temperature":1}""", "temperature"), ("""{"input":"a"}""", "model"),
                 })
        {
            var r = await http.PostAsync("/v1/embeddings", TestServer.Json(body));
            Assert.Equal(400, (int)r.StatusCode);
            using var e = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
            Assert.Equal(field, e.RootElement.GetProperty("error").GetProperty("param").GetString());
        }
        var other = await http.PostAsync("/v1/embeddings", TestServer.Json("""{"input":"a","model":"text-embedding-3-small"}"""));
        Assert.Equal(404, (int)other.StatusCode);
    }
}
