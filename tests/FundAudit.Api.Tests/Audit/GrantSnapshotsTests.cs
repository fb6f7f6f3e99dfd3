using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.Audit.Snapshots;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Core.Audit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static FundAudit.Api.Tests.Audit.PortfolioWrites;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// A funder's grants held in an instance's memory (<see cref="GrantSnapshots"/>, issue 18) answer every report exactly
/// as the database does, and are never handed out once the stored grants moved on: after every kind of write (the JSON
/// upsert, the CSV import job, corrections, the re-classification job, deletes, SQL straight on the grants as another
/// instance or a purge writes them) the snapshot read before is stale at once, and one read again answers each report
/// (groupings by level, purpose, year, region, country and programme, with and without medians, the place and
/// programme filters, a part of the period; four currencies) with the same cells, totals and medians as the database.
/// The apps keep every funder's grants (SnapshotMinGrants 1).
/// </summary>
public abstract class GrantSnapshotsTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static readonly AuditPeriod Year2024 = new(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31));

    private GrantSnapshots Snapshots => app.Services.GetRequiredService<GrantSnapshots>();

    /// <summary>The service's calculator, which reads a fresh snapshot when there is one.</summary>
    private MixCalculator FromSnapshots => app.Services.GetRequiredService<MixCalculator>();

    /// <summary>A calculator over the same database whose snapshots are off: the database's own answer.</summary>
    private MixCalculator FromDatabase =>
        new(
            app.Services.GetRequiredService<MixStore>(),
            app.Services.GetRequiredService<RateStore>(),
            SnapshotsWith(new AuditOptions { Snapshots = false }),
            app.Services.GetRequiredService<IOptions<AuditOptions>>()
        );

    private GrantSnapshots SnapshotsWith(AuditOptions options) =>
        new(
            app.Services.GetRequiredService<Db>(),
            Options.Create(options),
            app.Clock,
            NullLogger<GrantSnapshots>.Instance
        );

    private static MixQuery Query(
        string groupBy,
        string? region = null,
        string? country = null,
        string? programme = null,
        AuditPeriod? period = null,
        int fiscalYearStartMonth = 1
    ) => new(period ?? Year2024, "EUR", groupBy.Split(','), programme, region, country, null, fiscalYearStartMonth);

    /// <summary>The reports compared, each with and without medians.</summary>
    private static IEnumerable<MixQuery> Reports(string region) =>
        [
            Query("level,purpose"),
            Query("year"),
            Query("flexible"),
            Query("level,country"),
            Query("region,purpose"),
            Query("programme"),
            Query("level,purpose", region: region),
            Query("level,purpose", country: "HN"),
            Query("level,purpose", country: "ke"),
            Query("purpose", programme: "Protection"),
            Query("purpose", programme: "No such programme"),
            Query("level,purpose", period: new(new DateOnly(2024, 5, 1), new DateOnly(2024, 5, 2))),
            // Fiscal years from June: a group's grants of May and June 2024 fall in two years' cells.
            Query(
                "year,level",
                period: new(new DateOnly(2023, 1, 1), new DateOnly(2025, 12, 31)),
                fiscalYearStartMonth: 6
            ),
        ];

    private static JsonObject Grant(
        string id,
        decimal amount,
        string currency,
        string date,
        string country = "HN",
        string programme = "Protection",
        string title = "Security training for defenders"
    )
    {
        var g = Giving.Grant(id, amount, currency, date, title);
        g["recipientOrganization"]![0]!["addressCountry"] = country;
        g["grantProgramme"]![0]!["title"] = programme;
        return g;
    }

    /// <summary>
    /// The snapshot read before <paramref name="step"/> is stale when <paramref name="moved"/> (none is handed out),
    /// else still fresh; then a snapshot read now answers every report as the database does, and is what answers
    /// them (the count of snapshots handed out rises by one a report).
    /// </summary>
    private async Task AssertAnswersAsDatabaseAsync(Tenant tenant, string step, bool moved = true)
    {
        var before = await Snapshots.FreshAsync(tenant.FunderId, CancellationToken.None);
        Assert.True(
            moved == before is null,
            $"After {step}: the snapshot read before is {(before is null ? "stale" : "fresh")}."
        );
        var snapshot = await Snapshots.WarmAsync(tenant.FunderId, CancellationToken.None);
        Assert.NotNull(snapshot);
        var writes = new PortfolioWrites(app, tenant);
        Assert.Equal(
            await writes.ScalarAsync<long>("SELECT COUNT(*) FROM grants WHERE funder_id = @FunderId"),
            await writes.ScalarAsync<long>("SELECT grants FROM grant_data_versions WHERE funder_id = @FunderId")
        );
        Assert.Equal(
            snapshot.Count,
            await writes.ScalarAsync<long>("SELECT COUNT(*) FROM grants WHERE funder_id = @FunderId")
        );
        var region = await RegionOfAsync("HN");
        foreach (var q in Reports(region))
        {
            foreach (var medians in new[] { false, true })
            {
                var served = Snapshots.Served;
                var (kept, keptMissing) = await FromSnapshots.ComputeAsync(
                    tenant.FunderId,
                    q,
                    medians,
                    CancellationToken.None
                );
                Assert.Equal(served + 1, Snapshots.Served);
                var (read, readMissing) = await FromDatabase.ComputeAsync(
                    tenant.FunderId,
                    q,
                    medians,
                    CancellationToken.None
                );
                Assert.Null(keptMissing);
                Assert.Null(readMissing);
                var (expected, actual) = (JsonSerializer.Serialize(read), JsonSerializer.Serialize(kept));
                Assert.True(
                    expected == actual,
                    $"After {step}, {string.Join(',', q.GroupBy)} (region {q.Region}, country {q.Country}, programme {q.Programme}, medians {medians}):\nsnapshot {actual}\ndatabase {expected}"
                );
            }
        }
    }

    private async Task<string> RegionOfAsync(string alpha2)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<string>(
            "SELECT region FROM country_regions WHERE country_key = @Key",
            new { Key = alpha2 }
        ) ?? throw new InvalidOperationException($"No region for {alpha2}.");
    }

    private static async Task RatesAsync(Tenant tenant)
    {
        var csv = new System.Text.StringBuilder("date,currency,rate_to_base,base\n");
        for (var day = new DateOnly(2024, 5, 1); day <= new DateOnly(2024, 7, 1); day = day.AddDays(1))
        {
            csv.Append(System.FormattableString.Invariant($"{day:yyyy-MM-dd},USD,1.1{day.Day % 7},EUR\n"));
            csv.Append(System.FormattableString.Invariant($"{day:yyyy-MM-dd},GBP,0.85,EUR\n"));
            csv.Append(System.FormattableString.Invariant($"{day:yyyy-MM-dd},JPY,161.3,EUR\n"));
        }

        await HttpAssert.OkJsonAsync(await tenant.Client.PostAsync("/api/audit/rates", Csv(csv.ToString())));
    }

    [Fact]
    public async Task A_snapshot_answers_every_report_as_the_database_and_is_stale_after_every_kind_of_write()
    {
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        var writes = new PortfolioWrites(app, tenant);
        await RatesAsync(tenant);
        await HttpAssert.OkJsonAsync(
            await other.Client.PostPackageAsync(Giving.Package(Grant("O-1", 70m, "EUR", "2024-05-01")))
        );

        var package = Giving.Package(
            Grant("A-1", 100m, "EUR", "2024-05-01"),
            Grant("A-2", 250.51m, "EUR", "2024-05-01", country: "KE", programme: "Rapid response"),
            Grant("A-3", 900.07m, "USD", "2024-05-01", "GT", title: "Emergency relocation after death threats"),
            Grant("A-4", 40.33m, "GBP", "2024-05-02", "Kenya", "Rapid response"),
            Grant("A-5", 1213m, "JPY", "2024-06-30", "US"),
            Grant("A-6", 77.77m, "USD", "2024-05-01", "KE", title: "Zebra campaign"),
            Grant("A-7", 13.13m, "USD", "2024-05-01", "kenya"),
            Grant("A-8", 5m, "EUR", "2023-12-31")
        );
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(package));
        await AssertAnswersAsDatabaseAsync(tenant, "a new package");

        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(package));
        await AssertAnswersAsDatabaseAsync(tenant, "the same package again", moved: false);

        await HttpAssert.OkJsonAsync(
            await other.Client.PostPackageAsync(Giving.Package(Grant("O-2", 9m, "EUR", "2024-05-03")))
        );
        await AssertAnswersAsDatabaseAsync(tenant, "another funder's write", moved: false);

        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package(
                    Grant("A-1", 120m, "GBP", "2024-05-03", "MX"),
                    Grant("A-9", 1m, "EUR", "2024-06-01", "GT")
                )
            )
        );
        await AssertAnswersAsDatabaseAsync(tenant, "a changed and a new grant");

        const string Header =
            "Identifier,Title,Description,Currency,Amount,Award Date,Recipient Country,Level,Purpose,Flexible\n";
        // New grants only: on SQLite the import's own bump (its insert trigger dropped for the load) is all there is.
        await writes.ImportAsync(
            Csv(
                Header
                    + "C-1,Emergency grant,Relocation,USD,75.25,2024-05-01,KE,national,emergency,no\n"
                    + "C-2,Campaign,Advocacy,EUR,10,2024-07-01,GT,global,campaign,\n"
            )
        );
        await AssertAnswersAsDatabaseAsync(tenant, "a CSV import of new grants");
        await writes.ImportAsync(
            Csv(Header + "A-2,Security training for defenders,Training,EUR,130,2024-05-01,HN,local,prevention,yes\n")
        );
        await AssertAnswersAsDatabaseAsync(tenant, "a CSV import changing a grant");
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Grant("A-10", 3.5m, "GBP", "2024-06-02", "KE")))
        );
        await AssertAnswersAsDatabaseAsync(tenant, "a grant posted after the imports (the insert trigger back)");

        await writes.CorrectAsync(
            "A-3",
            new
            {
                level = "national",
                purpose = "collective",
                flexible = true,
                reason = "Board papers.",
            }
        );
        await AssertAnswersAsDatabaseAsync(tenant, "a correction");
        await writes.CorrectAsync("A-3", new { purpose = "campaign", reason = "Second look." });
        await AssertAnswersAsDatabaseAsync(tenant, "a changed correction");
        await writes.RemoveCorrectionAsync("A-3");
        await AssertAnswersAsDatabaseAsync(tenant, "a removed correction");

        await writes.ReclassifyZebraAsync("snapshots-1");
        await AssertAnswersAsDatabaseAsync(tenant, "a re-classification");

        await writes.ExecuteAsync(
            "UPDATE grants SET recipient_country = 'HN' WHERE funder_id = @FunderId AND currency = 'JPY'"
        );
        await AssertAnswersAsDatabaseAsync(tenant, "SQL straight on the grants");

        await writes.CorrectAsync("A-6", new { level = "regional", reason = "Regional network." });
        await writes.DeleteAsync("A-6");
        await AssertAnswersAsDatabaseAsync(tenant, "deleting a corrected grant");
        await writes.DeleteAsync("C-2");
        await AssertAnswersAsDatabaseAsync(tenant, "deleting a grant");

        // The endpoint reads the snapshot too.
        var served = Snapshots.Served;
        await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync(
                "/api/audit/mix?from=2024-01-01&to=2024-12-31&currency=EUR&groupBy=level,country&includeMedian=true"
            )
        );
        Assert.Equal(served + 1, Snapshots.Served);
    }

    [Fact]
    public async Task Small_funders_are_not_kept_and_the_least_recently_used_funder_is_let_go_first()
    {
        var (a, b, c) = (await app.CreateTenantAsync(), await app.CreateTenantAsync(), await app.CreateTenantAsync());
        foreach (var (tenant, n) in new[] { (a, 4), (b, 4), (c, 9) })
        {
            var grants = Enumerable.Range(1, n).Select(i => Grant($"S-{i}", i, "EUR", "2024-05-01")).ToArray();
            await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(grants)));
        }

        using var small = SnapshotsWith(new AuditOptions { SnapshotMinGrants = 5, SnapshotMaxGrants = 100 });
        Assert.Null(await small.WarmAsync(a.FunderId, CancellationToken.None));
        Assert.Equal(0, small.GrantsHeld);

        using var budget = SnapshotsWith(new AuditOptions { SnapshotMinGrants = 1, SnapshotMaxGrants = 8 });
        Assert.Null(await budget.WarmAsync(c.FunderId, CancellationToken.None)); // 9 grants: over the budget alone
        Assert.Equal(4, (await budget.WarmAsync(a.FunderId, CancellationToken.None))?.Count);
        Assert.Equal(4, (await budget.WarmAsync(b.FunderId, CancellationToken.None))?.Count);
        Assert.Equal(8, budget.GrantsHeld);
        Assert.NotNull(await budget.FreshAsync(a.FunderId, CancellationToken.None)); // a is now the more recent
        await new PortfolioWrites(app, c).DeleteAsync("S-9"); // c: 8 grants, within the budget
        Assert.Equal(8, (await budget.WarmAsync(c.FunderId, CancellationToken.None))?.Count);
        Assert.Equal(8, budget.GrantsHeld);
        Assert.Null(await budget.FreshAsync(b.FunderId, CancellationToken.None)); // b, least recently used, let go
        Assert.Null(await budget.FreshAsync(a.FunderId, CancellationToken.None)); // then a, for c's 8

        using var off = SnapshotsWith(new AuditOptions { Snapshots = false, SnapshotMinGrants = 1 });
        Assert.Null(await off.WarmAsync(a.FunderId, CancellationToken.None));
    }

    [Fact]
    public async Task A_snapshot_no_report_used_for_the_idle_time_is_let_go()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Grant("I-1", 1m, "EUR", "2024-05-01")))
        );
        using var snapshots = SnapshotsWith(new AuditOptions { SnapshotMinGrants = 1, SnapshotIdleMinutes = 30 });
        Assert.NotNull(await snapshots.WarmAsync(tenant.FunderId, CancellationToken.None));

        app.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.NotNull(await snapshots.FreshAsync(tenant.FunderId, CancellationToken.None)); // used: kept
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(1, snapshots.GrantsHeld); // 20 minutes since its last use
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(0, snapshots.GrantsHeld); // 31 minutes: let go by the sweep, with no report asking
    }
}

/// <summary>The SQLite app keeping every funder's grants in memory.</summary>
public sealed class SnapshotSqliteApp : SqliteApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Audit:SnapshotMinGrants", "1");
    }
}

/// <summary>The PostgreSQL app keeping every funder's grants in memory.</summary>
public sealed class SnapshotPostgresApp : PostgresApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Audit:SnapshotMinGrants", "1");
    }
}

public sealed class SqliteGrantSnapshotsTests(SnapshotSqliteApp app)
    : GrantSnapshotsTests<SnapshotSqliteApp>(app),
        IClassFixture<SnapshotSqliteApp>;

public sealed class PostgresGrantSnapshotsTests(SnapshotPostgresApp app)
    : GrantSnapshotsTests<SnapshotPostgresApp>(app),
        IClassFixture<SnapshotPostgresApp>;
