using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.Audit.Quality;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Core.Audit;
using FundAudit.Core.Geography;
using Microsoft.Extensions.DependencyInjection;
using static FundAudit.Api.Tests.Audit.PortfolioWrites;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// unknown_recipient_country: a recipient country that is given but names no country the audit's country_regions
/// knows ("United Kingdon", "COMMONWEALTH") fails, since the audit's place reports then count its grant in no region.
/// The check's keys (<see cref="CountryKeys"/>) are the table's on this engine, every text resolves in both alike, and
/// the report's count is the grants the audit's own join leaves without a country, from the stored flags, one by one,
/// and after migration 0033 set the bit on grants stored before it.
/// </summary>
public abstract class QualityCountryTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private const string Code = "unknown_recipient_country";
    private const string Period = "from=2020-01-01&to=2030-12-31&currency=GBP";
    private static readonly QualityCheck Check = QualityChecks.Find(Code)!;
    private static readonly QualityContext NoContext = new(default, "", new RateBook([], 0));

    private static string? Fails(string country) =>
        Check.Fails(new QualityRow { RecipientCountry = country }, NoContext);

    [Fact]
    public async Task The_check_knows_exactly_the_keys_of_country_regions_and_resolves_every_text_as_the_audit_does()
    {
        var db = app.Services.GetRequiredService<Db>();
        await using var connection = await db.OpenAsync();
        var keys = (await connection.QueryAsync<string>("SELECT country_key FROM country_regions")).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), CountryKeys.All.Order(StringComparer.Ordinal));
        Assert.All(keys, key => Assert.Null(Fails(key)));

        string[] misspelt = ["United Kingdon", "COMMONWEALTH", "Englnd", " UK", "U K", "London", "中国", "XX"];
        var names = Countries.All.SelectMany(c => c.Aliases.Prepend(c.Name)).ToList();
        var texts = keys.Concat(names)
            .Concat(names.Select(n => n.ToLowerInvariant()))
            .Concat(names.Select(n => n.ToUpperInvariant()))
            .Concat(misspelt)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var resolved = await ResolvedByTheAuditAsync(connection, texts);
        var differ = texts.Where(t => (Fails(t) is null) != resolved.Contains(t)).ToList();
        Assert.Empty(differ);
        Assert.All(misspelt, t => Assert.Equal($"recipient country \"{t}\"", Fails(t)));
        Assert.Contains("égypte", resolved); // SQLite's upper() writes it "éGYPTE": a key since 0033
        Assert.Null(Fails("   ")); // no text: recipient_without_country's case
    }

    /// <summary>The texts the audit's place reports find a country for: <see cref="CountryPlaces.ResolveSql"/>, the
    /// statement its grant scan resolves each recipient country with.</summary>
    private static async Task<HashSet<string>> ResolvedByTheAuditAsync(DbConnection connection, List<string> texts)
    {
        var resolved = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in texts.Chunk(CountryPlaces.CountriesPerStatement))
        {
            var p = new DynamicParameters();
            for (var i = 0; i < chunk.Length; i++)
            {
                p.Add("C" + i.ToString(CultureInfo.InvariantCulture), chunk[i]);
            }

            await using var reader = await connection.ExecuteReaderAsync(CountryPlaces.ResolveSql(chunk.Length), p);
            while (await reader.ReadAsync())
            {
                if (!reader.IsDBNull(1))
                {
                    resolved.Add(chunk[Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture)]);
                }
            }
        }

        return resolved;
    }

    [Fact]
    public async Task A_recipient_country_that_names_no_country_fails_as_many_grants_as_the_audit_leaves_unplaced()
    {
        var tenant = await app.CreateTenantAsync();
        var writes = new PortfolioWrites(app, tenant);
        var grants = new (string Id, string? Country)[]
        {
            ("K-UK", "UK"),
            ("K-TYPO", "United Kingdon"),
            ("K-COMMON", "COMMONWEALTH"),
            ("K-EGYPT", "égypte"),
            ("K-CI", "Côte d'Ivoire"),
            ("K-LOWER", "gb"),
            ("K-CITY", "London"),
            ("K-HAN", "中国"),
            ("K-NONE", null),
        }.Select(g =>
        {
            var grant = Giving.Grant(g.Id);
            grant["recipientOrganization"]![0]!["addressCountry"] = g.Country;
            return grant;
        });
        var located = Giving.Grant("K-LOC"); // no addressCountry: the recipient location's country code
        located["recipientOrganization"] = new JsonArray(
            new JsonObject
            {
                ["id"] = "XI-EXAMPLE-2",
                ["name"] = "X",
                ["location"] = new JsonArray(new JsonObject { ["countryCode"] = "XX" }),
            }
        );
        var tab = Giving.Grant("K-TAB"); // white space only: no country given
        tab["recipientOrganization"] = new JsonArray(
            new JsonObject { ["name"] = "X", ["location"] = new JsonArray(new JsonObject { ["countryCode"] = "\t" }) }
        );
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package([.. grants, located, tab])));
        await writes.ImportAsync(
            Csv(
                "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Country\n"
                    + "C-TYPO,Training,Support,GBP,50,2024-05-02,Guatamala\nC-OK,Training,Support,GBP,50,2024-05-02,"
                    + "Guatemala\n"
            )
        );
        string[] expected =
        [
            "C-TYPO recipient country \"Guatamala\"",
            "K-CITY recipient country \"London\"",
            "K-COMMON recipient country \"COMMONWEALTH\"",
            "K-HAN recipient country \"中国\"",
            "K-LOC recipient country \"XX\"",
            "K-TYPO recipient country \"United Kingdon\"",
        ];

        await AssertFailingAsync(tenant, expected, "as written");
        // The texts that pass are placed by the audit's filters too: "UK" and "gb" in GB, "égypte" in EG.
        foreach (var (filter, minor) in new[] { ("country=GB", 200000L), ("country=EG", 100000L) })
        {
            var mix = await HttpAssert.OkJsonAsync(
                await tenant.Client.GetAsync($"/api/audit/mix?from=2024-01-01&to=2024-12-31&currency=GBP&{filter}")
            );
            Assert.Equal(minor, mix.GetProperty("totals").GetProperty("amountMinor").GetInt64());
        }

        // Flags stored before this release have no bit 12: migration 0033 sets it through country_regions, and
        // clears the flags of a text without a letter or digit a-z, A-Z, 0-9 (K-HAN, K-TAB) to be read one by one.
        await writes.ExecuteAsync(
            "UPDATE grants SET quality_flags = quality_flags & ~4096 WHERE funder_id = @FunderId"
        );
        Assert.Equal(0, await CountAsync(tenant));
        var script = await writes.MigrationAsync("0033_add_country_key_case_forms_and_unknown_recipient_country.sql");
        // Its statements after the keys, which this database has.
        await writes.ExecuteAsync(script[script.IndexOf("UPDATE grants", StringComparison.Ordinal)..]);
        await AssertFailingAsync(tenant, expected, "after migration 0033");
        Assert.Equal(["K-HAN", "K-TAB"], await FlaglessAsync(tenant));

        await writes.ExecuteAsync("UPDATE grants SET quality_flags = NULL WHERE funder_id = @FunderId");
        await AssertFailingAsync(tenant, expected, "one by one");
    }

    [Fact]
    public async Task Real_files_fail_on_exactly_the_grants_whose_recipient_country_names_no_country()
    {
        var tenant = await app.CreateTenantAsync();
        foreach (var file in new[] { "360g-power-to-change.json", "360g-wolfson-mixed-currency.json" })
        {
            var json = await File.ReadAllTextAsync(Path.Combine(RepoPaths.SharedData, "360giving", file));
            await HttpAssert.OkJsonAsync(
                await tenant.Client.PostAsync("/api/grants", new StringContent(json, Encoding.UTF8, "application/json"))
            );
        }

        // Counted with python over the JSON: Power to Change writes "United Kingdon" on 818 of 870 grants ("England"
        // on the others), Wolfson "COMMONWEALTH" on 2 of 379 ("UK" on 375, "ISRAEL" on 2).
        var report = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync("/api/audit/quality?from=2000-01-01&to=2030-12-31&currency=GBP")
        );
        Assert.Equal(820, CheckOf(report, Code).GetProperty("grants").GetInt64());
        var details = await DetailsAsync(tenant, "from=2000-01-01&to=2030-12-31&currency=GBP");
        Assert.Equal(
            [("recipient country \"COMMONWEALTH\"", 2), ("recipient country \"United Kingdon\"", 818)],
            details.GroupBy(d => d.Detail).Select(g => (g.Key, g.Count())).Order()
        );
    }

    /// <summary>The check's list, its count in the report, and the grants the audit's own join finds no country for
    /// (a recipient country given, no key of country_regions as this engine upper-cases it) agree.</summary>
    private async Task AssertFailingAsync(Tenant tenant, string[] expected, string step)
    {
        var listed = (await DetailsAsync(tenant, Period))
            .Select(d => $"{d.Id} {d.Detail}")
            .Order(StringComparer.Ordinal);
        Assert.True(expected.SequenceEqual(listed), $"{step}: {string.Join(", ", listed)}");
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var places = await connection.QueryAsync<(string? Country, string? Alpha2)>(
            "SELECT g.recipient_country, r.alpha2 FROM grants g"
                + " LEFT JOIN country_regions r ON r.country_key = upper(g.recipient_country)"
                + " WHERE g.funder_id = @FunderId",
            new { tenant.FunderId }
        );
        var fromScratch = places.Count(p => !string.IsNullOrWhiteSpace(p.Country) && p.Alpha2 is null);
        Assert.Equal((expected.Length, expected.Length), (fromScratch, await CountAsync(tenant)));
    }

    private static async Task<List<(string Id, string Detail)>> DetailsAsync(Tenant tenant, string period)
    {
        var found = new List<(string Id, string Detail)>();
        var link = $"/api/audit/quality/{Code}/grants?{period}&limit=500";
        for (string? cursor = null; ; )
        {
            var page = await HttpAssert.OkJsonAsync(
                await tenant.Client.GetAsync(link + (cursor is null ? "" : "&cursor=" + cursor))
            );
            found.AddRange(
                page.GetProperty("items")
                    .EnumerateArray()
                    .Select(i => (i.GetProperty("id").GetString()!, i.GetProperty("detail").GetString()!))
            );
            if (!page.TryGetProperty("next", out var next) || next.ValueKind == JsonValueKind.Null)
            {
                return found;
            }

            cursor = next.GetInt64().ToString(CultureInfo.InvariantCulture);
        }
    }

    private static async Task<long> CountAsync(Tenant tenant) =>
        CheckOf(await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/audit/quality?" + Period)), Code)
            .GetProperty("grants")
            .GetInt64();

    private static JsonElement CheckOf(JsonElement report, string code) =>
        report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("code").GetString() == code);

    private async Task<List<string>> FlaglessAsync(Tenant tenant)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var ids = await connection.QueryAsync<string>(
            "SELECT identifier FROM grants WHERE funder_id = @FunderId AND quality_flags IS NULL",
            new { tenant.FunderId }
        );
        return [.. ids.Order(StringComparer.Ordinal)];
    }
}

[Collection(SharedApps.Sqlite1)]
public sealed class SqliteQualityCountryTests(SqliteApp app) : QualityCountryTests<SqliteApp>(app);

[Collection(SharedApps.Postgres1)]
public sealed class PostgresQualityCountryTests(PostgresApp app) : QualityCountryTests<PostgresApp>(app);
