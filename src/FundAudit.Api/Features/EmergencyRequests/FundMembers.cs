using FundAudit.Api.Features.Logs;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// GET, PUT and DELETE /api/funds/{slug}/members[/{personId}] (admin): who may see the fund's requests and handle
/// them (need-to-know). A member is a person of the funder holding the officer or finance role. Each change goes to the
/// administration log (in a transaction of its own on the main database: memberships live with the rapid-response data,
/// on SQLite another file).
/// </summary>
internal static class FundMembers
{
    /// <param name="PersonId">The staff person (<c>staff_people.id</c>).</param>
    /// <param name="AddedBy">Who added them.</param>
    /// <param name="AddedAt">When.</param>
    public sealed record Member(long PersonId, string AddedBy, DateTimeOffset AddedAt);

    public sealed record Response(string Fund, IReadOnlyList<Member> Members);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> ListAsync(
        string slug,
        ClaimsPrincipal user,
        FundStore funds,
        FundMemberStore members,
        CancellationToken ct
    )
    {
        if (await funds.FindAsync(user.FunderId(), slug.Trim().ToLowerInvariant(), ct) is not { } fund)
        {
            return EmergencyProblems.FundNotFound();
        }

        return TypedResults.Ok(await ResponseAsync(fund, members, ct));
    }

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> AddAsync(
        string slug,
        long personId,
        ClaimsPrincipal user,
        FundStore funds,
        FundMemberStore members,
        StaffDirectory staff,
        AdminLog adminLog,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        if (await funds.FindAsync(funderId, slug.Trim().ToLowerInvariant(), ct) is not { } fund)
        {
            return EmergencyProblems.FundNotFound();
        }

        var person = await staff.FindAsync(funderId, personId, ct);
        if (person is null || !(person.Holds(Roles.Officer) || person.Holds(Roles.Finance)))
        {
            return EmergencyProblems.Unprocessable(
                "personId",
                "A fund's members are people of your funder holding the officer or finance role."
            );
        }

        if (await members.AddAsync(funderId, fund.Id, personId, user.Actor(), clock.GetUtcNow(), ct))
        {
            await LogAsync(adminLog, user, AuthzActions.FundMemberAdded, fund, personId, ct);
        }

        return TypedResults.Ok(await ResponseAsync(fund, members, ct));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(
        string slug,
        long personId,
        ClaimsPrincipal user,
        FundStore funds,
        FundMemberStore members,
        AdminLog adminLog,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        if (await funds.FindAsync(funderId, slug.Trim().ToLowerInvariant(), ct) is not { } fund)
        {
            return EmergencyProblems.FundNotFound();
        }

        if (!await members.RemoveAsync(funderId, fund.Id, personId, ct))
        {
            return ProblemText.Problem(StatusCodes.Status404NotFound, "Title_NotFound", "Use_NotFundMember");
        }

        await LogAsync(adminLog, user, AuthzActions.FundMemberRemoved, fund, personId, ct);
        return TypedResults.NoContent();
    }

    private static Task LogAsync(
        AdminLog adminLog,
        ClaimsPrincipal user,
        string action,
        FundRow fund,
        long personId,
        CancellationToken ct
    ) =>
        adminLog.AppendAsync(
            new AdminLogEntry(
                fund.FunderId,
                user.Actor(),
                action,
                "fund",
                fund.Id.ToString(CultureInfo.InvariantCulture),
                "person=" + personId.ToString(CultureInfo.InvariantCulture)
            ),
            ct
        );

    private static async Task<Response> ResponseAsync(FundRow fund, FundMemberStore members, CancellationToken ct) =>
        new(
            fund.Slug,
            (await members.ListAsync(fund.FunderId, fund.Id, ct))
                .Select(m => new Member(m.PersonId, m.AddedBy, m.AddedAt))
                .ToList()
        );
}

/// <summary>PUT /api/requests/{reference}/assignee: assigns the request to an officer who is a member of its
/// fund (by a member of the fund), or clears the assignment.</summary>
internal static class AssignRequest
{
    /// <param name="PersonId">The officer (a member of the request's fund), or null to clear.</param>
    public sealed record Request(long? PersonId);

    /// <param name="Reference">The request.</param>
    /// <param name="AssignedPersonId">Its officer, or null.</param>
    public sealed record Response(string Reference, long? AssignedPersonId);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        string reference,
        Request request,
        ClaimsPrincipal user,
        RequestWorkflow workflow,
        FundMemberStore members,
        StaffDirectory staff,
        AdminLog adminLog,
        CancellationToken ct
    )
    {
        var (found, refused) = await workflow.FindForAsync(user, reference, FundNeed.Handle, ct);
        if (found is not var (row, fund))
        {
            return refused!;
        }

        if (
            request.PersonId is { } person
            && !(
                await staff.FindAsync(row.FunderId, person, ct) is { } officer
                && officer.Holds(Roles.Officer)
                && await members.IsMemberAsync(row.FunderId, fund.Id, person, ct)
            )
        )
        {
            return EmergencyProblems.Unprocessable(
                "personId",
                "A request is assigned to an officer who is a member of its fund."
            );
        }

        await members.AssignAsync(row.FunderId, row.Id, request.PersonId, ct);
        await adminLog.AppendAsync(
            new AdminLogEntry(
                row.FunderId,
                user.Actor(),
                AuthzActions.RequestAssigned,
                "request",
                row.Id.ToString(CultureInfo.InvariantCulture),
                request.PersonId is { } p ? "person=" + p.ToString(CultureInfo.InvariantCulture) : "person=none"
            ),
            ct
        );
        return TypedResults.Ok(new Response(row.Reference, request.PersonId));
    }
}
