using System.Net;
using System.Net.Http.Json;
using FundAudit.Api.Tests.EmergencyRequests;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// Every /api answer says <c>Cache-Control: no-store</c> and <c>nosniff</c> (issue 15, item 8): the answers that carry
/// a case code or a defender's data first, errors included; HSTS on HTTPS outside Development, configurable.
/// </summary>
public sealed class ApiHeadersTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Answers_with_a_case_code_or_personal_data_and_every_other_api_answer_are_not_stored()
    {
        var cases = new RetentionCases(app);
        await cases.SetUpAsync();
        var (reference, code) = await cases.SubmitAsync("headers");
        await cases.ApproveWithDetailsAsync(reference, "headers");

        var answers = new Dictionary<string, HttpResponseMessage>
        {
            ["the form's 201"] = await cases.Anonymous.PostAsJsonAsync(
                $"/api/funds/{cases.Slug}/requests",
                new
                {
                    alias = "Ana",
                    contact = new { channel = "signal", handle = "+50499990000" },
                    country = "Honduras",
                    urgency = "high",
                    situation = "Threatened.",
                    need = "relocation",
                    amount = 100,
                    currency = "USD",
                    language = "es",
                }
            ),
            ["status"] = await cases.Anonymous.PostAsJsonAsync("/api/requests/status", new { caseCode = code }),
            ["a case's JSON"] = await cases.Officer.Client.GetAsync($"/api/requests/{reference}"),
            ["payment details"] = await cases.Finance.Client.GetAsync($"/api/requests/{reference}/payment-details"),
            ["the queue"] = await cases.Officer.Client.GetAsync("/api/requests"),
            ["a 404 problem"] = await cases.Officer.Client.GetAsync("/api/requests/RR-0000-0000"),
            ["a 401 problem"] = await cases.Anonymous.GetAsync("/api/requests"),
            ["a 400 problem"] = await cases.Anonymous.PostAsJsonAsync("/api/requests/status", new { caseCode = "" }),
            ["who am I"] = await cases.Officer.Client.GetAsync("/api/me"),
        };
        Assert.Equal(HttpStatusCode.Created, answers["the form's 201"].StatusCode);
        Assert.Equal(HttpStatusCode.OK, answers["a case's JSON"].StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, answers["a 404 problem"].StatusCode);
        foreach (var (name, answer) in answers)
        {
            Assert.True(
                answer.Headers.CacheControl?.NoStore == true,
                $"{name}: Cache-Control {answer.Headers.CacheControl}"
            );
            Assert.True(
                answer.Headers.TryGetValues("X-Content-Type-Options", out var sniff) && sniff.Single() == "nosniff",
                $"{name}: no nosniff"
            );
        }
    }

    [Fact]
    public async Task Https_answers_carry_hsts_outside_development_as_configured()
    {
        var https = new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://fundaudit.example") };
        var http = new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://fundaudit.example") };

        var answer = await app.CreateClient(https).GetAsync("/health/live");
        Assert.Equal("max-age=31536000", Assert.Single(answer.Headers.GetValues("Strict-Transport-Security")));
        Assert.False(
            (await app.CreateClient(http).GetAsync("/health/live")).Headers.Contains("Strict-Transport-Security")
        );

        await using var configured = app.WithWebHostBuilder(b =>
            b.UseSetting("Hsts:MaxAgeDays", "30").UseSetting("Hsts:IncludeSubDomains", "true")
        );
        Assert.Equal(
            "max-age=2592000; includeSubDomains",
            Assert.Single(
                (await configured.CreateClient(https).GetAsync("/health/live")).Headers.GetValues(
                    "Strict-Transport-Security"
                )
            )
        );

        await using var off = app.WithWebHostBuilder(b => b.UseSetting("Hsts:Enabled", "false"));
        Assert.False(
            (await off.CreateClient(https).GetAsync("/health/live")).Headers.Contains("Strict-Transport-Security")
        );

        await using var development = app.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        var devAnswer = await development.CreateClient(https).GetAsync("/api/me");
        Assert.False(devAnswer.Headers.Contains("Strict-Transport-Security"));
        Assert.True(devAnswer.Headers.CacheControl?.NoStore == true); // the /api rule holds in every environment
    }
}
