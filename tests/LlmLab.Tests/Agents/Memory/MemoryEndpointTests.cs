using LlmLab.Agents.Memory;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Tests.Server;
using Microsoft.Data.Sqlite;

namespace LlmLab.Tests.Agents.Memory;

/// <summary><c>llmlab chat --openai-base-url</c> against a real OpenAI-compatible server (ours, on loopback, over a tiny
/// demo model): the replies come over HTTP through Microsoft.Extensions.AI.OpenAI and are stored as memories.</summary>
public sealed class MemoryEndpointTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-memapi-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task ChatTalksToAnOpenAiCompatibleEndpoint()
    {
        await using var server = await TestServer.StartAsync(context: 4096);
        string script = Path.Combine(_root, "script.txt"), db = Path.Combine(_root, "m.db");
        File.WriteAllLines(script, ["I have a parrot named Kiwi.", "What is my parrot called?"]);
        string? saved = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", TestServer.Key);
        try
        {
            var (code, output, err) = CliRun.Run("chat", "--user", "u", "--db", db, "--session", "s", "--script", script,
                "--openai-base-url", new Uri(server.Base, "v1").ToString(), "--model", LlmLab.Server.DemoModel.ModelId);
            Assert.True(code == 0, err + output);
            Assert.Equal(2, output.Split('\n').Count(l => l.StartsWith("assistant: ", StringComparison.Ordinal)));
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENAI_API_KEY", saved);
        }
        using var store = MemoryStore.Open(db, MiniLmModel.ModelId, MiniLmModel.Dimensions);
        Assert.Equal(["user", "assistant", "user", "assistant"], store.Messages("u", "s").Select(m => m.Role));
        Assert.Equal("Kiwi", Assert.Single(store.Facts("u")).Value);
        Assert.Contains(server.Logs.Lines, l => l.Contains("/v1/chat/completions", StringComparison.Ordinal));
    }
}
