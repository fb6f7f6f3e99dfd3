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
        [AsParameters] FundMemberServices s,
        CancellationToken ct
    ) =>
        await s.FundAsync(slug, ct) is { } fund
            ? TypedResults.Ok(await s.ResponseAsync(fund, ct))
            : EmergencyProblems.FundNotFound();

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> AddAsync(
        string slug,
        long personId,
        [AsParameters] FundMemberServices s,
        [FromServices] StaffDirectory staff,
        [FromServices] TimeProvider clock,
        CancellationToken ct
    )
    {
        if (await s.FundAsync(slug, ct) is not { } fund)
        {
            return EmergencyProblems.FundNotFound();
        }

        var person = await staff.FindAsync(fund.FunderId, personId, ct);
        if (person is null || !(person.Holds(Roles.Officer) || person.Holds(Roles.Finance)))
        {
            return EmergencyProblems.Unprocessable(
                "personId",
                "A fund's members are people of your funder holding the officer or finance role."
            );
        }

        if (await s.Members.AddAsync(fund.FunderId, fund.Id, personId, s.User.Actor(), clock.GetUtcNow(), ct))
        {
            await s.LogAsync(AuthzActions.FundMemberAdded, fund, personId, ct);
        }

        return TypedResults.Ok(await s.ResponseAsync(fund, ct));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(
        string slug,
        long personId,
        [AsParameters] FundMemberServices s,
        CancellationToken ct
    )
    {
        if (await s.FundAsync(slug, ct) is not { } fund)
        {
            return EmergencyProblems.FundNotFound();
        }

        if (!await s.Members.RemoveAsync(fund.FunderId, fund.Id, personId, ct))
        {
            return ProblemText.Problem(StatusCodes.Status404NotFound, "Title_NotFound", "Use_NotFundMember");
        }

        await s.LogAsync(AuthzActions.FundMemberRemoved, fund, personId, ct);
        return TypedResults.NoContent();
    }
}

/// <summary>What the handlers of a fund's members are given: the admin, the funder's funds, the memberships and the
/// administration log. Every read and change is of the caller's funder's fund.</summary>
internal sealed record FundMemberServices(
    ClaimsPrincipal User,
    [FromServices] FundStore Funds,
    [FromServices] FundMemberStore Members,
    [FromServices] AdminLog AdminLog
)
{
    /// <summary>The caller's funder's fund of <paramref name="slug"/> (as typed: trimmed, in any case); null when it
    /// has none.</summary>
    public Task<FundRow?> FundAsync(string slug, CancellationToken ct) => Funds.FindAsync(User.FunderId(), slug, ct);

    /// <summary>The fund's members as the three handlers answer them.</summary>
    public async Task<FundMembers.Response> ResponseAsync(FundRow fund, CancellationToken ct) =>
        new(
            fund.Slug,
            (await Members.ListAsync(fund.FunderId, fund.Id, ct))
                .Select(m => new FundMembers.Member(m.PersonId, m.AddedBy, m.AddedAt))
                .ToList()
        );

    /// <summary>Writes a change of the fund's members to the administration log (the person by id only).</summary>
    public Task LogAsync(string action, FundRow fund, long personId, CancellationToken ct) =>
        AdminLog.AppendAsync(
            new AdminLogEntry(
                fund.FunderId,
                User.Actor(),
                action,
                "fund",
                fund.Id.ToString(CultureInfo.InvariantCulture),
                "person=" + personId.ToString(CultureInfo.InvariantCulture)
            ),
            ct
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
        [FromServices] RequestWorkflow workflow,
        [FromServices] FundMemberStore members,
        [FromServices] StaffDirectory staff,
        [FromServices] AdminLog adminLog,
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
