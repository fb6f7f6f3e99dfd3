using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The medians of the groupings whose sums are the stored daily totals (level, purpose, flexible, fiscal year), which
/// PostgreSQL reads as one array of amounts per cell while every grant of the funder's period is in the report's
/// currency (<see cref="MixMedianArrays"/>), and otherwise (SQLite, another currency) grant by grant: each cell's
/// median from the service equals a from-scratch median of the cell's grants (sorted; the mean of the two middle ones,
/// rounded half to even) without corrections (the arrays' statement without the join), with corrections moving grants
/// between cells (with the join), and with a grant in USD (every grant read and converted); fiscal years starting in
/// April, with grants on each side of the year's edge. On PostgreSQL, the arrays are taken only where they may be, and
/// a correction written after the statement was chosen makes its own snapshot say no.
/// </summary>
public abstract class MixMedianArraysTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static readonly AuditPeriod Period = new(new DateOnly(2024, 1, 1), new DateOnly(2025, 12, 31));

    private sealed record Grant
    {
        public string Level { get; init; } = "";

        public string Purpose { get; init; } = "";

        public string Flexible { get; init; } = "";

        public string Currency { get; init; } = "";

        public DateOnly AwardDate { get; init; }

        public long Amount { get; init; }
    }

    [Theory]
    [InlineData("level")]
    [InlineData("purpose")]
    [InlineData("level,purpose")]
    [InlineData("flexible")]
    [InlineData("year")]
    [InlineData("year,level")]
    public async Task Each_cells_median_equals_a_from_scratch_median_on_every_path(string groupBy)
    {
        var tenant = await SeedAsync();
        var q = Query(groupBy);
        Assert.Equal(await FromScratchAsync(tenant.FunderId, q), await MediansAsync(tenant.FunderId, q));

        // Corrections move E-2 to another level and flexibility, E-7 to another purpose.
        await CorrectAsync(tenant);
        Assert.Equal(await FromScratchAsync(tenant.FunderId, q), await MediansAsync(tenant.FunderId, q));

        // A grant in USD (125.00 at 1.25 = 100.00 EUR): every grant read and converted.
        await MixSeed.PostUsdGrantAsync(tenant);
        Assert.Equal(await FromScratchAsync(tenant.FunderId, q), await MediansAsync(tenant.FunderId, q));
    }

    [Fact]
    public async Task The_arrays_serve_only_one_currency_on_an_engine_with_arrays()
    {
        var tenant = await SeedAsync();
        var db = app.Services.GetRequiredService<Db>();
        var q = Query("level,purpose");
        Assert.Equal(app is PostgresApp, MixMedianArrays.Applies(q, db.Dialect));
        Assert.False(MixMedianArrays.Applies(q with { GroupBy = ["level", "country"] }, db.Dialect));
        if (!MixMedianArrays.Applies(q, db.Dialect))
        {
            return;
        }

        var (where, p) = MixFilter.OverGrants(tenant.FunderId, q);
        var sql = await MixMedianArrays.SqlAsync(db, q, where, p, default);
        Assert.DoesNotContain("grant_corrections c", sql!(">="), StringComparison.Ordinal);
        await CorrectAsync(tenant);
        sql = await MixMedianArrays.SqlAsync(db, q, where, p, default);
        Assert.Contains("grant_corrections c", sql!(">="), StringComparison.Ordinal);
        await MixSeed.PostUsdGrantAsync(tenant);
        Assert.Null(await MixMedianArrays.SqlAsync(db, q, where, p, default));
    }

    [Fact]
    public async Task A_correction_written_after_the_statement_was_chosen_makes_it_say_no()
    {
        var tenant = await SeedAsync();
        var db = app.Services.GetRequiredService<Db>();
        var q = Query("level");
        if (!MixMedianArrays.Applies(q, db.Dialect))
        {
            return;
        }

        var (where, p) = MixFilter.OverGrants(tenant.FunderId, q);
        var sql = (await MixMedianArrays.SqlAsync(db, q, where, p, default))!(">=");
        await SaysNoAfterACorrectionAsync(tenant, q, sql, p, m => MixMedianArrays.Reader(m, q));
    }

    /// <summary>
    /// Read grant by grant (SQLite; another currency), a period without corrections is read without the join, each
    /// grant's own classification: a correction written after that statement was chosen makes its own snapshot say
    /// no (the grants are then read again with the join), and the medians still equal the from-scratch ones.
    /// </summary>
    [Fact]
    public async Task The_rows_read_without_the_join_says_no_after_a_correction_is_written()
    {
        var tenant = await SeedAsync();
        var db = app.Services.GetRequiredService<Db>();
        var q = Query("level,purpose");
        var (where, p) = MixFilter.OverGrants(tenant.FunderId, q);
        p[MixDimensions.ShiftMonthsParameter] = q.FiscalYearStartMonth - 1;
        var sql = MixMedianRead.RowsSql(db, q, where, ">=", join: false);
        Assert.DoesNotContain("grant_corrections c", sql, StringComparison.Ordinal);
        await SaysNoAfterACorrectionAsync(tenant, q, sql, p, m => MixMedianRead.Reader(m, q.GroupBy.Count));
    }

    /// <summary>
    /// <paramref name="sql"/> (one award-date range from the period's first day) read into the cells' medians by
    /// <paramref name="reader"/>: every grant kept before the corrections, a no once they are written, and the
    /// service's medians then equal to the from-scratch ones.
    /// </summary>
    private async Task SaysNoAfterACorrectionAsync(
        Tenant tenant,
        MixQuery q,
        string sql,
        Dictionary<string, object> p,
        Func<MixMedians, Func<IRowCursor, bool>> reader
    )
    {
        var db = app.Services.GetRequiredService<Db>();
        async Task<(bool Answers, int Grants)> ReadAsync()
        {
            var medians = new MixMedians([.. q.GroupBy]);
            var read = reader(medians);
            var answers = true;
            await using var connection = await db.OpenAsync();
            var parameters = new Dictionary<string, object>(p) { ["Split"] = Period.From };
            await db.Engine.ReadRowsAsync(connection, sql, parameters, row => answers &= read(row), default);
            return (answers, medians.Count);
        }

        Assert.Equal((true, 10), await ReadAsync());
        await CorrectAsync(tenant);
        Assert.False((await ReadAsync()).Answers);
        Assert.Equal(await FromScratchAsync(tenant.FunderId, q), await MediansAsync(tenant.FunderId, q));
    }

    private static MixQuery Query(string groupBy) => new(Period, "EUR", groupBy.Split(','), null, null, null, null, 4);

    /// <summary>The service's medians of <paramref name="q"/>, keyed by the cells' grouped values.</summary>
    private async Task<Dictionary<string, long>> MediansAsync(long funderId, MixQuery q)
    {
        var (mix, missing) = await app
            .Services.GetRequiredService<MixCalculator>()
            .ComputeAsync(funderId, q, true, default);
        Assert.Null(missing);
        return mix!.Cells.ToDictionary(c => string.Join('/', q.GroupBy.Select(d => c.Key[d])), c => c.MedianMinor);
    }

    /// <summary>The cells' medians from scratch: every grant (corrections winning) keyed as the cells are, the fiscal
    /// year starting in April, each cell's amounts (USD at 1.25 per EUR) sorted.</summary>
    private async Task<Dictionary<string, long>> FromScratchAsync(long funderId, MixQuery q)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var grants = await connection.QueryAsync<Grant>(
            """
            SELECT COALESCE(c.level, g.level) AS Level, COALESCE(c.purpose, g.purpose) AS Purpose,
                   CASE WHEN COALESCE(c.flexible, g.flexible) IS NULL THEN 'unclassified'
                        WHEN COALESCE(c.flexible, g.flexible) THEN 'true' ELSE 'false' END AS Flexible,
                   g.currency AS Currency, g.award_date AS AwardDate, g.amount_awarded AS Amount
            FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
            WHERE g.funder_id = @FunderId
            """,
            new { FunderId = funderId }
        );
        string Key(Grant g, string dim) =>
            dim switch
            {
                "level" => g.Level,
                "purpose" => g.Purpose,
                "flexible" => g.Flexible,
                _ => g.AwardDate.AddMonths(-3).Year.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        return grants
            .GroupBy(g => string.Join('/', q.GroupBy.Select(dim => Key(g, dim))))
            .ToDictionary(
                c => c.Key,
                c =>
                {
                    var sorted = c.Select(g => g.Currency == "USD" ? g.Amount / 1.25m : g.Amount).Order().ToList();
                    var mean = (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2m;
                    return (long)Math.Round(mean, MidpointRounding.ToEven);
                }
            );
    }

    /// <summary>
    /// Ten grants in EUR, none corrected: ties (100.00 three times, 75.50 twice), even and odd cells, a mean on half a
    /// cent, and grants on each side of the fiscal year's edge (31 March, 1 April).
    /// </summary>
    private async Task<Tenant> SeedAsync()
    {
        var tenant = await app.CreateTenantAsync();
        (string Id, decimal Amount, string Day)[] grants =
        [
            ("E-1", 100.00m, "2024-03-31"),
            ("E-2", 100.00m, "2024-04-01"),
            ("E-3", 250.01m, "2024-06-01"),
            ("E-4", 99.99m, "2024-03-30"),
            ("E-5", 100.00m, "2025-03-31"),
            ("E-6", 200.01m, "2025-04-01"),
            ("E-7", 75.50m, "2024-12-31"),
            ("E-8", 75.50m, "2025-01-01"),
            ("E-9", 3000.00m, "2024-07-01"),
            ("E-10", 42.00m, "2024-04-02"),
        ];
        var package = Giving.Package([
            .. grants.Select(
                (g, i) =>
                    i % 3 == 2
                        ? AuditGrants.Zebra(g.Id, g.Amount, "EUR", g.Day)
                        : AuditGrants.Prevention(g.Id, g.Amount, "EUR", g.Day, core: i % 2 == 0)
            ),
        ]);
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(package));
        return tenant;
    }

    private static async Task CorrectAsync(Tenant tenant)
    {
        await MixSeed.CorrectAsync(tenant, "E-2", new JsonObject { ["level"] = "regional", ["flexible"] = true });
        await MixSeed.CorrectAsync(tenant, "E-7", new JsonObject { ["purpose"] = "collective" });
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteMixMedianArraysTests(SqliteApp app) : MixMedianArraysTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresMixMedianArraysTests(PostgresApp app) : MixMedianArraysTests<PostgresApp>(app);
