using System.Data.Common;
using System.Globalization;
using Dapper;
using DbUp.Builder;
using DbUp.Engine;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Infrastructure.Data;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// What a test of one migration needs around it: the service's own scripts of one engine run up to a given number
/// (so rows can be seeded in the schema as it was), and rows read back in an exact form to compare before and after.
/// </summary>
internal static class MigrationSteps
{
    /// <summary>Every column of grants but its id, from migration 0021 to 0023: a seed that sets them all shows that
    /// a migration of that table keeps every value.</summary>
    public const string GrantColumns = """
        funder_id, identifier, title, description, currency, amount_awarded, amount_disbursed, award_date,
        planned_start_date, planned_end_date, recipient_org_id, recipient_org_name, recipient_country,
        recipient_location_countries, beneficiary_locations, beneficiary_countries, funding_org_id, funding_org_name,
        programme_title, funding_types, location_scope, regrant_type, explicit_level, explicit_purpose,
        explicit_flexible, extra_json, content_hash, level, level_source, level_confidence, level_evidence, purpose,
        purpose_source, purpose_confidence, purpose_evidence, flexible, flexible_source, flexible_confidence,
        flexible_evidence, rule_set_version, classified_at, created_at, updated_at, sensitive, import_id,
        quality_flags, first_import_id
        """;

    /// <summary>Every row of grants (its id and <see cref="GrantColumns"/>) as the service reads it since migration
    /// 0026, which stores updated_at and classified_at NULL when they equal created_at: those two through
    /// <see cref="GrantTimes"/>.</summary>
    public static readonly string GrantsAsRead =
        "SELECT g.id, "
        + GrantColumns.Replace(
            "classified_at, created_at, updated_at,",
            $"{GrantTimes.ClassifiedAt("g")} AS classified_at, created_at, {GrantTimes.UpdatedAt("g")} AS updated_at,",
            StringComparison.Ordinal
        )
        + " FROM grants g ORDER BY g.id";

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

    /// <summary>Every row of grant_corrections and of the two totals tables the grants' triggers keep, in the exact
    /// form of <see cref="RowsAsync"/>: what a migration of the grants must leave as it was.</summary>
    public static async Task<List<string>> BesideGrantsAsync(DbConnection connection) =>
        [
            .. await RowsAsync(connection, "SELECT * FROM grant_corrections ORDER BY id"),
            .. await RowsAsync(connection, "SELECT * FROM grant_day_totals ORDER BY 1, 2, 3, 4, 5, 6, 7"),
            .. await RowsAsync(connection, "SELECT * FROM grant_quality_totals ORDER BY 1, 2, 3, 4, 5, 6"),
        ];

    /// <summary>The connection string of a new SQLite file of its own (in a folder named after
    /// <paramref name="prefix"/>), not pooled, so that the migration runs see each other's changes.</summary>
    public static string NewSqliteFile(string prefix)
    {
        var folder = Path.Combine(
            Path.GetTempPath(),
            "fundaudit-tests",
            prefix + "-" + Guid.NewGuid().ToString("N")[..8]
        );
        Directory.CreateDirectory(folder);
        return $"Data Source={Path.Combine(folder, "fundaudit.db")};Pooling=False";
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
