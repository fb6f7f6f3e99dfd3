using FundAudit.Api.Infrastructure.Data;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Infrastructure;

/// <summary>
/// Staff people for tests that drive the API with keys (every key has an owner): written straight into
/// <c>staff_people</c> as the people feature would leave an active person, so that keys' tests need no sign-in.
/// </summary>
public static class TestPeople
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
        var email = name + "@people.test";
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
        return await db.InsertReturningIdAsync("staff_people", Columns, args, CancellationToken.None);
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
