namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>A member of a fund as listed.</summary>
internal sealed class FundMemberRow
{
    public long FundId { get; init; }

    public long PersonId { get; init; }

    public string AddedBy { get; init; } = "";

    public DateTimeOffset AddedAt { get; init; }
}

/// <summary>
/// Fund memberships (need-to-know: officers and finance people see only their funds' requests) and request
/// assignments. Every statement filters on the funder.
/// </summary>
internal sealed class FundMemberStore(RapidResponseDb db)
{
    private const string SelectMembers = """
        SELECT fund_id, person_id, added_by, added_at FROM fund_members
        WHERE funder_id = @FunderId AND fund_id = @FundId ORDER BY person_id
        """;
    private const string SelectFundsOfPerson =
        "SELECT fund_id FROM fund_members WHERE funder_id = @FunderId AND person_id = @PersonId";
    private const string CountMember = """
        SELECT COUNT(*) FROM fund_members WHERE funder_id = @FunderId AND fund_id = @FundId AND person_id = @PersonId
        """;
    private const string InsertMember = """
        INSERT INTO fund_members (funder_id, fund_id, person_id, added_by, added_at)
        VALUES (@FunderId, @FundId, @PersonId, @AddedBy, @Now)
        """;
    private const string DeleteMember =
        "DELETE FROM fund_members WHERE funder_id = @FunderId AND fund_id = @FundId AND person_id = @PersonId";
    private const string SelectAssignee =
        "SELECT assigned_person_id FROM emergency_requests WHERE funder_id = @FunderId AND id = @Id";
    private const string UpdateAssignee =
        "UPDATE emergency_requests SET assigned_person_id = @PersonId WHERE funder_id = @FunderId AND id = @Id";

    public Task<List<FundMemberRow>> ListAsync(long funderId, long fundId, CancellationToken ct) =>
        db.QueryListAsync<FundMemberRow>(SelectMembers, new { FunderId = funderId, FundId = fundId }, ct);

    /// <summary>The funds the person is a member of.</summary>
    public async Task<IReadOnlySet<long>> FundsOfAsync(long funderId, long personId, CancellationToken ct) =>
        (
            await db.QueryListAsync<long>(SelectFundsOfPerson, new { FunderId = funderId, PersonId = personId }, ct)
        ).ToHashSet();

    public async Task<bool> IsMemberAsync(long funderId, long fundId, long personId, CancellationToken ct) =>
        await db.ExecuteScalarAsync<long>(CountMember, new Membership(funderId, fundId, personId), ct) > 0;

    /// <summary>Adds a member; false when the person already was one.</summary>
    public async Task<bool> AddAsync(
        long funderId,
        long fundId,
        long personId,
        string addedBy,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        if (await IsMemberAsync(funderId, fundId, personId, ct))
        {
            return false;
        }

        var member = new Membership(funderId, fundId, personId);
        await db.ExecuteAsync(InsertMember, RowArgs.Of(member, new { AddedBy = addedBy, Now = now }), ct);
        return true;
    }

    /// <summary>Removes a member; false when the person was none.</summary>
    public async Task<bool> RemoveAsync(long funderId, long fundId, long personId, CancellationToken ct) =>
        await db.ExecuteAsync(DeleteMember, new Membership(funderId, fundId, personId), ct) > 0;

    public Task<long?> AssigneeAsync(long funderId, long requestId, CancellationToken ct) =>
        db.ExecuteScalarAsync<long?>(SelectAssignee, new { FunderId = funderId, Id = requestId }, ct);

    public Task AssignAsync(long funderId, long requestId, long? personId, CancellationToken ct) =>
        db.ExecuteAsync(
            UpdateAssignee,
            new
            {
                FunderId = funderId,
                Id = requestId,
                PersonId = personId,
            },
            ct
        );

    /// <summary>One person's membership of one fund of the funder: the parameters of its count and delete.</summary>
    private sealed record Membership(long FunderId, long FundId, long PersonId);
}
