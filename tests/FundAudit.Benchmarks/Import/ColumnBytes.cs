using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FundAudit.Benchmarks.Import;

/// <summary>
/// Where a grant's stored bytes go (issue 18 goal 3): the average stored size of each grants column and the size of
/// each of its indexes per grant. PostgreSQL: <c>avg(pg_column_size(col))</c> (after any compression, without
/// TOAST pointers' targets) and <c>pg_relation_size</c> of each index; SQLite: the bytes of each value in the record
/// format (text and blobs their length, integers 0–8 bytes by magnitude, reals 8) and dbstat pages of each index.
/// </summary>
internal static class ColumnBytes
{
    public static async Task<string> MeasureAsync(string engine, string connectionString)
    {
        var lines = new StringBuilder();
        var (columns, indexes) =
            engine == "sqlite" ? await SqliteAsync(connectionString) : await PostgresAsync(connectionString);
        lines.AppendLine("bytes per grant, by column (average stored size):");
        foreach (var (name, bytes) in columns.OrderByDescending(c => c.Bytes))
        {
            lines.AppendLine(CultureInfo.InvariantCulture, $"  {name, -32} {bytes, 8:F1}");
        }

        lines.AppendLine(
            CultureInfo.InvariantCulture,
            $"  {"(sum of columns)", -32} {columns.Sum(c => c.Bytes), 8:F1}"
        );
        lines.AppendLine("bytes per grant, by index:");
        foreach (var (name, bytes) in indexes.OrderByDescending(c => c.Bytes))
        {
            lines.AppendLine(CultureInfo.InvariantCulture, $"  {name, -32} {bytes, 8:F1}");
        }

        return lines.ToString();
    }

    private static async Task<(List<(string Name, double Bytes)>, List<(string Name, double Bytes)>)> SqliteAsync(
        string connectionString
    )
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        var names = (await connection.QueryAsync<string>("SELECT name FROM pragma_table_info('grants')")).ToList();
        var sizes = names.Select(c =>
            $"avg(CASE WHEN \"{c}\" IS NULL THEN 0 WHEN typeof(\"{c}\") IN ('text', 'blob') "
            + $"THEN length(CAST(\"{c}\" AS BLOB)) WHEN typeof(\"{c}\") = 'real' THEN 8 "
            + $"WHEN \"{c}\" IN (0, 1) THEN 0 WHEN abs(\"{c}\") < 128 THEN 1 WHEN abs(\"{c}\") < 32768 THEN 2 "
            + $"WHEN abs(\"{c}\") < 8388608 THEN 3 WHEN abs(\"{c}\") < 2147483648 THEN 4 "
            + $"WHEN abs(\"{c}\") < 140737488355328 THEN 6 ELSE 8 END)"
        );
        var row =
            (IDictionary<string, object>)
                await connection.QuerySingleAsync($"SELECT {string.Join(", ", sizes)} FROM grants");
        var columns = names.Zip(row.Values, (n, v) => (n, Convert.ToDouble(v ?? 0, CultureInfo.InvariantCulture)));
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var answer = await BenchPostgres.ReadAsync(
            "sqlite3",
            [
                file,
                "SELECT s.name, SUM(s.pgsize) * 1.0 / (SELECT COUNT(*) FROM grants) FROM dbstat s "
                    + "JOIN sqlite_master m ON m.name = s.name WHERE m.tbl_name = 'grants' GROUP BY s.name",
            ]
        );
        var indexes = answer
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('|'))
            .Select(p => (p[0], double.Parse(p[1], CultureInfo.InvariantCulture)));
        return (columns.ToList(), indexes.ToList());
    }

    private static async Task<(List<(string Name, double Bytes)>, List<(string Name, double Bytes)>)> PostgresAsync(
        string connectionString
    )
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var names = (
            await connection.QueryAsync<string>(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'grants' "
                    + "AND table_schema = current_schema() ORDER BY ordinal_position"
            )
        ).ToList();
        var sizes = names.Select(c => $"COALESCE(avg(pg_column_size(\"{c}\")), 0)::float8");
        var row =
            (IDictionary<string, object>)
                await connection.QuerySingleAsync($"SELECT {string.Join(", ", sizes)} FROM grants");
        var columns = names.Zip(row.Values, (n, v) => (n, Convert.ToDouble(v, CultureInfo.InvariantCulture)));
        var indexes = await connection.QueryAsync<(string, double)>(
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid)::float8 / "
                + "GREATEST((SELECT COUNT(*) FROM grants), 1) FROM pg_index WHERE indrelid = 'grants'::regclass"
        );
        return (columns.ToList(), indexes.ToList());
    }
}
