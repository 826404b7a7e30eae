using LlmLab.Retrieval.Answering;
using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Documents;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Retrieval;

/// <summary>SQLite storage, incremental indexing, hybrid retrieval and grounded answers end to end with MiniLM.</summary>
public sealed class RagStoreTests : IDisposable
{
    static readonly Lazy<OnnxSentenceEncoder> MiniLm = new(() => OnnxSentenceEncoder.CreateMiniLm(threads: 1));
    readonly string _dir = Directory.CreateTempSubdirectory("llmlab-rag").FullName;

    sealed class Counting(IEmbeddingGenerator<string, Embedding<float>> inner) : DelegatingEmbeddingGenerator<string,
        Embedding<float>>(inner)
    {
        public int Embedded;

        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
            EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = values.ToList();
            Embedded += list.Count;
            return base.GenerateAsync(list, options, cancellationToken);
        }
    }

    static readonly SourceDocument[] Docs =
    [
        new("apt", "APT", "apt-get install downloads a package and its dependencies from the archive.\n\n" +
            "apt-get update refreshes the list of available packages from the configured mirrors."),
        new("release", "Releases", "Debian has three distributions: stable, testing and unstable.\n\n" +
            "The stable release receives security updates and is recommended for servers."),
        new("kernel", "Kernel", "Debian ships the Linux kernel; a custom kernel can be built with make-kpkg or the kernel's own Makefile."),
    ];

    Chunker SmallChunks => new(new ChunkerOptions(MaxTokens: 16, OverlapTokens: 2));

    [Fact]
    public void ReindexingEmbedsOnlyChangedChunks()
    {
        string db = Path.Combine(_dir, "rag.db");
        var counter = new Counting(MiniLm.Value);
        using (var store = RagStore.Open(db, MiniLmModel.ModelId, 384))
        {
            var first = new RagIndexer(store, SmallChunks, counter).Index(Docs);
            Assert.Equal(counter.Embedded, first.Added);
            Assert.True(first.Added >= 5, $"{first.Added} chunks");
            counter.Embedded = 0;
            var again = new RagIndexer(store, SmallChunks, counter).Index(Docs);
            Assert.Equal((0, first.Added, 0), (again.Added, again.Kept, again.Removed));
            Assert.Equal(0, counter.Embedded);
            var edited = Docs.Select(d => d.SourceId == "kernel" ? d with { Text = "Debian ships Linux and also kFreeBSD." } : d);
            var third = new RagIndexer(store, SmallChunks, counter).Index(edited);
            Assert.True(third.Added >= 1 && third.Removed >= 1, third.ToString());
            Assert.Equal(third.Added, counter.Embedded);
        }
        // Survives a reopen; the HNSW graph is rebuilt once, then loaded from its snapshot.
        using (var store = RagStore.Open(db, MiniLmModel.ModelId, 384))
        {
            Assert.False(RagIndex.Load(store).GraphLoaded);
            var index = RagIndex.Load(store);
            Assert.True(index.GraphLoaded);
            Assert.Equal(store.Count(), index.Chunks.Count);
        }
    }

    [Fact]
    public void AnotherModelOrACorruptFileIsRefused()
    {
        string db = Path.Combine(_dir, "m.db");
        using (RagStore.Open(db, MiniLmModel.ModelId, 384)) { }
        var e = Assert.Throws<LlmLab.InputException>(() => RagStore.Open(db, "other/model", 768));
        Assert.Contains(MiniLmModel.ModelId, e.Message);
        Assert.Contains("other/model", e.Message);
        Assert.Contains("768", e.Message);
        string junk = Path.Combine(_dir, "junk.db");
        File.WriteAllText(junk, new string('x', 5000));
        Assert.Throws<LlmLab.InputException>(() => RagStore.Open(junk, MiniLmModel.ModelId, 384));
        Assert.Equal(5000, new FileInfo(junk).Length); // user input left as it was
    }

    RagPipeline Pipeline(RetrievalMode mode, out HybridRetriever retriever)
    {
        var store = RagStore.Open(Path.Combine(_dir, $"{mode}.db"), MiniLmModel.ModelId, 384);
        new RagIndexer(store, SmallChunks, MiniLm.Value).Index(Docs);
        retriever = new HybridRetriever(RagIndex.Load(store), MiniLm.Value);
        store.Dispose();
        return new RagPipeline(retriever, new ExtractiveAnswerer(MiniLm.Value)) { K = 3, Mode = mode };
    }

    [Theory]
    [InlineData(RetrievalMode.Bm25)]
    [InlineData(RetrievalMode.Dense)]
    [InlineData(RetrievalMode.Hybrid)]
    [InlineData(RetrievalMode.HybridRerank)]
    public async Task EveryModeFindsTheRightSourceAndAnswersWithCitations(RetrievalMode mode)
    {
        var pipeline = Pipeline(mode, out var retriever);
        var hits = retriever.Search("Which release gets security updates?", 3, mode);
        Assert.Equal("release", hits[0].Chunk.Chunk.SourceId);
        var answer = await pipeline.AskAsync("How do I install a package with its dependencies?");
        Assert.False(answer.Refused);
        Assert.True(answer.Citations.IsValid, answer.Text);
        Assert.Contains("apt-get install", answer.Text);
        Assert.Equal("apt", answer.Chunks[answer.Citations.Cited[0] - 1].Chunk.Chunk.SourceId);
        // A metadata filter restricts every mode.
        var filtered = retriever.Search("security updates", 3, mode, c => c.SourceId == "kernel");
        Assert.All(filtered, h => Assert.Equal("kernel", h.Chunk.Chunk.SourceId));
    }

    [Fact]
    public async Task UnrelatedQuestionIsRefused()
    {
        var pipeline = Pipeline(RetrievalMode.Hybrid, out _);
        var answer = await pipeline.AskAsync("What is the best recipe for chocolate cake?");
        Assert.True(answer.Refused, $"answered: {answer.Text} (best similarity {answer.Chunks.Max(c => c.Similarity):F3})");
        Assert.Equal(GroundedPrompt.Refusal, answer.Text);
        await Assert.ThrowsAsync<LlmLab.InputException>(() => pipeline.AskAsync("   "));
    }

    [Fact]
    public async Task ChatAnswerThatInventsACitationIsRejected()
    {
        Pipeline(RetrievalMode.Hybrid, out var retriever);
        var liar = new RagPipeline(retriever, new FixedAnswer("Use apt-get install [1]. Also see [9].")) { K = 3 };
        var answer = await liar.AskAsync("How do I install a package?");
        Assert.True(answer.Refused);
        Assert.Equal([9], answer.Citations.Invented);
        var honest = new RagPipeline(retriever, new FixedAnswer("Use apt-get install [1].")) { K = 3 };
        Assert.False((await honest.AskAsync("How do I install a package?")).Refused);
    }

    sealed class FixedAnswer(string text) : IRagAnswerer
    {
        public Task<string> AnswerAsync(string question, IReadOnlyList<RetrievedChunk> chunks,
            CancellationToken cancellationToken = default) =>
            Task.FromResult(text);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
