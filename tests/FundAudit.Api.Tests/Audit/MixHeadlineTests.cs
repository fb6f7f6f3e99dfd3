using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The headline of a funder's unfiltered mix grouped by place or programme, whose grants in the report's currency are
/// grouped by the report's dimensions alone while the headline's level, purpose and flexibility come from the stored
/// daily totals in the same statement (<see cref="MixReportCurrency.Splits"/>): every headline figure (total, grants,
/// prevention + collective, flexible, local, unclassified, by level, by purpose) and every cell equal a from-scratch
/// GROUP BY over the grants with their corrections, for grants all in EUR and for the same grants with two more in
/// USD (which the scan reads by day); a filtered report (not split) agrees too.
/// </summary>
public abstract class MixHeadlineTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private sealed record Group
    {
        public string Level { get; init; } = "";

        public string Purpose { get; init; } = "";

        public bool? Flexible { get; init; }

        public string? Programme { get; init; }

        public string? Region { get; init; }

        public string? Alpha2 { get; init; }

        public string Currency { get; init; } = "";

        public long Grants { get; init; }

        public long Amount { get; init; }
    }

    [Theory]
    [InlineData("programme", false, null)]
    [InlineData("region,purpose", false, null)]
    [InlineData("level,country", false, null)]
    [InlineData("country,programme,flexible", false, null)]
    [InlineData("programme", true, null)]
    [InlineData("region,purpose", true, null)]
    [InlineData("level,purpose", false, "Latin America and the Caribbean")]
    public async Task The_headline_equals_a_from_scratch_group_by(string groupBy, bool usd, string? region)
    {
        var tenant = await SeedAsync(usd);
        var q = new MixQuery(
            new AuditPeriod(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)),
            "EUR",
            groupBy.Split(','),
            null,
            region,
            null,
            null,
            1
        );
        Assert.Equal(region is null, MixReportCurrency.Splits(q));
        var (mix, missing) = await app
            .Services.GetRequiredService<MixCalculator>()
            .ComputeAsync(tenant.FunderId, q, medians: false, default);
        Assert.Null(missing);
        var groups = (await FromScratchAsync(tenant.FunderId))
            .Where(g => region is null || g.Region == region)
            .ToList();

        // USD converts at 0.5 EUR on every day of the seed: each USD group's amount halves exactly (even cents).
        long Eur(Group g) => g.Currency == "USD" ? g.Amount / 2 : g.Amount;
        long Sum(Func<Group, bool> where) => groups.Where(where).Sum(Eur);
        Assert.Equal(groups.Sum(Eur), mix!.TotalMinor);
        Assert.Equal(groups.Sum(g => g.Grants), mix.Grants);
        Assert.Equal(Sum(g => g.Purpose is "prevention" or "collective"), mix.PreventionCollectiveMinor);
        Assert.Equal(Sum(g => g.Flexible == true), mix.FlexibleMinor);
        Assert.Equal(Sum(g => g.Level == "local"), mix.LocalMinor);
        Assert.Equal(Sum(g => g.Level == "unclassified" || g.Purpose == "unclassified"), mix.UnclassifiedMinor);
        Assert.Equal(
            groups.Where(g => g.Level == "unclassified" || g.Purpose == "unclassified").Sum(g => g.Grants),
            mix.UnclassifiedGrants
        );
        foreach (var level in MixCalculator.Levels)
        {
            Assert.Equal(Sum(g => g.Level == level), mix.LevelMinor[level]);
        }

        foreach (var purpose in MixCalculator.Purposes)
        {
            Assert.Equal(Sum(g => g.Purpose == purpose), mix.PurposeMinor[purpose]);
        }

        Assert.Equal(mix.TotalMinor, mix.Cells.Sum(c => c.AmountMinor));
        Assert.Equal(mix.Grants, mix.Cells.Sum(c => c.Grants));
        Assert.True(mix.LevelMinor.Values.Distinct().Count() > 2, "the seed spreads the grants over the levels");
    }

    private async Task<List<Group>> FromScratchAsync(long funderId)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        return (
            await connection.QueryAsync<Group>(
                """
                SELECT COALESCE(c.level, g.level) AS Level, COALESCE(c.purpose, g.purpose) AS Purpose,
                       COALESCE(c.flexible, g.flexible) AS Flexible, g.programme_title AS Programme,
                       r.region AS Region, r.alpha2 AS Alpha2, g.currency AS Currency,
                       COUNT(*) AS Grants, SUM(g.amount_awarded) AS Amount
                FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
                LEFT JOIN country_regions r ON r.country_key = upper(g.recipient_country)
                WHERE g.funder_id = @FunderId
                GROUP BY COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose), COALESCE(c.flexible, g.flexible),
                         g.programme_title, r.region, r.alpha2, g.currency
                """,
                new { FunderId = funderId }
            )
        ).ToList();
    }

    /// <summary>
    /// Nine EUR grants (prevention, some core support, and text no rule places) on three days, in countries spelled
    /// several ways, unknown or missing, in two programmes (one missing), three of them corrected (level, purpose,
    /// flexibility); with <paramref name="usd"/> two more in USD, and a rate of 2 USD to the euro on those days.
    /// </summary>
    private async Task<Tenant> SeedAsync(bool usd)
    {
        var tenant = await app.CreateTenantAsync();
        (string Id, string Currency, string Day, string? Country, string? Programme)[] grants =
        [
            ("H-1", "EUR", "2024-05-01", "HN", "Protection"),
            ("H-2", "EUR", "2024-05-02", "hn", "Protection"),
            ("H-3", "EUR", "2024-05-03", "Honduras", "Shelter"),
            ("H-4", "EUR", "2024-05-02", "Atlantis", null),
            ("H-5", "EUR", "2024-05-03", "KE", "Protection"),
            ("H-6", "EUR", "2024-05-01", null, "Protection"),
            ("H-7", "EUR", "2024-05-01", "GT", "Shelter"),
            ("H-8", "EUR", "2024-05-02", "kenya", "Shelter"),
            ("H-9", "EUR", "2024-05-03", "HN", null),
            .. usd
                ? new[]
                {
                    ("U-1", "USD", "2024-05-01", "HN", "Protection"),
                    ("U-2", "USD", "2024-05-02", "KE", (string?)null),
                }
                : [],
        ];
        await MixSeed.PostPlacedAsync(app, tenant, grants, i => 1000.02m + (i * 41.16m));
        if (usd)
        {
            await HttpAssert.OkJsonAsync(
                await tenant.Client.PostAsync(
                    "/api/audit/rates",
                    PortfolioWrites.Csv("date,currency,rate_to_base,base\n2024-05-01,USD,2,EUR\n2024-05-02,USD,2,EUR\n")
                )
            );
        }

        await MixSeed.CorrectAsync(tenant, "H-2", new JsonObject { ["level"] = "regional", ["flexible"] = true });
        await MixSeed.CorrectAsync(tenant, "H-4", new JsonObject { ["purpose"] = "collective" });
        await MixSeed.CorrectAsync(tenant, "H-7", new JsonObject { ["level"] = "global", ["flexible"] = false });
        return tenant;
    }
}

[Collection(SharedApps.Sqlite1)]
public sealed class SqliteMixHeadlineTests(SqliteApp app) : MixHeadlineTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresMixHeadlineTests(PostgresApp app) : MixHeadlineTests<PostgresApp>(app);

/// <summary>The report-currency statement with the headline's rows and the other-currency probe parses with SQL
/// Server's own parser.</summary>
public sealed class MixHeadlineSqlServerTests
{
    [Theory]
    [InlineData("programme", false)]
    [InlineData("level,country", true)]
    [InlineData("country,programme,flexible", true)]
    public void The_split_statement_parses_for_SQL_Server(string groupBy, bool corrections)
    {
        var q = new MixQuery(
            new AuditPeriod(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)),
            "EUR",
            groupBy.Split(','),
            null,
            null,
            null,
            null,
            1
        );
        var (where, _) = MixFilter.OverGrants(1, q);
        var (sql, _) = MixReportCurrency.Sql(where, q, corrections, MixFilter.OverDayTotals(1, q).Where, probe: true);
        SqlServer.TSql.AssertParses("MixReportCurrency.Sql (split)", sql);
    }
}
