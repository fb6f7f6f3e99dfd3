using Dapper;
using FundAudit.Api.Infrastructure.Data;
using Microsoft.Data.Sqlite;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// SQLite's bulk insert binds a parameter again only when its value differs from the one it holds from the last rows
/// (<see cref="SqliteValues.Same"/>): rows written through one bulk upsert, in statements of 64 rows and remainders,
/// store exactly what the same rows store each written alone through a bulk upsert of its own (every value bound),
/// for every value kind, equal values in other instances, NULLs between values and one instant in two offsets.
/// </summary>
public sealed class SqliteBulkUpsertBindingTests
{
    private static readonly string[] Columns = ["k", "txt", "n", "r", "d", "ts", "b", "flag"];

    [Fact]
    public async Task Rows_written_together_store_what_each_row_written_alone_stores()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        await connection.ExecuteAsync(
            "CREATE TABLE together (id INTEGER PRIMARY KEY, k TEXT UNIQUE, txt TEXT, n INTEGER, r REAL, d TEXT, "
                + "ts TEXT, b BLOB, flag INTEGER); CREATE TABLE alone AS SELECT * FROM together WHERE 0;"
        );
        var rows = Enumerable.Range(0, 230).Select(Row).ToList();

        await using (var tx = await connection.BeginTransactionAsync())
        {
            await using (var together = new SqliteBulkUpsert(connection, Target("together")))
            {
                // Calls of 70, 64, 1 and 95 rows: full statements, remainders, and a statement used again later.
                foreach (var (skip, take) in new[] { (0, 70), (70, 64), (134, 1), (135, 95) })
                {
                    await together.InsertNewAsync(rows.GetRange(skip, take), tx, CancellationToken.None);
                }
            }

            foreach (var row in rows)
            {
                await using var alone = new SqliteBulkUpsert(connection, Target("alone"));
                await alone.InsertNewAsync([row], tx, CancellationToken.None);
            }

            await tx.CommitAsync();
        }

        var quoted = string.Join(" || '|' || ", Columns.Select(c => $"quote({c})"));
        var stored = await connection.QueryAsync<string>($"SELECT {quoted} FROM together ORDER BY id");
        var expected = (await connection.QueryAsync<string>($"SELECT {quoted} FROM alone ORDER BY id")).ToList();
        Assert.Equal(230, expected.Count);
        Assert.Equal(expected, stored);
        // The rows do differ where the values do: a parameter left bound from the row before would show here.
        Assert.Equal(
            [.. rows.Select(r => r[1] as string)],
            await connection.QueryAsync<string?>("SELECT txt FROM together ORDER BY id")
        );
    }

    private static object?[] Row(int i)
    {
        var noon = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        return
        [
            $"k{i}",
            (i % 6) switch
            {
                0 => "same",
                1 => new string("same".ToCharArray()), // equal, another instance
                2 => null,
                3 => "",
                4 => $"t{i / 7}",
                _ => "é ∑ 😀",
            },
            (i % 5) switch
            {
                0 or 1 => 7L,
                2 => null,
                _ => (long)(i / 10),
            },
            (i % 4) switch
            {
                0 or 1 => 0.5,
                2 => null,
                _ => i / 3.0,
            },
            i % 3 == 0 ? null : new DateOnly(2024, 1, 1).AddDays(i / 9),
            (i % 3) switch
            {
                0 => noon,
                1 => noon.ToOffset(TimeSpan.FromHours(2)), // the same instant, written in UTC
                _ => noon.AddTicks(i),
            },
            i % 4 == 0 ? null : new[] { (byte)(i % 3), (byte)1 },
            i % 5 == 0 ? null : i % 2 == 0,
        ];
    }

    private static BulkUpsertTarget Target(string table) =>
        new(table, "id", ["k"], Columns, Columns[1..], "true", [], new Dictionary<string, string>());
}
