using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Tests.Infrastructure;
using static FundAudit.Api.Tests.Audit.PortfolioWrites;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The checks that read a grant's published 360Giving JSON, where a value is kept as the publisher sent it: each lists
/// exactly the grants that fail it, with why, from a package and a CSV import, whether the report reads the stored
/// flags or tests every grant one by one (flags cleared, as grants stored before migration 0018 have none).
/// </summary>
public abstract class QualityPublishedTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private const string Period = "from=2020-01-01&to=2030-12-31&currency=GBP";

    [Fact]
    public async Task An_identifier_with_a_line_break_or_another_control_character_fails_as_360Giving_checks_it()
    {
        var tenant = await app.CreateTenantAsync();
        var writes = new PortfolioWrites(app, tenant);
        var trailing = Giving.Grant("Q-1\n"); // the identifier column is trimmed: only the published id keeps it
        var funder = Giving.Grant("Q-2");
        funder["fundingOrganization"]![0]!["id"] = "GB-CHC-7\n777777";
        var second = Giving.Grant("Q-3");
        second["recipientOrganization"]!.AsArray().Add(new JsonObject { ["id"] = "GB-CHC-1\t2", ["name"] = "Y" });
        var bell = Giving.Grant("Q-4\u0007Z");
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(trailing, funder, second, bell, Giving.Grant("Q-5")))
        );
        await writes.ImportAsync(
            Csv(
                "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Funding Org:Identifier,"
                    + "Funding Org:Name\nC-1,Training,Support,GBP,50,2024-05-02,\"GB-COH-1\r\n2\",Example Fund\n"
                    + "C-2,Training,Support,GBP,50,2024-05-02,GB-COH-12345678,Example Fund\n"
            )
        );

        string[] expected =
        [
            "C-1 funding organisation id \"GB-COH-1\\r\\n2\"",
            "Q-1 grant id \"Q-1\\n\"", // the list shows the stored (trimmed) identifier
            "Q-2 funding organisation id \"GB-CHC-7\\n777777\"",
            "Q-3 recipient id \"GB-CHC-1\\t2\"",
            "Q-4\u0007Z grant id Q-4\\u0007Z",
        ];
        Assert.Equal(expected, await ListAsync(tenant, "unexpected_identifier_characters"));
        await writes.ExecuteAsync("UPDATE grants SET quality_flags = NULL WHERE funder_id = @FunderId");
        Assert.Equal(expected, await ListAsync(tenant, "unexpected_identifier_characters"));
    }

    [Fact]
    public async Task Text_that_looks_like_an_email_address_fails_unless_its_member_is_an_email()
    {
        var tenant = await app.CreateTenantAsync();
        var writes = new PortfolioWrites(app, tenant);
        var title = Giving.Grant("E-1", title: "Training; write to jane.doe@example.org");
        var contact = Giving.Grant("E-2"); // an email member is where an address belongs: 360Giving skips it
        contact["recipientOrganization"]![0]!["email"] = "office@example.org";
        var nested = Giving.Grant("E-3");
        nested["beneficiaryLocation"]![0]!["name"] = "Ask bob@bop.co.uk";
        var handle = Giving.Grant("E-4", title: "Follow @defenders and meet at 10@home"); // no dot after the @
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(title, contact, nested, handle))
        );
        await writes.ImportAsync(
            Csv(
                "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Contact Email,Notes\n"
                    + "C-1,Training,Support,GBP,50,2024-05-02,a@b.org,\n"
                    + "C-2,Training,Support,GBP,50,2024-05-02,,Ring or mail c.d@e-f.org\n"
            )
        );

        string[] expected = ["C-2 additionalColumns.Notes", "E-1 title", "E-3 beneficiaryLocation.name"];
        Assert.Equal(expected, await ListAsync(tenant, "looks_like_email"));
        await writes.ExecuteAsync("UPDATE grants SET quality_flags = NULL WHERE funder_id = @FunderId");
        Assert.Equal(expected, await ListAsync(tenant, "looks_like_email"));

        // Grants stored before this release have no bit 10; migration 0028 has them tested one by one again.
        await writes.ExecuteAsync("UPDATE grants SET quality_flags = 0 WHERE funder_id = @FunderId");
        Assert.Empty(await ListAsync(tenant, "looks_like_email"));
        await writes.RunMigrationAsync("0028_reread_flags_of_grants_with_an_at_sign.sql");
        Assert.Equal(expected, await ListAsync(tenant, "looks_like_email"));
    }

    [Fact]
    public async Task A_planned_date_that_is_no_date_fails_instead_of_vanishing()
    {
        var tenant = await app.CreateTenantAsync();
        var writes = new PortfolioWrites(app, tenant);
        JsonObject Planned(string id, string start, string end)
        {
            var g = Giving.Grant(id);
            g["plannedDates"] = new JsonArray(new JsonObject { ["startDate"] = start, ["endDate"] = end });
            return g;
        }

        var second = Planned("D-4", "2024-06-01", "2025-06-01"); // only the first item is the grant's planned dates
        second["plannedDates"]!.AsArray().Add(new JsonObject { ["startDate"] = "2024-02-30" });
        var duration = Giving.Grant("D-5"); // planned dates as a duration only: nothing to read as a date
        duration["plannedDates"] = new JsonArray(new JsonObject { ["duration"] = 36 });
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package(
                    Planned("D-1", "2027-02-30", "2028-03-29"),
                    Planned("D-2", "2024-06-01", "next spring"),
                    Planned("D-3", "2024-06-01T09:00:00Z", "2025-02-28"),
                    second,
                    duration
                )
            )
        );

        string[] expected = ["D-1 planned start 2027-02-30", "D-2 planned end next spring"];
        Assert.Equal(expected, await ListAsync(tenant, "nonexistent_planned_dates"));
        await writes.ExecuteAsync("UPDATE grants SET quality_flags = NULL WHERE funder_id = @FunderId");
        Assert.Equal(expected, await ListAsync(tenant, "nonexistent_planned_dates"));

        // Grants stored before this release have no bit 11; migration 0029 has them tested one by one again.
        await writes.ExecuteAsync("UPDATE grants SET quality_flags = 0 WHERE funder_id = @FunderId");
        Assert.Empty(await ListAsync(tenant, "nonexistent_planned_dates"));
        await writes.RunMigrationAsync("0029_reread_flags_of_grants_missing_a_planned_date.sql");
        Assert.Equal(expected, await ListAsync(tenant, "nonexistent_planned_dates"));
        // Only D-1 and D-2 are tested one by one again: D-5's duration and D-4's later item leave the summed report.
        var cleared = await writes.ScalarAsync<long>(
            "SELECT COUNT(*) FROM grants WHERE funder_id = @FunderId AND quality_flags IS NULL"
        );
        Assert.Equal(2, cleared);
    }

    /// <summary>The grants failing <paramref name="code"/>, as "id detail" in id order, once the report counts as
    /// many.</summary>
    private static async Task<string[]> ListAsync(Tenant tenant, string code)
    {
        var list = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/audit/quality/{code}/grants?{Period}")
        );
        var items = list.GetProperty("items")
            .EnumerateArray()
            .Select(i => i.GetProperty("id").GetString() + " " + i.GetProperty("detail").GetString())
            .Order(StringComparer.Ordinal)
            .ToArray();
        var report = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/audit/quality?" + Period));
        var check = report
            .GetProperty("checks")
            .EnumerateArray()
            .Single(c => c.GetProperty("code").GetString() == code);
        Assert.Equal(items.Length, check.GetProperty("grants").GetInt64());
        return items;
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteQualityPublishedTests(SqliteApp app) : QualityPublishedTests<SqliteApp>(app);

[Collection(SharedApps.Postgres3)]
public sealed class PostgresQualityPublishedTests(PostgresApp app) : QualityPublishedTests<PostgresApp>(app);
