using System.Diagnostics;
using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Documents;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.Storage;
using Microsoft.Data.Sqlite;

namespace LlmLab.Tests.Retrieval;

/// <summary>A real <c>llmlab rag index</c> process killed with SIGKILL mid-indexing leaves the last committed batch readable.</summary>
public sealed class RagKillTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-ragkill-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void KillDuringIndexingLeavesCompleteDocumentsAndReindexResumes()
    {
        string docs = Path.Combine(_root, "docs");
        Directory.CreateDirectory(docs);
        var rng = new Random(3);
        string[] words = ["debian", "package", "kernel", "release", "mirror", "archive", "install", "upgrade", "security", "bug"];
        for (int i = 0; i < 400; i++)
        {
            var paras = Enumerable.Range(0, 3)
                .Select(_ => string.Join(' ', Enumerable.Range(0, 40).Select(_ => words[rng.Next(words.Length)])));
            File.WriteAllText(Path.Combine(docs, $"doc{i:D3}.txt"), string.Join("\n\n", paras));
        }
        string db = Path.Combine(_root, "rag.db");
        using var process = new CliProcess("rag", "index", docs, "--db", db);
        var clock = Stopwatch.StartNew();
        bool killed = false;
        while (clock.Elapsed < TimeSpan.FromSeconds(180) && !process.HasExited)
        {
            if (CommittedChunks(db) > 0)
            {
                process.Kill(); // SIGKILL: no finally blocks, no flush
                killed = true;
                break;
            }
            Thread.Sleep(20);
        }
        process.Kill();
        Assert.True(killed, $"indexing never committed a batch in {clock.Elapsed.TotalSeconds:0} s:\n{process.Out}\n{process.Err}");

        var chunker = new Chunker();
        var loader = new DocumentLoader();
        int before;
        using (var store = RagStore.Open(db, MiniLmModel.ModelId, MiniLmModel.Dimensions))
        {
            var stored = store.All().ToList();
            before = stored.Count;
            Assert.InRange(before, 1, 400 * 3 - 1);
            // Every document present is present whole: exactly the chunks the chunker makes for it.
            foreach (var group in stored.GroupBy(s => s.Chunk.SourceId))
            {
                var expected = chunker.Split(loader.LoadFile(group.Key).Single()).Select(c => c.Id);
                Assert.Equal(expected.Order(), group.Select(s => s.Chunk.Id).Order());
            }
        }
        SqliteConnection.ClearAllPools();
        var (code, output, err) = CliRun.Run("rag", "index", docs, "--db", db);
        Assert.True(code == 0, err);
        Assert.Contains($"{before} unchanged", output);
    }

    static long CommittedChunks(string db)
    {
        if (!File.Exists(db)) return 0;
        try
        {
            using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM chunks";
            return (long)cmd.ExecuteScalar()!;
        }
        catch (SqliteException) { return 0; } // not created yet, or busy
    }
}
