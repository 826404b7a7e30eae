using LlmLab.Agents.Memory;
using LlmLab.Retrieval.Embeddings;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Agents.Memory;

/// <summary>A chat session: recall across sessions, the context budget's summarisation, and a model behind IChatClient.</summary>
public sealed class MemoryChatTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-memchat-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Replies with a fixed text and keeps the instructions it was given, so a test sees what reached the model.</summary>
    sealed class EchoModel(string reply = "ok") : IChatClient
    {
        public string LastInstructions = "";

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken ct = default)
        {
            LastInstructions = options?.Instructions ?? "";
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
            ChatOptions? options = null,
            CancellationToken ct = default) => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    [Fact]
    public async Task ALaterSessionRecallsFactsAndAFullContextIsSummarised()
    {
        var encoder = MemoryEvalTests.MiniLm.Value;
        string db = Path.Combine(_root, "chat.db");
        using var store = MemoryStore.Open(db, encoder.ModelId, encoder.Dimensions);
        var first = new MemoryChat(store, encoder, "zoe", "one", options: new MemoryOptions(ContextTokens: 256, MaxReplyTokens: 32));
        await first.StartAsync();
        await first.SendAsync("I have a parrot named Kiwi.");
        int evictions = 0;
        for (int i = 0; i < 12; i++)
        {
            string story = $"Here is a long story number {i} about my day at the market buying apples, pears and bread.";
            evictions += (await first.SendAsync(story)).Evictions;
        }
        Assert.True(evictions > 0, "the context never filled");
        Assert.NotEmpty(first.Summary);
        Assert.Contains(store.Summaries("zoe"), s => s.Session == "one" && s.FirstSeq == 0);

        var model = new EchoModel();
        var second = new MemoryChat(store, encoder, "zoe", "two", model);
        Assert.Equal(1, await second.StartAsync()); // session one is summarised as session two starts
        var turn = await second.SendAsync("What is the name of my parrot?");
        Assert.Equal("ok", turn.Reply);
        Assert.Contains("Kiwi", model.LastInstructions);
        Assert.Contains(turn.Recalled, r => r.Record.Kind == MemoryKind.Fact && r.Record.Value == "Kiwi");

        var reference = new MemoryChat(store, encoder, "zoe", "three");
        await reference.StartAsync();
        Assert.Contains("Kiwi", (await reference.SendAsync("What is my parrot called?")).Reply);
    }

    [Fact]
    public async Task AModelsFactsAreParsedAndAnUnparsableReplyFallsBackToTheRules()
    {
        var parsed = await new ChatFactExtractor(new EchoModel("name | Alice | The user's name is Alice.\nnot a fact line\n" +
            "lives_in | Lyon | The user lives in Lyon.")).ExtractAsync("anything");
        Assert.Equal(["name=Alice", "lives_in=Lyon"], parsed.Select(f => $"{f.Key}={f.Value}"));
        var fallback = await new ChatFactExtractor(new EchoModel("Sure! Here you go.")).ExtractAsync("I moved to Oslo.");
        Assert.Equal("Oslo", Assert.Single(fallback).Value);
        Assert.Empty(await new ChatFactExtractor(new EchoModel("NONE")).ExtractAsync("I moved to Oslo."));
        string summary = await new ChatSummarizer(new EchoModel("The user moved to Oslo and adopted a cat.")).SummarizeAsync(
            [new MemoryRecord(MemoryKind.Message, 1, "u", "s", "I moved to Oslo.", DateTimeOffset.UtcNow, 0.3, 0, 0, [], Role: "user")], 5);
        Assert.Equal("The user moved to Oslo", summary); // cut at the word budget
    }
}
