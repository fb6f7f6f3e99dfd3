using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.GrantIngest;

/// <summary>
/// POST /api/grants takes dates as publishers write them (DD/MM/YYYY, MM/DD/YYYY, MM/YYYY, D Month YYYY) and stores
/// ISO dates, reading slash dates by the CSV import's rule: the order dateFormat names, else the one the package's
/// dates prove; when none decides or two disagree, 400 naming the date, with nothing stored.
/// </summary>
public abstract class PackageDatesTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    /// <summary>The application the tests run against.</summary>
    protected TApp App => app;

    [Fact]
    public async Task Slash_dates_proved_day_first_by_one_date_are_stored_as_ISO_dates()
    {
        var tenant = await app.CreateTenantAsync();
        var proof = Giving.Grant("D-1", awardDate: "17/03/2014");
        var read = Giving.Grant("D-2", awardDate: "03/04/2014");
        read["plannedDates"] = new JsonArray(
            new JsonObject { ["startDate"] = "01/05/2014", ["endDate"] = "9 February 2016" }
        );
        var monthOnly = Giving.Grant("D-3", awardDate: "08/2013");

        var result = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(proof, read, monthOnly))
        );

        Assert.Equal(3, result.GetProperty("created").GetInt32());
        Assert.Equal("2014-03-17", await AwardDateAsync(tenant, "D-1"));
        Assert.Equal("2014-04-03", await AwardDateAsync(tenant, "D-2"));
        Assert.Equal("2013-08-01", await AwardDateAsync(tenant, "D-3"));
        var planned = (await GrantAsync(tenant, "D-2")).GetProperty("plannedDates")[0];
        Assert.Equal(
            ("2014-05-01", "2016-02-09"),
            (planned.GetProperty("startDate").GetString(), planned.GetProperty("endDate").GetString())
        );
    }

    [Fact]
    public async Task The_order_named_by_dateFormat_wins_and_a_bad_one_is_refused()
    {
        var tenant = await app.CreateTenantAsync();
        var package = Giving.Package(Giving.Grant("M-1", awardDate: "03/04/2020"));

        var bad = await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsync("/api/grants?dateFormat=YYYY/DD/MM", Giving.Json(package)),
            HttpStatusCode.BadRequest
        );
        Assert.True(bad.GetProperty("errors").TryGetProperty("dateFormat", out _), bad.ToString());
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());

        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants?dateFormat=MM/DD/YYYY", Giving.Json(package))
        );
        Assert.Equal("2020-03-04", await AwardDateAsync(tenant, "M-1"));
    }

    [Fact]
    public async Task Slash_dates_that_no_date_decides_or_that_disagree_refuse_the_package_naming_the_date()
    {
        var tenant = await app.CreateTenantAsync();
        var ambiguous = Giving.Package(
            Giving.Grant("A-1", awardDate: "2020-01-02"),
            Giving.Grant("A-2", awardDate: "05/06/2020")
        );
        var problem = await HttpAssert.ProblemAsync(
            await tenant.Client.PostPackageAsync(ambiguous),
            HttpStatusCode.BadRequest
        );
        var message = problem.GetProperty("errors").GetProperty("grants[1].awardDate")[0].GetString()!;
        Assert.Contains("dateFormat", message, StringComparison.Ordinal);

        var disagree = Giving.Package(
            Giving.Grant("B-1", awardDate: "13/02/2020"),
            Giving.Grant("B-2", awardDate: "2020-03-01"),
            Giving.Grant("B-3", awardDate: "02/13/2020")
        );
        problem = await HttpAssert.ProblemAsync(
            await tenant.Client.PostPackageAsync(disagree),
            HttpStatusCode.BadRequest
        );
        message = problem.GetProperty("errors").GetProperty("grants[2].awardDate")[0].GetString()!;
        Assert.Contains("grants[0].awardDate", message, StringComparison.Ordinal);
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());

        // A date that is no date in any form is left to the validator, which names it as before.
        var impossible = Giving.Package(Giving.Grant("C-1", awardDate: "31/02/2020"));
        problem = await HttpAssert.ProblemAsync(
            await tenant.Client.PostPackageAsync(impossible),
            HttpStatusCode.BadRequest
        );
        Assert.True(problem.GetProperty("errors").TryGetProperty("grants[0].awardDate", out _), problem.ToString());
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    private protected static async Task<JsonElement> GrantAsync(Tenant tenant, string id) =>
        await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/" + id);

    private static async Task<string?> AwardDateAsync(Tenant tenant, string id) =>
        (await GrantAsync(tenant, id)).GetProperty("awardDate").GetString();
}

[Collection(SharedApps.Sqlite2)]
public sealed class SqlitePackageDatesTests(SqliteApp sqlite) : PackageDatesTests<SqliteApp>(sqlite)
{
    /// <summary>
    /// The published files of ../shared/data whose dates are not ISO (GrantNav's early sample data): each is posted
    /// as it is and every grant stored; Millfield House's one slash date (05/04/2013 beside ISO dates) decides
    /// nothing, so that file needs dateFormat. Counts and first dates from the files (python over the JSON).
    /// </summary>
    [Theory]
    [InlineData("360g-baring-foundation.json", "", 53, "17/03/2014", "2014-03-17")]
    [InlineData("360g-dulverton-trust.json", "", 1860, "03/02/2005", "2005-02-03")]
    [InlineData("360g-nominet-trust.json", "", 270, "08/2013", "2013-08-01")]
    [InlineData("360g-oxfordshire-cf-1.json", "", 156, "27/09/2013", "2013-09-27")]
    [InlineData("360g-oxfordshire-cf-2.json", "", 98, null, null)]
    [InlineData("360g-oxfordshire-cf-3.json", "", 70, null, null)]
    [InlineData("360g-wolfson-enriched.json", "", 379, null, null)]
    [InlineData("360g-millfield-house-2013-2017.json", "?dateFormat=DD/MM/YYYY", 12, null, null)]
    public async Task Real_files_with_publishers_dates_load_as_published(
        string file,
        string query,
        int grants,
        string? firstDateAsPublished,
        string? firstDateStored
    )
    {
        var tenant = await App.CreateTenantAsync();
        var json = await File.ReadAllTextAsync(Path.Combine(RepoPaths.SharedData, "360giving", file));
        var first = JsonNode.Parse(json)!["grants"]![0]!;

        var result = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync(
                "/api/grants" + query,
                new StringContent(json, Encoding.UTF8, "application/json")
            )
        );

        Assert.Equal(
            (grants, grants),
            (result.GetProperty("received").GetInt32(), result.GetProperty("created").GetInt32())
        );
        if (firstDateStored is not null)
        {
            Assert.Equal(firstDateAsPublished, first["awardDate"]!.GetValue<string>());
            var id = Uri.EscapeDataString(first["id"]!.GetValue<string>());
            var stored = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/" + id);
            Assert.Equal(firstDateStored, stored.GetProperty("awardDate").GetString());
        }
    }

    [Fact]
    public async Task A_real_file_whose_one_slash_date_decides_nothing_is_refused_naming_it()
    {
        var tenant = await App.CreateTenantAsync();
        var json = await File.ReadAllTextAsync(
            Path.Combine(RepoPaths.SharedData, "360giving", "360g-millfield-house-2013-2017.json")
        );

        var problem = await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsync("/api/grants", new StringContent(json, Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest
        );

        var errors = problem.GetProperty("errors").EnumerateObject().ToList();
        Assert.Single(errors);
        Assert.Matches(@"^grants\[\d+\]\.awardDate$", errors[0].Name);
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }
}

[Collection(SharedApps.Postgres1)]
public sealed class PostgresPackageDatesTests(PostgresApp app) : PackageDatesTests<PostgresApp>(app);
