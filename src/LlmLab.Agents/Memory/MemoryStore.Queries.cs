using Microsoft.Data.Sqlite;

namespace LlmLab.Agents.Memory;

// Reads of MemoryStore, and the small SQL helpers both halves use.
public sealed partial class MemoryStore
{
    /// <summary>The user's messages in (session, seq) order; one session's when <paramref name="session"/> is given.</summary>
    public IReadOnlyList<MemoryRecord> Messages(string user, string? session = null)
    {
        using var cmd = Command(null, """
            SELECT m.id, m.session_id, m.seq, m.role, m.text, m.created_at, m.importance, m.embedding,
              EXISTS (SELECT 1 FROM facts f WHERE f.message_id = m.id)
              AND NOT EXISTS (SELECT 1 FROM facts f WHERE f.message_id = m.id AND f.superseded_by IS NULL)
            FROM messages m WHERE m.user_id = $u AND ($s IS NULL OR m.session_id = $s) ORDER BY m.session_id, m.seq
            """, ("$u", user), ("$s", (object?)session ?? DBNull.Value));
        using var r = cmd.ExecuteReader();
        var list = new List<MemoryRecord>();
        while (r.Read())
        {
            string role = r.GetString(3), sessionId = r.GetString(1);
            long seq = r.GetInt64(2);
            // The assistant's reply to a stale message ("Green is a calming colour.") repeats the outdated value: stale too.
            bool stale = r.GetBoolean(8) || (role == "assistant" && list.Count > 0 && list[^1] is { Stale: true } prev
                && prev.Session == sessionId && prev.LastSeq == seq - 1);
            list.Add(new MemoryRecord(MemoryKind.Message, r.GetInt64(0), user, sessionId, r.GetString(4), ParseTime(r.GetString(5)),
                r.GetDouble(6), seq, seq, FromBytes((byte[])r[7]), Role: role, Stale: stale));
        }
        return list;
    }

    /// <summary>The user's facts in id order: the current ones, and the superseded ones too when
    /// <paramref name="history"/>.</summary>
    public IReadOnlyList<MemoryRecord> Facts(string user, bool history = false)
    {
        using var cmd = Command(null, """
            SELECT f.id, m.session_id, m.seq, f.text, f.created_at, f.importance, f.embedding, f.key, f.value, f.superseded_by
            FROM facts f JOIN messages m ON m.id = f.message_id
            WHERE f.user_id = $u AND ($h OR f.superseded_by IS NULL) ORDER BY f.id
            """, ("$u", user), ("$h", history));
        using var r = cmd.ExecuteReader();
        var list = new List<MemoryRecord>();
        while (r.Read())
        {
            list.Add(new MemoryRecord(MemoryKind.Fact, r.GetInt64(0), user, r.GetString(1), r.GetString(3), ParseTime(r.GetString(4)),
                r.GetDouble(5), r.GetInt64(2), r.GetInt64(2), FromBytes((byte[])r[6]), Key: r.GetString(7), Value: r.GetString(8),
                SupersededBy: r.IsDBNull(9) ? null : r.GetInt64(9)));
        }
        return list;
    }

    /// <summary>The user's summaries in id order.</summary>
    public IReadOnlyList<MemoryRecord> Summaries(string user)
    {
        using var cmd = Command(null, """
            SELECT id, session_id, first_seq, last_seq, text, created_at, importance, embedding
            FROM summaries WHERE user_id = $u ORDER BY id
            """, ("$u", user));
        using var r = cmd.ExecuteReader();
        var list = new List<MemoryRecord>();
        while (r.Read())
        {
            list.Add(new MemoryRecord(MemoryKind.Summary, r.GetInt64(0), user, r.GetString(1), r.GetString(4), ParseTime(r.GetString(5)),
                r.GetDouble(6), r.GetInt64(2), r.GetInt64(3), FromBytes((byte[])r[7])));
        }
        return list;
    }

    /// <summary>
    /// The links between summaries and superseded facts: each (summary, old fact, the slot's current fact) where the
    /// summary covers the message the old fact was taken from — so it may still state the old value. What
    /// <see cref="SummaryReviser"/> reads to bring summaries up to date.
    /// </summary>
    public IReadOnlyList<(MemoryRecord Summary, MemoryRecord Old, MemoryRecord Current)> SupersededInSummaries(string user)
    {
        var links = new List<(long Summary, long Old, long Current)>();
        using (var cmd = Command(null, """
            SELECT s.id, o.id, c.id FROM summaries s
            JOIN messages m ON m.user_id = s.user_id AND m.session_id = s.session_id AND m.seq BETWEEN s.first_seq AND s.last_seq
            JOIN facts o ON o.message_id = m.id AND o.superseded_by IS NOT NULL
            JOIN facts c ON c.user_id = o.user_id AND c.key = o.key AND c.superseded_by IS NULL
            WHERE s.user_id = $u ORDER BY s.id, o.id
            """, ("$u", user)))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read()) links.Add((r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)));
        }
        if (links.Count == 0) return [];
        var summaries = Summaries(user).ToDictionary(s => s.Id);
        var facts = Facts(user, history: true).ToDictionary(f => f.Id);
        return links.Select(l => (summaries[l.Summary], facts[l.Old], facts[l.Current])).ToList();
    }

    /// <summary>How many of the user's facts have been superseded (it grows with each update: a cheap "did anything
    /// change" for <see cref="SummaryReviser"/>'s callers).</summary>
    public long SupersededCount(string user) =>
        Scalar<long>(null, "SELECT COUNT(*) FROM facts WHERE user_id = $u AND superseded_by IS NOT NULL", ("$u", user));

    /// <summary>Every user with at least one message, sorted.</summary>
    public IReadOnlyList<string> Users()
    {
        using var cmd = Command(null, "SELECT DISTINCT user_id FROM messages ORDER BY user_id");
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    /// <summary>The next free sequence number of a session (0 for a new one).</summary>
    public long NextSeq(string user, string session) =>
        Scalar<long>(null, "SELECT COALESCE(MAX(seq) + 1, 0) FROM messages WHERE user_id = $u AND session_id = $s",
            ("$u", user), ("$s", session));

    /// <summary>Sessions of the user other than <paramref name="except"/> with no summary covering their first to last
    /// message, with that span: what a new session summarises (MemGPT writes such summaries as recall memory).</summary>
    public IReadOnlyList<(string Session, long FirstSeq, long LastSeq)> UnsummarizedSessions(string user, string? except)
    {
        using var cmd = Command(null, """
            SELECT g.session_id, g.f, g.l FROM (SELECT session_id, MIN(seq) AS f, MAX(seq) AS l, MIN(created_at) AS t FROM messages
              WHERE user_id = $u AND session_id IS NOT $x GROUP BY session_id) g
            WHERE NOT EXISTS (SELECT 1 FROM summaries s WHERE s.user_id = $u AND s.session_id = g.session_id
              AND s.first_seq <= g.f AND s.last_seq >= g.l)
            ORDER BY g.t
            """, ("$u", user), ("$x", (object?)except ?? DBNull.Value));
        using var r = cmd.ExecuteReader();
        var list = new List<(string, long, long)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
        return list;
    }

    SqliteCommand Command(SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        return cmd;
    }

    T Scalar<T>(SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(tx, sql, args);
        object? v = cmd.ExecuteScalar();
        if (v is null or DBNull) return default!;
        return (T)Convert.ChangeType(v, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T),
            System.Globalization.CultureInfo.InvariantCulture);
    }

    int NonQuery(SqliteTransaction tx, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(tx, sql, args);
        return cmd.ExecuteNonQuery();
    }

    static void Exec(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }

    static string? Meta(SqliteConnection db, string key, SqliteTransaction tx)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key = $k";
        cmd.Transaction = tx;
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() as string;
    }

    static void SetMeta(SqliteConnection db, string key, string value, SqliteTransaction tx)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = "INSERT OR REPLACE INTO meta(key, value) VALUES ($k, $v)";
        cmd.Transaction = tx;
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
    }
}
