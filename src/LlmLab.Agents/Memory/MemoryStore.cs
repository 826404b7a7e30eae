using System.Globalization;
using Microsoft.Data.Sqlite;

namespace LlmLab.Agents.Memory;

/// <summary>
/// Long-term memory in one SQLite file (Microsoft.Data.Sqlite) in WAL mode: episodic messages, facts about the user
/// with provenance (the message they came from) and history (a newer value of a slot supersedes the older, which is
/// kept with a pointer to its successor), and summaries. Every write is one IMMEDIATE transaction, so a process killed
/// mid-write leaves a turn either whole (message and its facts) or absent, and several sessions or processes can write
/// one file at once (SQLite serialises writers; a busy writer waits up to <see cref="BusyTimeout"/>). Messages are keyed
/// by (user, session, seq): writing a turn again is a no-op, so a replay after a crash never duplicates.
/// <c>PRAGMA secure_delete</c> is on, so deleted rows are overwritten with zeros; <see cref="Delete"/> then checkpoints
/// and truncates the WAL, which would otherwise still hold old copies of the pages. Not thread-safe: one instance per
/// thread (open one per session).
/// </summary>
public sealed partial class MemoryStore : IDisposable
{
    const int SchemaVersion = 1;
    /// <summary>How long a write waits for another writer of the same file.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);
    readonly SqliteConnection _db;

    MemoryStore(SqliteConnection db, string path, string modelId, int dimensions) =>
        (_db, Path, ModelId, Dimensions) = (db, path, modelId, dimensions);

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Embedding model the stored vectors come from.</summary>
    public string ModelId { get; }

    /// <summary>Embedding width.</summary>
    public int Dimensions { get; }

    /// <summary>Opens (or creates) a memory database for embeddings of <paramref name="modelId"/>. A file that is not
    /// such a database, or one made with another embedding model, is an <see cref="InputException"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="modelId">The embedding model; null opens an existing database with whatever model made it (to list,
    /// export or delete, which embed nothing).</param>
    /// <param name="dimensions">The embedding width (ignored when <paramref name="modelId"/> is null).</param>
    public static MemoryStore Open(string path, string? modelId, int dimensions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Pooling = false, DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString());
        try
        {
            db.Open();
            // busy_timeout: a second writer waits instead of failing with SQLITE_BUSY. secure_delete is per connection.
            Exec(db, $"PRAGMA busy_timeout={(int)BusyTimeout.TotalMilliseconds}; PRAGMA journal_mode=WAL; " +
                "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;");
            using (var tx = db.BeginTransaction())
            {
                Exec(db, Schema, tx);
                string? storedModel = Meta(db, "model_id", tx), storedDims = Meta(db, "dimensions", tx);
                if (modelId is null)
                {
                    if (storedModel is null) throw new InputException($"{path}: not a memory database (it has no embedding model)");
                    (modelId, dimensions) = (storedModel, int.Parse(storedDims!, CultureInfo.InvariantCulture));
                }
                else if (storedModel is null)
                {
                    SetMeta(db, "model_id", modelId, tx);
                    SetMeta(db, "dimensions", dimensions.ToString(CultureInfo.InvariantCulture), tx);
                    SetMeta(db, "schema_version", SchemaVersion.ToString(CultureInfo.InvariantCulture), tx);
                }
                else if (storedModel != modelId || storedDims != dimensions.ToString(CultureInfo.InvariantCulture))
                {
                    throw new InputException($"{path}: memories embedded with {storedModel} ({storedDims} dimensions), but the " +
                        $"encoder is {modelId} ({dimensions}); use the same model or another --db");
                }
                tx.Commit();
            }
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw new InputException($"{path}: not a readable memory database ({e.Message.TrimEnd('.')}); give another --db");
        }
        catch
        {
            db.Dispose();
            throw;
        }
        return new MemoryStore(db, path, modelId!, dimensions);
    }

    const string Schema = """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS messages(
            id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, session_id TEXT NOT NULL, seq INTEGER NOT NULL,
            role TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL, importance REAL NOT NULL, embedding BLOB NOT NULL,
            UNIQUE(user_id, session_id, seq));
        CREATE TABLE IF NOT EXISTS facts(
            id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, text TEXT NOT NULL,
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE, created_at TEXT NOT NULL,
            importance REAL NOT NULL, embedding BLOB NOT NULL, superseded_by INTEGER, superseded_at TEXT);
        CREATE UNIQUE INDEX IF NOT EXISTS facts_current ON facts(user_id, key) WHERE superseded_by IS NULL;
        CREATE INDEX IF NOT EXISTS facts_message ON facts(message_id);
        CREATE TABLE IF NOT EXISTS summaries(
            id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, session_id TEXT NOT NULL, first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL, importance REAL NOT NULL,
            embedding BLOB NOT NULL, UNIQUE(user_id, session_id, first_seq, last_seq));
        """;

    /// <summary>
    /// Stores one message and the facts found in it, atomically. A fact whose slot already holds the same value
    /// (case-insensitive) is not repeated; one with a new value supersedes the current fact of the slot.
    /// </summary>
    /// <returns>The message's id and false when (user, session, seq) was already stored (nothing is written then).</returns>
    public (long Id, bool Added) AppendMessage(string user, string session, long seq, string role, string text, DateTimeOffset at,
        double importance, float[] embedding, IReadOnlyList<(ExtractedFact Fact, float[] Embedding)>? facts = null)
    {
        CheckVector(embedding);
        using var tx = _db.BeginTransaction(deferred: false);
        long? id = Scalar<long?>(tx, """
            INSERT INTO messages(user_id, session_id, seq, role, text, created_at, importance, embedding)
            VALUES ($u, $s, $q, $r, $t, $at, $i, $e) ON CONFLICT DO NOTHING RETURNING id
            """, ("$u", user), ("$s", session), ("$q", seq), ("$r", role), ("$t", text), ("$at", Time(at)), ("$i", importance),
            ("$e", ToBytes(embedding)));
        if (id is null)
        {
            long existing = Scalar<long>(tx, "SELECT id FROM messages WHERE user_id = $u AND session_id = $s AND seq = $q",
                ("$u", user), ("$s", session), ("$q", seq));
            return (existing, false);
        }
        foreach (var (fact, vector) in facts ?? []) AddFact(tx, user, id.Value, fact, vector, at);
        tx.Commit();
        return (id.Value, true);
    }

    void AddFact(SqliteTransaction tx, string user, long messageId, ExtractedFact fact, float[] vector, DateTimeOffset at)
    {
        CheckVector(vector);
        using (var cmd = Command(tx, "SELECT id, value FROM facts WHERE user_id = $u AND key = $k AND superseded_by IS NULL",
            ("$u", user), ("$k", fact.Key)))
        using (var r = cmd.ExecuteReader())
        {
            if (r.Read())
            {
                if (string.Equals(r.GetString(1), fact.Value, StringComparison.OrdinalIgnoreCase)) return; // already known
                long old = r.GetInt64(0);
                r.Close();
                // The unique index allows one current fact per slot: retire the old one first, then point it at its successor.
                NonQuery(tx, "UPDATE facts SET superseded_by = -1, superseded_at = $at WHERE id = $id",
                    ("$id", old), ("$at", Time(at)));
                long added = InsertFact(tx, user, messageId, fact, vector, at);
                NonQuery(tx, "UPDATE facts SET superseded_by = $n WHERE id = $id", ("$n", added), ("$id", old));
                return;
            }
        }
        InsertFact(tx, user, messageId, fact, vector, at);
    }

    long InsertFact(SqliteTransaction tx, string user, long messageId, ExtractedFact f, float[] vector, DateTimeOffset at) =>
        Scalar<long>(tx, """
            INSERT INTO facts(user_id, key, value, text, message_id, created_at, importance, embedding)
            VALUES ($u, $k, $v, $t, $m, $at, $i, $e) RETURNING id
            """, ("$u", user), ("$k", f.Key), ("$v", f.Value), ("$t", f.Text), ("$m", messageId), ("$at", Time(at)),
            ("$i", f.Importance), ("$e", ToBytes(vector)));

    /// <summary>Stores a summary of messages <paramref name="firstSeq"/>..<paramref name="lastSeq"/> of a session; writing
    /// the same span again is a no-op.</summary>
    /// <returns>False when that span already had a summary.</returns>
    public bool AddSummary(string user, string session, long firstSeq, long lastSeq, string text, DateTimeOffset at, double importance,
        float[] embedding)
    {
        CheckVector(embedding);
        using var tx = _db.BeginTransaction(deferred: false);
        long? id = Scalar<long?>(tx, """
            INSERT INTO summaries(user_id, session_id, first_seq, last_seq, text, created_at, importance, embedding)
            VALUES ($u, $s, $f, $l, $t, $at, $i, $e) ON CONFLICT DO NOTHING RETURNING id
            """, ("$u", user), ("$s", session), ("$f", firstSeq), ("$l", lastSeq), ("$t", text), ("$at", Time(at)),
            ("$i", importance), ("$e", ToBytes(embedding)));
        tx.Commit();
        return id is not null;
    }

    /// <summary>Rewrites summary <paramref name="id"/>'s text and embedding (a fact it states was superseded:
    /// <see cref="SummaryReviser"/>); with <c>secure_delete</c> the old text does not linger in free pages.</summary>
    /// <returns>False when there is no such summary of <paramref name="user"/>.</returns>
    public bool ReviseSummary(string user, long id, string text, float[] embedding)
    {
        CheckVector(embedding);
        using var tx = _db.BeginTransaction(deferred: false);
        int n = NonQuery(tx, "UPDATE summaries SET text = $t, embedding = $e WHERE id = $id AND user_id = $u",
            ("$t", text), ("$e", ToBytes(embedding)), ("$id", id), ("$u", user));
        tx.Commit();
        return n == 1;
    }

    /// <summary>Deletes the user's memories — every one, or those whose text contains <paramref name="match"/>
    /// (case-insensitive) — with what was derived from them: a deleted message takes its facts (and their history) and
    /// every summary covering it. Then checkpoints the WAL and truncates it, so that with <c>secure_delete</c> the text
    /// and embeddings are gone from the database files, not just unlinked.</summary>
    /// <returns>Rows deleted per kind, and whether the WAL could be fully checkpointed (false while another connection
    /// reads an older snapshot; the next delete or the last connection's close finishes it).</returns>
    public (int Messages, int Facts, int Summaries, bool Checkpointed) Delete(string user, string? match = null)
    {
        int messages, facts, summaries;
        using (var tx = _db.BeginTransaction(deferred: false))
        {
            string like = match is null ? "%" : "%" + EscapeLike(match) + "%";
            // Messages that match, or whose facts match (deleting a fact alone would leave its source); then summaries that match
            // or cover a doomed message.
            Exec(_db, """
                CREATE TEMP TABLE IF NOT EXISTS doomed(id INTEGER PRIMARY KEY);
                DELETE FROM doomed;
                """, tx);
            NonQuery(tx, """
                INSERT INTO doomed SELECT id FROM messages m WHERE m.user_id = $u AND (m.text LIKE $p ESCAPE '\'
                  OR EXISTS (SELECT 1 FROM facts f WHERE f.message_id = m.id AND (f.text LIKE $p ESCAPE '\' OR f.value LIKE $p ESCAPE '\')))
                """, ("$u", user), ("$p", like));
            summaries = NonQuery(tx, """
                DELETE FROM summaries WHERE user_id = $u AND (text LIKE $p ESCAPE '\' OR EXISTS (SELECT 1 FROM messages m
                  JOIN doomed d ON d.id = m.id WHERE m.user_id = summaries.user_id AND m.session_id = summaries.session_id
                  AND m.seq BETWEEN summaries.first_seq AND summaries.last_seq))
                """, ("$u", user), ("$p", like));
            facts = NonQuery(tx, "DELETE FROM facts WHERE message_id IN (SELECT id FROM doomed)");
            messages = NonQuery(tx, "DELETE FROM messages WHERE id IN (SELECT id FROM doomed)");
            Exec(_db, "DELETE FROM doomed;", tx);
            tx.Commit();
        }
        return (messages, facts, summaries, Checkpoint());
    }

    /// <summary>Copies the WAL into the database and truncates it to zero bytes (<c>wal_checkpoint(TRUNCATE)</c>).</summary>
    /// <returns>False when a reader kept part of the WAL alive.</returns>
    public bool Checkpoint()
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        using var r = cmd.ExecuteReader();
        return r.Read() && r.GetInt64(0) == 0 && r.GetInt64(1) == r.GetInt64(2);
    }

    /// <summary>Closes the connection (the last one to close checkpoints the WAL).</summary>
    public void Dispose() => _db.Dispose();

    static string EscapeLike(string s) => s.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    void CheckVector(float[] v)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (v.Length != Dimensions) throw new ArgumentException($"embedding has {v.Length} dimensions, the store {Dimensions}");
    }

    internal static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'",
        CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string s) =>
        DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    static byte[] ToBytes(float[] v)
    {
        var bytes = new byte[v.Length * sizeof(float)];
        Buffer.BlockCopy(v, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    static float[] FromBytes(byte[] b)
    {
        var v = new float[b.Length / sizeof(float)];
        Buffer.BlockCopy(b, 0, v, 0, b.Length);
        return v;
    }
}
