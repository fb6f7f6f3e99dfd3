using System.Buffers;
using System.Data.Common;
using System.Text.Json;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// Adds an import's summed groups to a stored totals table (<see cref="JsonTotalsTarget"/>) the way both SQLite totals
/// do it (<see cref="NewGrantDayTotals"/>, <see cref="NewGrantQualityTotals"/>): one JSON array of rows per statement,
/// at most <see cref="GroupsPerStatement"/> groups each, through <see cref="IDbEngine.AddFromJsonAsync"/>.
/// </summary>
internal static class JsonTotalsRows
{
    /// <summary>Groups per statement: a JSON text of about 1 MB.</summary>
    public const int GroupsPerStatement = 10_000;

    /// <summary>
    /// A totals table as the import adds to it (<see cref="JsonTotalsGroups{TKey}"/>): one JSON row per group, summed
    /// into a stored group; funder_id and <paramref name="keys"/> are the group, grant_count and amount the sums.
    /// </summary>
    public static JsonTotalsTarget GroupsTarget(string table, params (string Column, ColumnType Type)[] keys) =>
        new(
            table,
            [
                ("funder_id", ColumnType.Integer),
                .. keys,
                ("grant_count", ColumnType.Integer),
                ("amount", ColumnType.Integer),
            ],
            ["funder_id", .. keys.Select(k => k.Column)],
            ["grant_count", "amount"]
        );

    /// <summary>Writes a date column's value as the rows carry it: yyyy-MM-dd.</summary>
    public static void WriteDate(Utf8JsonWriter json, DateOnly date) =>
        json.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>
    /// Writes <paramref name="groups"/> to <paramref name="target"/> inside <paramref name="transaction"/>;
    /// <paramref name="writeRow"/> writes one group's values in the order of the target's columns.
    /// </summary>
    public static async Task AddAsync<TKey, TSum>(
        IEnumerable<KeyValuePair<TKey, TSum>> groups,
        Action<Utf8JsonWriter, TKey, TSum> writeRow,
        JsonTotalsTarget target,
        DbTransaction transaction,
        IDbEngine engine,
        CancellationToken ct
    )
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        foreach (var chunk in groups.Chunk(GroupsPerStatement))
        {
            buffer.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartArray();
                foreach (var (key, sum) in chunk)
                {
                    json.WriteStartArray();
                    writeRow(json, key, sum);
                    json.WriteEndArray();
                }

                json.WriteEndArray();
            }

            await engine.AddFromJsonAsync(
                transaction,
                target,
                System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan),
                ct
            );
        }
    }
}
