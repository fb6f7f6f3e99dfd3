using System.Data.Common;
using System.Globalization;
using Dapper;
using DbUp.Builder;
using DbUp.Engine;
using FundAudit.Api.Infrastructure.Data;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// What a test of one migration needs around it: the service's own scripts of one engine run up to a given number
/// (so rows can be seeded in the schema as it was), and rows read back in an exact form to compare before and after.
/// </summary>
internal static class MigrationSteps
{
    /// <summary>Runs the scripts of <paramref name="folder"/> ("sqlite", "postgres") numbered up to
    /// <paramref name="last"/>, each in its transaction, as <see cref="Migrator"/> runs them all.</summary>
    public static DatabaseUpgradeResult Through(UpgradeEngineBuilder builder, string folder, int last)
    {
        var prefix = Migrator.ResourcePrefix + folder + ".";
        return builder
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name =>
                name.StartsWith(prefix, StringComparison.Ordinal)
                && int.Parse(name.AsSpan(prefix.Length, 4), CultureInfo.InvariantCulture) <= last
            )
            .WithTransactionPerScript()
            .Build()
            .PerformUpgrade();
    }

    /// <summary>Each row of <paramref name="sql"/> as its columns sorted by name, each value in an exact invariant
    /// form (instants round-trip, doubles round-trip, bytes as lowercase hex: the hash as the service reads it).</summary>
    public static async Task<List<string>> RowsAsync(DbConnection connection, string sql) =>
        (await connection.QueryAsync(sql))
            .Cast<IDictionary<string, object?>>()
            .Select(row =>
                string.Join(
                    "|",
                    row.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={Exact(c.Value)}")
                )
            )
            .ToList();

    private static string Exact(object? value) =>
        value switch
        {
            null => "null",
            DateTime instant => instant.ToString("O", CultureInfo.InvariantCulture),
            double number => number.ToString("R", CultureInfo.InvariantCulture),
            byte[] bytes => Convert.ToHexStringLower(bytes),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
}
