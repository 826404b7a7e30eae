using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LlmLab.Agents.Tools;

/// <summary>
/// Runs one SELECT against a SQLite database and nothing else, enforced by the tool in depth, not by the model:
/// (1) the connection is opened read-only (<c>Mode=ReadOnly</c>: SQLITE_OPEN_READONLY) with <c>PRAGMA query_only</c>;
/// (2) SQLite's authorizer (sqlite3_set_authorizer) allows only reading tables, calling functions and recursive CTEs, so
/// INSERT, UPDATE, DELETE, DROP, CREATE, ATTACH or PRAGMA fail at prepare time; (3) the text must start with SELECT or
/// WITH and prepare to exactly one statement (sqlite3_prepare_v2's tail must be empty, so "SELECT 1; DROP TABLE t" is
/// refused whole) that sqlite3_stmt_readonly confirms. Results stop at <see cref="MaxRows"/> rows and the query is
/// interrupted (sqlite3_interrupt) after <see cref="Timeout"/>. One connection per query: thread-safe.
/// </summary>
public sealed class ReadOnlySql
{
    // sqlite3.h action codes the authorizer lets through.
    const int SqliteRead = 20, SqliteSelect = 21, SqliteFunction = 31, SqliteRecursive = 33;
    const int SqliteOk = 0, SqliteDeny = 1, SqliteInterrupt = 9, SqliteAuth = 23;

    /// <param name="path">The database file (must exist; it is never written).</param>
    /// <param name="maxRows">Rows returned at most (the rest is cut and said so).</param>
    /// <param name="timeout">Wall time a query may run before it is interrupted.</param>
    /// <exception cref="InputException">The database does not exist.</exception>
    public ReadOnlySql(string path, int maxRows = 50, TimeSpan? timeout = null)
    {
        if (!File.Exists(path)) throw new InputException($"SQL database '{path}' does not exist: create it (SampleDatabase.Create) or " +
            $"give another");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        (Path, MaxRows, Timeout) = (System.IO.Path.GetFullPath(path), maxRows, timeout ?? TimeSpan.FromSeconds(2));
    }

    public string Path { get; }
    public int MaxRows { get; }
    public TimeSpan Timeout { get; }

    /// <summary>The result of <paramref name="sql"/> as text: a header line of column names, one line per row
    /// (" | " between cells), and a closing "(N rows)" line.</summary>
    /// <exception cref="InputException">Not a single read-only SELECT, an SQL error, or the time limit.</exception>
    public string Query(string sql)
    {
        string text = (sql ?? "").Trim();
        string first = new string(text.TakeWhile(char.IsAsciiLetter).ToArray()).ToUpperInvariant();
        if (first is not ("SELECT" or "WITH"))
            throw new InputException($"only a SELECT query is allowed (got '{Shorten(text)}'): this tool never writes");
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadOnly,
            Pooling = false }
            .ToString());
        conn.Open();
        using (var pragma = conn.CreateCommand())
        {
            pragma.CommandText = "PRAGMA query_only = ON";
            pragma.ExecuteNonQuery();
        }
        raw.sqlite3_set_authorizer(conn.Handle, Authorize, null);
        CheckSingleReadOnly(conn, text);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = text;
        using var timer = new Timer(_ => raw.sqlite3_interrupt(conn.Handle), null, Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        try
        {
            using var reader = cmd.ExecuteReader();
            var sb = new StringBuilder();
            sb.AppendLine(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)));
            int rows = 0;
            bool cut = false;
            while (reader.Read())
            {
                if (rows == MaxRows) { cut = true; break; }
                sb.AppendLine(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => Cell(reader.GetValue(i)))));
                rows++;
            }
            sb.Append(cut ? $"({rows} rows shown: the row limit; more exist — aggregate or add LIMIT)" : $"({rows} rows)");
            return sb.ToString();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteInterrupt)
        {
            throw new InputException($"the query ran longer than {Timeout.TotalSeconds:0.###} s and was stopped: simplify it");
        }
        catch (SqliteException e)
        {
            throw new InputException($"SQL error: {e.Message.Replace("SQLite Error ", "", StringComparison.Ordinal)}");
        }
    }

    static void CheckSingleReadOnly(SqliteConnection conn, string sql)
    {
        int rc = raw.sqlite3_prepare_v2(conn.Handle, sql, out sqlite3_stmt stmt, out string tail);
        using (stmt)
        {
            if (rc == SqliteAuth) throw new InputException($"refused: '{Shorten(sql)}' does more than read (only one SELECT is allowed)");
            if (rc != SqliteOk) throw new InputException($"SQL error: {raw.sqlite3_errmsg(conn.Handle).utf8_to_string()}");
            if (stmt is null || stmt.IsInvalid) throw new InputException("the query is empty: give one SELECT");
            if (!string.IsNullOrWhiteSpace(tail.Trim().TrimStart(';')))
                throw new InputException($"only one statement is allowed; remove what follows the first ';' ('{Shorten(tail.Trim())}')");
            if (raw.sqlite3_stmt_readonly(stmt) == 0) throw new InputException("refused: the statement would write");
        }
    }

    static int Authorize(object userData, int action, utf8z p0, utf8z p1, utf8z db, utf8z view) =>
        action is SqliteRead or SqliteSelect or SqliteFunction or SqliteRecursive ? SqliteOk : SqliteDeny;

    static string Cell(object v) => v switch
    {
        DBNull => "NULL",
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
