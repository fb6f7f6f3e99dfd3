using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Tests.Infrastructure;
using static FundAudit.Api.Tests.Audit.PortfolioWrites;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// A grant to a person has no recipient organisation, so it fails neither recipient_without_identifier nor
/// recipient_without_country (360Giving counts those checks over grants to organisations only), whether it came in a
/// 360Giving package (recipientIndividual) or a CSV import (Recipient Ind:*), read from the stored totals or one by
/// one; and migration 0027 clears the flags such grants were stored with before, so the report is right again.
/// </summary>
public abstract class QualityRecipientTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private const string Period = "from=2020-01-01&to=2030-12-31&currency=GBP";

    [Fact]
    public async Task A_grant_to_a_person_is_no_recipient_organisation_without_an_identifier_or_a_country()
    {
        var tenant = await app.CreateTenantAsync();
        var writes = new PortfolioWrites(app, tenant);
        var person = Giving.Grant("P-IND");
        person.Remove("recipientOrganization");
        person["recipientIndividual"] = new JsonObject { ["id"] = "360G-X-IND-1", ["name"] = "Individual" };
        var bare = Giving.Grant("P-ORG");
        bare["recipientOrganization"] = new JsonArray(new JsonObject { ["name"] = "No id, no country" });
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(person, bare, Giving.Grant("P-OK")))
        );
        await writes.ImportAsync(
            Csv(
                "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Ind:Identifier,"
                    + "Recipient Ind:Name\nC-IND,Hardship grant,Support,GBP,50,2024-05-02,360G-X-IND-2,A person\n"
            )
        );

        await AssertOnlyTheOrganisationFailsAsync(tenant);
        await writes.ExecuteAsync("UPDATE grants SET quality_flags = NULL WHERE funder_id = @FunderId");
        await AssertOnlyTheOrganisationFailsAsync(tenant);

        // Flags stored before this release had both bits set for a person; migration 0027 clears them.
        await writes.ExecuteAsync(
            "UPDATE grants SET quality_flags = 12 WHERE funder_id = @FunderId AND identifier IN ('P-IND', 'C-IND')"
        );
        Assert.Equal(3, await FailingAsync(tenant, "recipient_without_identifier"));
        await writes.RunMigrationAsync("0027_reread_individual_recipient_flags.sql");
        await AssertOnlyTheOrganisationFailsAsync(tenant);
    }

    [Fact]
    public async Task A_recipient_whose_identifier_names_its_register_has_a_country_without_addressCountry()
    {
        var tenant = await app.CreateTenantAsync();
        var writes = new PortfolioWrites(app, tenant);
        var grants = new[]
        {
            ("R-CHC", "GB-CHC-1144551"), // a national register: the United Kingdom
            ("R-LOWER", "gb-coh-08123456"), // the same, in lower case
            ("R-CN", "CN-11-CR-0001"), // a register of three parts (Beijing)
            ("R-DAC", "XM-DAC-41114"), // an international list: international, which is a base too
            ("R-SPACE", " GB-SC-SC012345"), // as published, with a leading space
            ("R-360G", "360G-FUNDER-ORG:Group"), // 360Giving's own: no country
            ("R-GRID", "XI-GRID-grid.1234.5"), // a global scheme: no country
            ("R-NOPREFIX", "GB-CHC"), // the register's prefix without a number after it
        }.Select(g =>
        {
            var grant = Giving.Grant(g.Item1);
            grant["recipientOrganization"] = new JsonArray(new JsonObject { ["id"] = g.Item2, ["name"] = "An org" });
            return grant;
        });
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package([.. grants])));
        string[] failing = ["R-360G", "R-GRID", "R-NOPREFIX"];

        Assert.Equal(failing, await FailingIdsAsync(tenant, "recipient_without_country"));
        await writes.ExecuteAsync("UPDATE grants SET quality_flags = NULL WHERE funder_id = @FunderId");
        Assert.Equal(failing, await FailingIdsAsync(tenant, "recipient_without_country"));

        // Flags stored before this release had bit 2 set for each of them; migration 0030 clears it where it should.
        // Identifiers were stored then as published, spaces and all (the JSON path trims its columns since 6 December
        // 2026, as the CSV path always did).
        Assert.Equal(
            "GB-SC-SC012345",
            await writes.ScalarAsync<string>(
                "SELECT recipient_org_id FROM grants WHERE funder_id = @FunderId AND identifier = 'R-SPACE'"
            )
        );
        await writes.ExecuteAsync(
            "UPDATE grants SET recipient_org_id = ' GB-SC-SC012345' WHERE funder_id = @FunderId"
                + " AND identifier = 'R-SPACE'"
        );
        await writes.ExecuteAsync("UPDATE grants SET quality_flags = 4 WHERE funder_id = @FunderId");
        Assert.Equal(8, await FailingAsync(tenant, "recipient_without_country"));
        await writes.RunMigrationAsync("0030_recipient_country_from_identifier.sql");
        Assert.Equal(failing, await FailingIdsAsync(tenant, "recipient_without_country"));
        Assert.Equal(
            (3L, 3L, 1L),
            (
                await writes.ScalarAsync<long>(
                    "SELECT COUNT(*) FROM grants WHERE funder_id = @FunderId AND quality_flags = 4"
                ),
                await writes.ScalarAsync<long>(
                    "SELECT COUNT(*) FROM grants WHERE funder_id = @FunderId AND quality_flags = 4"
                        + " AND identifier IN ('R-360G', 'R-GRID', 'R-NOPREFIX')"
                ),
                await writes.ScalarAsync<long>(
                    "SELECT COUNT(*) FROM grants WHERE funder_id = @FunderId AND quality_flags IS NULL"
                )
            )
        );
        Assert.Equal(
            " GB-SC-SC012345", // stored as published, so the migration could not read it: tested one by one
            await writes.ScalarAsync<string>(
                "SELECT recipient_org_id FROM grants WHERE funder_id = @FunderId AND quality_flags IS NULL"
            )
        );
    }

    private async Task<string[]> FailingIdsAsync(Tenant tenant, string code)
    {
        var list = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/audit/quality/{code}/grants?{Period}")
        );
        return
        [
            .. list.GetProperty("items")
                .EnumerateArray()
                .Select(i => i.GetProperty("id").GetString()!)
                .Order(StringComparer.Ordinal),
        ];
    }

    private async Task AssertOnlyTheOrganisationFailsAsync(Tenant tenant)
    {
        foreach (var code in new[] { "recipient_without_identifier", "recipient_without_country" })
        {
            Assert.Equal(1, await FailingAsync(tenant, code));
            Assert.Equal(["P-ORG"], await FailingIdsAsync(tenant, code));
        }
    }

    private static async Task<long> FailingAsync(Tenant tenant, string code)
    {
        var report = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/audit/quality?" + Period));
        return report
            .GetProperty("checks")
            .EnumerateArray()
            .Single(c => c.GetProperty("code").GetString() == code)
            .GetProperty("grants")
            .GetInt64();
    }
}

[Collection(SharedApps.Sqlite1)]
public sealed class SqliteQualityRecipientTests(SqliteApp app) : QualityRecipientTests<SqliteApp>(app);

[Collection(SharedApps.Postgres1)]
public sealed class PostgresQualityRecipientTests(PostgresApp app) : QualityRecipientTests<PostgresApp>(app);
