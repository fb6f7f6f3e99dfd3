namespace FundAudit.Api.Infrastructure.Auth;

/// <summary>A staff person's roles and status, as other features check them (fund members, assignees).</summary>
internal sealed class StaffMember
{
    public long Id { get; init; }

    public string Roles { get; init; } = "";

    public string Status { get; init; } = "";

    /// <summary>Invited or active (not seized or disabled) and holding <paramref name="role"/>.</summary>
    public bool Holds(string role) =>
        Status is "invited" or "active"
        && Roles
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Contains(role, StringComparer.Ordinal);
}

/// <summary>Reads staff people of a funder (never another funder's) for features that refer to them.</summary>
internal sealed class StaffDirectory(Db db)
{
    private const string SelectPerson =
        "SELECT id, roles, status FROM staff_people WHERE funder_id = @FunderId AND id = @Id";

    public Task<StaffMember?> FindAsync(long funderId, long personId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<StaffMember>(SelectPerson, new { FunderId = funderId, Id = personId }, ct);
}
