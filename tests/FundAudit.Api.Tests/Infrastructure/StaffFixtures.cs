using FundAudit.Api.Infrastructure.Data;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Infrastructure;

/// <summary>
/// Staff people for tests that drive the API with keys (every key has an owner): written straight into
/// <c>staff_people</c> as the people feature would leave an active person, so that keys' tests need no sign-in.
/// </summary>
public static class StaffFixtures
{
    private const string SelectByEmail =
        "SELECT id, roles FROM staff_people WHERE funder_id = @FunderId AND email_key = @Email";
    private const string UpdateRoles =
        "UPDATE staff_people SET roles = @Roles WHERE funder_id = @FunderId AND id = @Id";
    private const string UpdateStatus =
        "UPDATE staff_people SET status = @Status WHERE funder_id = @FunderId AND id = @Id";

    private static readonly string[] Columns =
    [
        "funder_id",
        "email",
        "email_key",
        "display_name",
        "roles",
        "status",
        "created_at",
        "updated_at",
    ];

    /// <summary>
    /// The active person of the funder named <paramref name="label"/> (made on first use), given
    /// <paramref name="role"/> too; without a label, a new person holding the role alone.
    /// </summary>
    public static async Task<long> CreateAsync(FundAuditApp app, long funderId, string? label, string role)
    {
        var db = app.Services.GetRequiredService<Db>();
        var name = label?.Trim().ToLowerInvariant() ?? "person-" + Guid.NewGuid().ToString("N")[..8];
        var email = $"{name}.{funderId}@people.test"; // unique across funders, as sign-in finds people by email
        var existing = await db.QuerySingleOrDefaultAsync<PersonRoles>(
            SelectByEmail,
            new { FunderId = funderId, Email = email },
            CancellationToken.None
        );
        if (existing is not null)
        {
            var roles = existing.Roles.Split(',').Append(role).Distinct(StringComparer.Ordinal);
            await SetRolesAsync(app, funderId, existing.Id, string.Join(",", roles));
            return existing.Id;
        }

        var now = app.Clock.GetUtcNow();
        var args = new
        {
            funder_id = funderId,
            email,
            email_key = email,
            display_name = label ?? name,
            roles = role,
            status = "active",
            created_at = now,
            updated_at = now,
        };
        var id = await db.InsertReturningIdAsync("staff_people", Columns, args, CancellationToken.None);
        await JoinEveryFundAsync(app, funderId, id);
        return id;
    }

    /// <summary>Unless the funder is a need-to-know test's, makes the person a member of each of its funds.</summary>
    public static async Task JoinEveryFundAsync(FundAuditApp app, long funderId, long personId)
    {
        if (app.NeedToKnowFunders.ContainsKey(funderId))
        {
            return;
        }

        var db = app.Services.GetRequiredService<RapidResponseDb>();
        var funds = await db.QueryListAsync<long>(
            "SELECT id FROM funds WHERE funder_id = @FunderId",
            new { FunderId = funderId },
            CancellationToken.None
        );
        foreach (var fund in funds)
        {
            await JoinAsync(app, funderId, fund, personId);
        }
    }

    /// <summary>Makes the person a member of the fund, as an admin would (PUT /api/funds/{slug}/members/{id}).</summary>
    public static Task JoinAsync(FundAuditApp app, long funderId, long fundId, long personId) =>
        app
            .Services.GetRequiredService<FundAudit.Api.Features.EmergencyRequests.FundMemberStore>()
            .AddAsync(funderId, fundId, personId, "test", app.Clock.GetUtcNow(), CancellationToken.None);

    /// <summary>
    /// After a fund is created through the API, makes every person of its funder a member (unless the funder is a
    /// need-to-know test's): the tests written before need-to-know act on any fund of their funder.
    /// </summary>
    public sealed class EveryoneAMemberHandler(FundAuditApp app) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request,
            CancellationToken cancellationToken
        )
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (
                request.Method == HttpMethod.Post
                && request.RequestUri?.AbsolutePath.TrimEnd('/') == "/api/funds"
                && response.StatusCode == System.Net.HttpStatusCode.Created
            )
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                var created = System.Text.Json.JsonDocument.Parse(
                    await response.Content.ReadAsStringAsync(cancellationToken)
                );
                var slug = created.RootElement.GetProperty("fund").GetProperty("slug").GetString();
                var fund = await app
                    .Services.GetRequiredService<RapidResponseDb>()
                    .QuerySingleOrDefaultAsync<FundIds>(
                        "SELECT id, funder_id FROM funds WHERE slug = @Slug",
                        new { Slug = slug },
                        CancellationToken.None
                    );
                if (fund is not null && !app.NeedToKnowFunders.ContainsKey(fund.FunderId))
                {
                    var people = await app
                        .Services.GetRequiredService<Db>()
                        .QueryListAsync<long>(
                            "SELECT id FROM staff_people WHERE funder_id = @FunderId",
                            new { FunderId = fund.FunderId },
                            CancellationToken.None
                        );
                    foreach (var person in people)
                    {
                        await JoinAsync(app, fund.FunderId, fund.Id, person);
                    }
                }
            }

            return response;
        }
    }

    private sealed class FundIds
    {
        public long Id { get; init; }

        public long FunderId { get; init; }
    }

    /// <summary>Sets a person's roles (comma-separated), as an admin's change would.</summary>
    public static Task SetRolesAsync(FundAuditApp app, long funderId, long personId, string roles) =>
        app
            .Services.GetRequiredService<Db>()
            .ExecuteAsync(
                UpdateRoles,
                new
                {
                    FunderId = funderId,
                    Id = personId,
                    Roles = roles,
                },
                CancellationToken.None
            );

    /// <summary>Sets the funder's switch for keys straight in the table (test set-up, not an admin's logged change).</summary>
    public static Task SetKeysMayDecideAsync(FundAuditApp app, long funderId, bool value) =>
        app
            .Services.GetRequiredService<Db>()
            .ExecuteAsync(
                "UPDATE funders SET keys_may_decide = @Value WHERE id = @Id",
                new { Id = funderId, Value = value },
                CancellationToken.None
            );

    /// <summary>Sets a person's status (active, seized, disabled), as seizure or removal would.</summary>
    public static Task SetStatusAsync(FundAuditApp app, long funderId, long personId, string status) =>
        app
            .Services.GetRequiredService<Db>()
            .ExecuteAsync(
                UpdateStatus,
                new
                {
                    FunderId = funderId,
                    Id = personId,
                    Status = status,
                },
                CancellationToken.None
            );

    private sealed class PersonRoles
    {
        public long Id { get; init; }

        public string Roles { get; init; } = "";
    }
}
