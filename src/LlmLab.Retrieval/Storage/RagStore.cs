using LlmLab;
using LlmLab.Retrieval.Chunking;
using Microsoft.Data.Sqlite;

namespace LlmLab.Retrieval.Storage;

/// <summary>
/// The index on disk: one SQLite file (Microsoft.Data.Sqlite) in WAL mode holding chunks, their metadata and
/// embeddings, plus a snapshot of the HNSW graph. Keys never repeat (AUTOINCREMENT), so a snapshot that names
/// exactly the current keys is current. The BM25 postings are rebuilt from the chunk texts on load
/// (analysis is fast; a posting table would double the file); the HNSW graph is loaded from its snapshot when
/// the snapshot matches the chunks, and rebuilt otherwise. Each indexing batch is one transaction, so a process
/// killed mid-indexing leaves the last committed batch readable. The database records the embedding model id
/// and dimension and refuses to open with another model. Not thread-safe: one writer per file.
/// </summary>
public sealed class RagStore : IDisposable
{
    const int SchemaVersion = 1;
    readonly SqliteConnection _db;

    RagStore(SqliteConnection db, string path, string modelId, int dimensions)
    {
        _db = db;
        Path = path;
        ModelId = modelId;
        Dimensions = dimensions;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Embedding model the stored vectors come from.</summary>
    public string ModelId { get; }

    /// <summary>Embedding width.</summary>
    public int Dimensions { get; }

    /// <summary>
    /// Opens (or creates) a store for vectors from <paramref name="modelId"/> of width <paramref name="dimensions"/>.
    /// A database made with another model, or a file that is not a database, is an <see cref="InputException"/>.
    /// </summary>
    public static RagStore Open(string path, string modelId, int dimensions)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            db.Open();
            Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            CreateTables(db);
            string? storedModel = Meta(db, "model_id"), storedDims = Meta(db, "dimensions");
            if (storedModel is null)
            {
                SetMeta(db, "model_id", modelId);
                SetMeta(db, "dimensions", dimensions.ToString());
                SetMeta(db, "schema_version", SchemaVersion.ToString());
            }
            else if (storedModel != modelId || storedDims != dimensions.ToString())
            {
                throw new InputException($"{path}: built with embedding model {storedModel} ({storedDims} dimensions), " +
                    $"but the encoder is {modelId} ({dimensions} dimensions); use the same model or a new --db");
            }
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw new InputException($"{path}: not a readable RAG database ({e.Message.TrimEnd('.')}); give another --db");
        }
        catch
        {
            db.Dispose();
            throw;
        }
        return new RagStore(db, path, modelId, dimensions);
    }

    static void CreateTables(SqliteConnection db) => Exec(db, """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS chunks(
            key INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, source_id TEXT NOT NULL, title TEXT NOT NULL,
            section TEXT NOT NULL, position INTEGER NOT NULL, text TEXT NOT NULL, tokens INTEGER NOT NULL,
            embedding BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source_id);
        CREATE TABLE IF NOT EXISTS graph(id INTEGER PRIMARY KEY CHECK (id = 1), chunk_count INTEGER NOT NULL,
            max_key INTEGER NOT NULL, data BLOB NOT NULL);
        """);

    /// <summary>Whether the chunk table exists (false after <see cref="DropChunks"/>).</summary>
    public bool HasChunks()
    {
        using var cmd = Command("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'chunks'");
        return (long)cmd.ExecuteScalar()! > 0;
    }

    /// <summary>Creates the tables if they are missing (they are made on open; this undoes <see cref="DropChunks"/>).</summary>
    public void EnsureChunks() => CreateTables(_db);

    /// <summary>Drops every chunk and the graph snapshot; the model id and dimension stay recorded.</summary>
    public void DropChunks() => Exec(_db, "DROP TABLE IF EXISTS graph; DROP TABLE IF EXISTS chunks;");

    /// <summary>The chunk whose content hash is <paramref name="id"/>, or null.</summary>
    public StoredChunk? Get(string id) => Read("WHERE id = $id", ("$id", id)).FirstOrDefault();

    /// <summary>Content hashes of the chunks stored for one source, by chunk id → key.</summary>
    public Dictionary<string, long> ChunkIdsOf(string sourceId)
    {
        using var cmd = Command("SELECT id, key FROM chunks WHERE source_id = $s", ("$s", sourceId));
        using var r = cmd.ExecuteReader();
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        while (r.Read()) ids[r.GetString(0)] = r.GetInt64(1);
        return ids;
    }

    /// <summary>Starts a write transaction; dispose without <see cref="SqliteTransaction.Commit"/> to roll back.</summary>
    public SqliteTransaction Begin() => _db.BeginTransaction();

    /// <summary>Inserts a chunk with its embedding; returns its key.</summary>
    public long Insert(Chunk c, float[] embedding, SqliteTransaction tx)
    {
        if (embedding.Length != Dimensions) throw new ArgumentException($"embedding has {embedding.Length} dimensions, store {Dimensions}");
        using var cmd = Command("""
            INSERT INTO chunks(id, source_id, title, section, position, text, tokens, embedding)
            VALUES ($id, $s, $t, $sec, $p, $x, $n, $e) RETURNING key
            """, ("$id", c.Id), ("$s", c.SourceId), ("$t", c.Title), ("$sec", c.Section), ("$p", c.Position), ("$x", c.Text),
            ("$n", c.TokenCount), ("$e", ToBytes(embedding)));
        cmd.Transaction = tx;
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Updates the position of an unchanged chunk (text and embedding stay).</summary>
    public void Reposition(long key, int position, SqliteTransaction tx)
    {
        using var cmd = Command("UPDATE chunks SET position = $p WHERE key = $k", ("$p", position), ("$k", key));
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Deletes a chunk.</summary>
    public void Delete(long key, SqliteTransaction tx)
    {
        using var cmd = Command("DELETE FROM chunks WHERE key = $k", ("$k", key));
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Every stored chunk, in key order.</summary>
    public IEnumerable<StoredChunk> All() => Read("ORDER BY key");

    IEnumerable<StoredChunk> Read(string where, params (string Name, object Value)[] args)
    {
        using var cmd = Command("SELECT key, id, source_id, title, section, position, text, tokens, embedding FROM chunks " + where, args);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var chunk = new Chunk(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5), r.GetString(6),
                r.GetInt32(7));
            yield return new StoredChunk(r.GetInt64(0), chunk, FromBytes((byte[])r[8]));
        }
    }

    /// <summary>Number of stored chunks.</summary>
    public long Count()
    {
        using var cmd = Command("SELECT COUNT(*) FROM chunks");
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>The saved HNSW graph if it was saved for exactly the current chunks (same count and largest key), else null.</summary>
    public byte[]? LoadGraph(long chunkCount, long maxKey)
    {
        using var cmd = Command("SELECT data FROM graph WHERE id = 1 AND chunk_count = $c AND max_key = $m", ("$c", chunkCount), ("$m",
            maxKey));
        return cmd.ExecuteScalar() as byte[];
    }

    /// <summary>Saves the HNSW graph snapshot for the current chunks.</summary>
    public void SaveGraph(byte[] data, long chunkCount, long maxKey)
    {
        using var cmd = Command("INSERT OR REPLACE INTO graph(id, chunk_count, max_key, data) VALUES (1, $c, $m, $d)",
            ("$c", chunkCount), ("$m", maxKey), ("$d", data));
        cmd.ExecuteNonQuery();
    }

    SqliteCommand Command(string sql, params (string Name, object Value)[] args)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        return cmd;
    }

    static void Exec(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    static string? Meta(SqliteConnection db, string key)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key = $k";
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() as string;
    }

    static void SetMeta(SqliteConnection db, string key, string value)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = "INSERT OR REPLACE INTO meta(key, value) VALUES ($k, $v)";
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
    }

    static byte[] ToBytes(float[] v)
    {
        var bytes = new byte[v.Length * 4];
        Buffer.BlockCopy(v, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    static float[] FromBytes(byte[] b)
    {
        var v = new float[b.Length / 4];
        Buffer.BlockCopy(b, 0, v, 0, b.Length);
        return v;
    }

    /// <inheritdoc />
    public void Dispose() => _db.Dispose();
}
