using System.Net;
using System.Net.Http.Json;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Authz;

/// <summary>
/// Issue 15 item 4, need-to-know: officers and finance people see and handle only their funds' requests; admins see
/// every fund's requests but read sensitive fields and act only as members. A matrix, role × call × someone else's
/// object (another fund's request, another funder's), on the API and the console, proves every refusal; the same
/// calls on the caller's own fund succeed, so each row can fail.
/// </summary>
public sealed class NeedToKnowTests(NeedToKnowTests.World world) : IClassFixture<NeedToKnowTests.World>
{
    /// <summary>Funder A: funds "mine" (officer and finance are members) and "other" (nobody's, the admin is no
    /// member of either); funder B: one fund. Each fund has one approved request with payment details.</summary>
    public sealed class World : SqliteApp
    {
        public Dictionary<string, Tenant> Callers { get; } = [];

        /// <summary>mine, other (another fund of the same funder), foreign (another funder's).</summary>
        public Dictionary<string, (string Slug, string Reference)> Targets { get; } = [];

        public async Task BuildAsync()
        {
            if (Targets.Count > 0)
            {
                return;
            }

            var admin = await CreateTenantAsync(Roles.Admin, everyoneAMember: false);
            var officer = await AddKeyAsync(admin, Roles.Officer, "olga");
            var finance = await AddKeyAsync(admin, Roles.Finance, "fatima");
            var otherOfficer = await AddKeyAsync(admin, Roles.Officer, "omar");
            var otherFinance = await AddKeyAsync(admin, Roles.Finance, "fiona");
            Targets["mine"] = await ApprovedRequestAsync(admin, [officer, finance], officer, finance);
            Targets["other"] = await ApprovedRequestAsync(
                admin,
                [otherOfficer, otherFinance],
                otherOfficer,
                otherFinance
            );

            var foreignAdmin = await CreateTenantAsync(Roles.Admin);
            Targets["foreign"] = await ApprovedRequestAsync(
                foreignAdmin,
                [],
                await AddKeyAsync(foreignAdmin, Roles.Officer, "ola"),
                await AddKeyAsync(foreignAdmin, Roles.Finance, "fern")
            );
            Callers["officer"] = officer;
            Callers["finance"] = finance;
            Callers["admin"] = admin;
        }

        private async Task<(string, string)> ApprovedRequestAsync(
            Tenant admin,
            Tenant[] members,
            Tenant officer,
            Tenant finance
        )
        {
            var slug = await EmergencyForms.CreateFundAsync(admin, "ntk");
            foreach (var member in members)
            {
                await HttpAssert.OkJsonAsync(
                    await admin.Client.PutAsync($"/api/funds/{slug}/members/{member.PersonId}", null)
                );
            }

            var reference = await EmergencyForms.SubmitAsync(CreateClient(), slug);
            await HttpAssert.OkJsonAsync(
                await officer.Client.PostAsJsonAsync(
                    $"/api/requests/{reference}/approve",
                    new { version = 1, amount = 500m }
                )
            );
            await HttpAssert.OkJsonAsync(
                await finance.Client.PutAsJsonAsync(
                    $"/api/requests/{reference}/payment-details",
                    new { version = 2, details = "Mobile money +504" }
                )
            );
            return (slug, reference);
        }
    }

    /// <summary>The API calls of the matrix: name → (method, path, body), with {ref} and {slug} of the target.</summary>
    private static readonly Dictionary<string, (string Method, string Path, object? Body)> ApiCalls = new()
    {
        ["list"] = ("GET", "/api/requests?fund={slug}", null),
        ["metrics"] = ("GET", "/api/funds/{slug}/metrics", null),
        ["get"] = ("GET", "/api/requests/{ref}", null),
        ["events"] = ("GET", "/api/requests/{ref}/events", null),
        ["acknowledge"] = ("POST", "/api/requests/{ref}/acknowledge", new { version = 3 }),
        ["decline"] = ("POST", "/api/requests/{ref}/decline", new { version = 3, reason = "No." }),
        ["payment-details"] = ("GET", "/api/requests/{ref}/payment-details", null),
        ["record-payment"] = ("PUT", "/api/requests/{ref}/payment-details", new { version = 3, details = "x" }),
        ["assign"] = ("PUT", "/api/requests/{ref}/assignee", new { personId = (long?)null }),
    };

    /// <summary>What a role may call at all (its role policy): elsewhere 403 comes before any fund is looked at.</summary>
    private static bool RoleAllows(string role, string call) =>
        role switch
        {
            "finance" => call is "list" or "events" or "payment-details" or "record-payment",
            _ => true,
        };

    /// <summary>Whether the call needs membership of the fund (sensitive fields or an action) or only sight of it.</summary>
    private static bool Handles(string call) => call is not ("list" or "metrics" or "events");

    public static TheoryData<string, string, string> ApiMatrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var role in new[] { "officer", "finance", "admin" })
        foreach (var call in ApiCalls.Keys)
        foreach (var target in new[] { "other", "foreign" })
        {
            if (role == "admin" && target == "other" && !Handles(call))
            {
                continue; // an admin sees every fund of its funder: not a refusal
            }

            data.Add(role, call, target);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ApiMatrix))]
    public async Task The_api_refuses_someone_elses_object(string role, string call, string target)
    {
        await world.BuildAsync();
        var response = await SendAsync(role, call, target);

        var expected =
            !RoleAllows(role, call) ? HttpStatusCode.Forbidden
            : role == "admin" && target == "other" ? HttpStatusCode.Forbidden // sees it, is no member
            : HttpStatusCode.NotFound; // another fund's request is not found, as another funder's
        await HttpAssert.ProblemAsync(response, expected);
    }

    [Theory]
    [InlineData("officer")]
    [InlineData("finance")]
    public async Task The_same_calls_on_the_callers_own_fund_succeed(string role)
    {
        await world.BuildAsync();
        foreach (
            var call in ApiCalls.Keys.Where(c =>
                RoleAllows(role, c) && c is not ("decline" or "acknowledge" or "record-payment")
            )
        )
        {
            var response = await SendAsync(role, call, "mine");
            Assert.True(response.IsSuccessStatusCode, $"{role} {call} on its own fund: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task An_admin_lists_every_fund_but_an_officer_only_its_own_and_reveals_are_logged_with_a_purpose()
    {
        await world.BuildAsync();
        var (_, mine) = world.Targets["mine"];
        var (_, other) = world.Targets["other"];
        var adminList = await HttpAssert.OkJsonAsync(await world.Callers["admin"].Client.GetAsync("/api/requests"));
        var officerList = await HttpAssert.OkJsonAsync(await world.Callers["officer"].Client.GetAsync("/api/requests"));
        string[] References(System.Text.Json.JsonElement list) =>
            list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("reference").GetString()!).ToArray();
        Assert.Contains(other, References(adminList));
        Assert.Equal([mine], References(officerList));

        await HttpAssert.ProblemAsync(
            await world.Callers["officer"].Client.GetAsync($"/api/requests/{mine}?purpose=curiosity"),
            HttpStatusCode.BadRequest
        );
        await HttpAssert.OkJsonAsync(
            await world.Callers["officer"].Client.GetAsync($"/api/requests/{mine}?purpose=verify_identity")
        );
        var db = world.Services.GetRequiredService<RapidResponseDb>();
        var purposes = await db.QueryListAsync<string>(
            "SELECT l.purpose FROM request_access_log l JOIN emergency_requests r ON r.id = l.request_id "
                + "WHERE r.reference = @Reference AND l.fields = 'case' ORDER BY l.id",
            new { Reference = mine },
            CancellationToken.None
        );
        Assert.Equal("verify_identity", purposes[^1]);
    }

    public static TheoryData<string, string, string> ConsoleMatrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var role in new[] { "officer", "finance", "admin" })
        foreach (var page in new[] { "page", "reveal", "acknowledge" })
        foreach (var target in new[] { "other", "foreign" })
        {
            if (!(role == "admin" && target == "other" && page == "page"))
            {
                data.Add(role, page, target);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ConsoleMatrix))]
    public async Task The_console_refuses_someone_elses_object(string role, string page, string target)
    {
        await world.BuildAsync();
        var session = new PageSession(
            world.CreateClient(
                new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }
            )
        );
        await TestPeople.SignInAsync(world, session, world.Callers[role].Key); // the person who owns the key
        var (_, reference) = world.Targets[target];
        var (_, mine) = world.Targets["mine"];
        await session.GetAsync($"/app/requests/{mine}"); // a form token for the posts
        var answer = page switch
        {
            "page" => await session.GetAsync($"/app/requests/{reference}"),
            "reveal" => await session.PostAsync($"/app/requests/{reference}/reveal", ("purpose", "decide")),
            _ => await session.PostAsync($"/app/requests/{reference}/acknowledge", ("version", "3")),
        };

        var expected =
            role == "finance" && page == "reveal" ? HttpStatusCode.Redirect // to /app/forbidden: not its role
            : role == "admin" && target == "other" ? HttpStatusCode.Forbidden
            : HttpStatusCode.NotFound;
        Assert.True(expected == answer.Status, $"{role} {page} {target}: {(int)answer.Status}");
        Assert.DoesNotContain("Mobile money", answer.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Threatened after a hearing.", answer.Html, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(string role, string call, string target)
    {
        var (slug, reference) = world.Targets[target];
        var (method, path, body) = ApiCalls[call];
        using var message = new HttpRequestMessage(
            new HttpMethod(method),
            path.Replace("{ref}", reference).Replace("{slug}", slug)
        )
        {
            Content = body is null ? null : JsonContent.Create(body),
        };
        return await world.Callers[role].Client.SendAsync(message);
    }
}
