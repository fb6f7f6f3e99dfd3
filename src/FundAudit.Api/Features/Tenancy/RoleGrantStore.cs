using FundAudit.Api.Features.Logs;

namespace FundAudit.Api.Features.Tenancy;

/// <summary>A grant of a role to a person, as stored.</summary>
internal sealed class RoleGrantRow
{
    public long Id { get; init; }

    public long FunderId { get; init; }

    public long PersonId { get; init; }

    public string Role { get; init; } = "";

    public string Status { get; init; } = "";

    public long RequestedBy { get; init; }

    public DateTimeOffset RequestedAt { get; init; }

    public long? ConfirmedBy { get; init; }

    public DateTimeOffset? ConfirmedAt { get; init; }
}

/// <summary>
/// Grants of roles to people (four-eyes: a pending grant waits for a second admin). Applying a grant adds the role to
/// the person and writes the administration log in the same transaction. Every statement filters on the funder.
/// </summary>
internal sealed class RoleGrantStore(Db db, AdminLog adminLog)
{
    private const string GrantColumns =
        "id, funder_id, person_id, role, status, requested_by, requested_at, confirmed_by, confirmed_at";
    private const string SelectGrant =
        "SELECT " + GrantColumns + " FROM role_grants WHERE funder_id = @FunderId AND id = @Id";
    private const string SelectGrants =
        "SELECT " + GrantColumns + " FROM role_grants WHERE funder_id = @FunderId ORDER BY id DESC";
    private const string SelectActiveRoles =
        "SELECT roles FROM staff_people WHERE funder_id = @FunderId AND status = 'active'";
    private const string SelectRoles = "SELECT roles FROM staff_people WHERE funder_id = @FunderId AND id = @Id";
    private const string UpdateRoles = """
        UPDATE staff_people SET roles = @Roles, updated_at = @Now WHERE funder_id = @FunderId AND id = @Id
        """;
    private const string ConfirmPending = """
        UPDATE role_grants SET status = 'applied', confirmed_by = @ConfirmedBy, confirmed_at = @Now
        WHERE funder_id = @FunderId AND id = @Id AND status = 'pending'
        """;

    private static readonly string[] Columns = RowArgs.InsertedColumns(GrantColumns);

    /// <summary>Whether giving <paramref name="role"/> waits for a second admin: a guarded role (admin, officer,
    /// finance) in a funder with two or more active admins. The one rule for grants and invitations.</summary>
    public async Task<bool> NeedsSecondAdminAsync(long funderId, string role, CancellationToken ct) =>
        RoleGrants.Guarded.Contains(role, StringComparer.Ordinal) && await ActiveAdminsAsync(funderId, ct) >= 2;

    /// <summary>How many active people of the funder hold the admin role.</summary>
    public async Task<int> ActiveAdminsAsync(long funderId, CancellationToken ct) =>
        (await db.QueryListAsync<string>(SelectActiveRoles, new { FunderId = funderId }, ct)).Count(r =>
            KeyOwners.Split(r).Contains(Roles.Admin, StringComparer.Ordinal)
        );

    public Task<RoleGrantRow?> FindAsync(long funderId, long id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<RoleGrantRow>(SelectGrant, new { FunderId = funderId, Id = id }, ct);

    public Task<List<RoleGrantRow>> ListAsync(long funderId, CancellationToken ct) =>
        db.QueryListAsync<RoleGrantRow>(SelectGrants, new { FunderId = funderId }, ct);

    /// <summary>Records a grant: pending (waits for a second admin) or applied at once (the role is added).</summary>
    public async Task<long> RequestAsync(RoleGrantRow grant, string actor, CancellationToken ct)
    {
        long id = 0;
        await db.InTransactionAsync(
            async tx =>
            {
                id = await tx.ExecuteScalarAsync<long>(
                    db.Dialect.InsertReturningId("role_grants", Columns, "id"),
                    RowArgs.OfColumns(grant, Columns),
                    ct
                );
                var applied = grant.Status == "applied";
                if (applied)
                {
                    await AddRoleAsync(tx, grant, grant.RequestedAt, ct);
                }

                await LogAsync(tx, grant, id, actor, applied ? "role_grant.applied" : "role_grant.requested", ct);
            },
            ct
        );
        return id;
    }

    /// <summary>A second admin confirms a pending grant: false when it was no longer pending.</summary>
    public Task<bool> ConfirmAsync(
        RoleGrantRow grant,
        long confirmedBy,
        string actor,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var args = new
        {
            grant.FunderId,
            grant.Id,
            ConfirmedBy = confirmedBy,
            Now = now,
        };
        return db.WriteIfAsync(
            async tx => await tx.ExecuteAsync(ConfirmPending, args, ct) == 1,
            async tx =>
            {
                await AddRoleAsync(tx, grant, now, ct);
                await LogAsync(tx, grant, grant.Id, actor, "role_grant.confirmed", ct);
            },
            ct
        );
    }

    private static async Task AddRoleAsync(
        DbTransaction tx,
        RoleGrantRow grant,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var roles = await tx.ExecuteScalarAsync<string>(SelectRoles, new { grant.FunderId, Id = grant.PersonId }, ct);
        var updated = KeyOwners.Split(roles).Append(grant.Role).Distinct(StringComparer.Ordinal);
        await tx.ExecuteAsync(
            UpdateRoles,
            new
            {
                grant.FunderId,
                Id = grant.PersonId,
                Roles = string.Join(",", Roles.All.Where(r => updated.Contains(r, StringComparer.Ordinal))),
                Now = now,
            },
            ct
        );
    }

    private Task LogAsync(
        DbTransaction tx,
        RoleGrantRow grant,
        long id,
        string actor,
        string action,
        CancellationToken ct
    ) =>
        adminLog.AppendAsync(
            tx,
            new AdminLogEntry(
                grant.FunderId,
                actor,
                action,
                "person",
                grant.PersonId.ToString(CultureInfo.InvariantCulture),
                $"role={grant.Role};grant={id.ToString(CultureInfo.InvariantCulture)}"
            ),
            ct
        );
}
