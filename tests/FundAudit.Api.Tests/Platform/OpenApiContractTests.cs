using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Platform;

/// <summary>The helper that holds every answer of the suite to the committed document refuses wrong ones.</summary>
public sealed class OpenApiContractTests
{
    private const string GrantList = """{"items": [], "next": "abc"}""";

    [Fact]
    public void A_documented_answer_matches()
    {
        Assert.Empty(OpenApiContract.Committed.Check("GET", "/api/grants", 200, "application/json", GrantList));
        Assert.Empty(
            OpenApiContract.Committed.Check("GET", "/api/grants", 200, "application/json", """{"items": []}""")
        );
    }

    [Theory]
    [InlineData("""{"items": "not a list"}""")] // wrong type
    [InlineData("""{"next": "abc"}""")] // a required property missing
    [InlineData("""{"items": [], "next": 42}""")] // wrong type of an optional property
    [InlineData("""{"items": [{"id": 7}]}""")] // a grant whose identifier is not a string
    [InlineData("not json")]
    public void A_wrong_shape_is_refused(string body)
    {
        var problems = OpenApiContract.Committed.Check("GET", "/api/grants", 200, "application/json", body);
        Assert.NotEmpty(problems);
        Assert.Contains("ListGrants", problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_undocumented_status_media_type_or_path_is_refused()
    {
        Assert.Contains(
            "status 418 is not documented",
            Assert.Single(OpenApiContract.Committed.Check("GET", "/api/grants", 418, "application/json", GrantList))
        );
        Assert.Contains(
            "media type 'text/plain' is not documented",
            Assert.Single(OpenApiContract.Committed.Check("GET", "/api/grants", 200, "text/plain", "hello"))
        );
        Assert.Contains(
            "not an operation of the document",
            Assert.Single(OpenApiContract.Committed.Check("GET", "/api/nowhere", 200, "application/json", "{}"))
        );
        Assert.Contains(
            "the document gives one",
            Assert.Single(OpenApiContract.Committed.Check("GET", "/api/grants", 200, null, ""))
        );
    }

    [Fact]
    public void Errors_must_be_problem_details()
    {
        Assert.Empty(
            OpenApiContract.Committed.Check(
                "GET",
                "/api/grants/by-id/X",
                404,
                "application/problem+json",
                """{"title": "Grant not found", "status": 404, "code": "x", "traceId": "t", "identifier": "X"}"""
            )
        );
        Assert.NotEmpty(
            OpenApiContract.Committed.Check(
                "GET",
                "/api/grants/by-id/X",
                404,
                "application/problem+json",
                """{"title": "Grant not found", "status": "404"}"""
            )
        );
    }

    [Fact]
    public void Old_grant_addresses_are_checked_as_the_operations_they_stand_for()
    {
        Assert.Contains(
            "GetGrant (GET /api/grants/X)",
            Assert.Single(
                OpenApiContract.Committed.Check("GET", "/api/grants/X", 200, "application/json", """{"id": 7}""")
            )
        );
        Assert.Empty(
            OpenApiContract.Committed.Check("GET", "/api/grants/imports", 200, "application/json", """{"items": []}""")
        );
    }

    [Fact]
    public async Task The_client_handler_throws_on_a_wrong_answer_so_the_test_that_got_it_fails()
    {
        using var client = new HttpClient(
            new ContractCheckingHandler(alwaysThrow: true)
            {
                InnerHandler = new Answer(HttpStatusCode.OK, """{"items": {}}"""),
            }
        )
        {
            BaseAddress = new Uri("http://localhost"),
        };

        var error = await Assert.ThrowsAsync<ContractViolationException>(() => client.GetAsync("/api/grants"));
        Assert.Contains("does not match the documented schema", error.Message, StringComparison.Ordinal);

        using var fine = new HttpClient(
            new ContractCheckingHandler(alwaysThrow: true) { InnerHandler = new Answer(HttpStatusCode.OK, GrantList) }
        )
        {
            BaseAddress = new Uri("http://localhost"),
        };
        Assert.Equal(HttpStatusCode.OK, (await fine.GetAsync("/api/grants")).StatusCode);
    }

    private sealed class Answer(HttpStatusCode status, string json) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            Task.FromResult(
                new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") }
            );
    }
}

/// <summary>A grant is addressed under /api/grants/by-id/, so any identifier reaches it, "imports" included.</summary>
[Collection(SharedApps.Sqlite3)]
public sealed class GrantAddressTests(SqliteApp app)
{
    [Fact]
    public async Task A_grant_whose_id_is_a_route_word_is_reached_under_by_id_and_the_old_address_still_answers()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package(Giving.Grant("imports"), Giving.Grant("export.csv"), Giving.Grant("G-1"))
            )
        );

        var imports = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/grants/by-id/imports"));
        Assert.Equal("imports", imports.GetProperty("id").GetString());
        var export = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/grants/by-id/export.csv"));
        Assert.Equal("export.csv", export.GetProperty("id").GetString());

        // The collection's own routes keep their meaning.
        Assert.Equal(
            0,
            (await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/grants/imports")))
                .GetProperty("items")
                .GetArrayLength()
        );

        // The old address (an alias kept for existing clients) answers the same grant.
        var old = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/grants/G-1"));
        Assert.Equal("G-1", old.GetProperty("id").GetString());
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PutAsync(
                "/api/grants/by-id/imports/classification",
                Giving.Json(new JsonObject { ["purpose"] = "collective", ["reason"] = "Board papers." })
            )
        );
        var deleted = await tenant.Client.DeleteAsync("/api/grants/by-id/imports");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var gone = await tenant.Client.GetAsync("/api/grants/by-id/imports");
        await HttpAssert.ProblemAsync(gone, HttpStatusCode.NotFound);
    }
}
