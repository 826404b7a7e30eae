using System.Diagnostics;
using LlmLab.Agents.Memory;
using LlmLab.Retrieval.Embeddings;
using Microsoft.Data.Sqlite;

namespace LlmLab.Tests.Agents.Memory;

/// <summary>Real <c>llmlab chat</c> processes: one killed with SIGKILL mid-conversation loses and duplicates nothing and
/// resumes where it stopped; two sessions of one user writing one database at once both complete.</summary>
public sealed class MemoryKillTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-memkill-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    string Script(string name, int lines, Func<int, string> line)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllLines(path, Enumerable.Range(1, lines).Select(line));
        return path;
    }

    [Fact]
    public void KillDuringAChatLosesAndDuplicatesNothingAndTheSessionResumes()
    {
        const int lines = 80;
        string script = Script("script.txt", lines, i => $"Note {i}: my favourite number is {i}.");
        string db = Path.Combine(_root, "memory.db");
        string[] args = ["chat", "--user", "ann", "--db", db, "--session", "s1", "--script", script];
        using var process = new CliProcess(args);
        var clock = Stopwatch.StartNew();
        bool killed = false;
        while (clock.Elapsed < TimeSpan.FromSeconds(120) && !process.HasExited)
        {
            if (Count(db, "SELECT COUNT(*) FROM messages") >= 20)
            {
                process.Kill(); // SIGKILL, mid-write: no finally blocks, no flush
                killed = true;
                break;
            }
            Thread.Sleep(5);
        }
        process.Kill();
        Assert.True(killed, $"the chat never stored 20 messages in {clock.Elapsed.TotalSeconds:0} s:\n{process.Out}\n{process.Err}");
        int printed = process.Out.Split('\n').Count(l => l.StartsWith("assistant: ", StringComparison.Ordinal));

        var expected = File.ReadAllLines(script);
        using (var store = MemoryStore.Open(db, MiniLmModel.ModelId, MiniLmModel.Dimensions))
        {
            var messages = store.Messages("ann", "s1");
            int n = messages.Count;
            Assert.InRange(n, 20, 2 * lines - 1);
            // Nothing lost: every reply printed was stored first; nothing duplicated or skipped: seq is 0..n-1, turns alternate,
            // and the user's turns are exactly the script's first lines.
            Assert.True(messages.Count(m => m.Role == "assistant") >= printed, $"{printed} replies printed, fewer stored");
            Assert.Equal(Enumerable.Range(0, n).Select(i => (long)i), messages.Select(m => m.FirstSeq));
            Assert.All(messages, m => Assert.Equal(m.FirstSeq % 2 == 0 ? "user" : "assistant", m.Role));
            var said = messages.Where(m => m.Role == "user").Select(m => m.Text).ToList();
            Assert.Equal(expected.Take(said.Count), said);
            // Each stored user turn came with its fact, in the same transaction: one fact per turn, the last one current.
            var facts = store.Facts("ann", history: true);
            Assert.Equal(said.Count, facts.Count);
            Assert.Equal(said.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(store.Facts("ann")).Value);
        }
        SqliteConnection.ClearAllPools();

        var (code, output, err) = CliRun.Run(args);
        Assert.True(code == 0, err);
        using (var store = MemoryStore.Open(db, MiniLmModel.ModelId, MiniLmModel.Dimensions))
        {
            var messages = store.Messages("ann", "s1");
            Assert.Equal(2 * lines, messages.Count);
            Assert.Equal(expected, messages.Where(m => m.Role == "user").Select(m => m.Text));
            Assert.Equal(lines, store.Facts("ann", history: true).Count);
            Assert.Equal($"{lines}", Assert.Single(store.Facts("ann")).Value);
        }
        // A different script under the same session is refused rather than mixed in.
        File.WriteAllLines(script, ["Something else entirely."]);
        (code, _, err) = CliRun.Run(args);
        Assert.Equal(2, code);
        Assert.Contains("already holds a different conversation", err);
    }

    [Fact]
    public void TwoSessionsOfOneUserChattingAtOnceBothComplete()
    {
        const int lines = 30;
        string db = Path.Combine(_root, "shared.db");
        var runs = new[] { "a", "b" }.Select(s => new CliProcess("chat", "--user", "bob", "--db", db, "--session", s, "--script",
            Script($"{s}.txt", lines, i => $"Session {s}, line {i}: I live in {Town(s, i)}."))).ToList();
        try
        {
            foreach (var r in runs) Assert.True(r.WaitForExit(TimeSpan.FromSeconds(180)) == 0, $"{r.Out}\n{r.Err}");
        }
        finally
        {
            foreach (var r in runs) r.Dispose();
        }
        using var store = MemoryStore.Open(db, MiniLmModel.ModelId, MiniLmModel.Dimensions);
        foreach (string s in new[] { "a", "b" })
        {
            var messages = store.Messages("bob", s);
            Assert.Equal(2 * lines, messages.Count);
            Assert.Equal(Enumerable.Range(0, 2 * lines).Select(i => (long)i), messages.Select(m => m.FirstSeq));
        }
        var facts = store.Facts("bob", history: true);
        Assert.Equal(2 * lines, facts.Count);
        Assert.Single(facts, f => f.SupersededBy is null);
    }

    /// <summary>A distinct place name per session and line, in letters (the fact rules read a name as capitalised letters).</summary>
    static string Town(string session, int i) =>
        "Town" + session.ToUpperInvariant() + string.Concat(i.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c
            => (char)('a' + c - '0')));

    static long Count(string db, string sql)
    {
        if (!File.Exists(db)) return 0;
        try
        {
            using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return (long)cmd.ExecuteScalar()!;
        }
        catch (SqliteException) { return 0; } // not created yet, or busy
    }
}
