namespace FundAudit.Api.Features.Tenancy;

/// <summary>
/// Four-eyes on roles (issue 16 item 6): POST /api/people/{personId}/role-grants asks for a role for a person; admin,
/// officer or finance, when the funder has two or more active admins, waits for a second admin's confirmation (POST
/// /api/role-grants/{id}/confirm; the admin who asked cannot confirm); any other grant applies at once. Every step goes
/// to the administration log, which every admin reads.
/// </summary>
internal static class RoleGrants
{
    /// <summary>The roles whose grant needs a second admin.</summary>
    public static readonly IReadOnlyList<string> Guarded = [Roles.Admin, Roles.Officer, Roles.Finance];

    /// <param name="Role">admin, analyst, officer or finance.</param>
    public sealed record Request(string Role);

    /// <param name="Id">The grant.</param>
    /// <param name="PersonId">Who receives the role.</param>
    /// <param name="Role">The role.</param>
    /// <param name="Status">pending (waits for a second admin) or applied.</param>
    /// <param name="RequestedBy">The admin person who asked.</param>
    /// <param name="ConfirmedBy">The admin person who confirmed (the requester for a grant applied at once).</param>
    public sealed record Grant(long Id, long PersonId, string Role, string Status, long RequestedBy, long? ConfirmedBy);

    public static Grant View(RoleGrantRow g) => new(g.Id, g.PersonId, g.Role, g.Status, g.RequestedBy, g.ConfirmedBy);

    public static async Task<Results<Ok<Grant>, Accepted<Grant>, ProblemHttpResult>> RequestAsync(
        long personId,
        Request request,
        [AsParameters] RoleGrantServices s,
        [FromServices] TenancyStore tenancy,
        CancellationToken ct
    )
    {
        var (user, grants) = (s.User, s.Grants);
        var funderId = user.FunderId();
        if (user.StaffPersonId() is not { } admin)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "Only a person grants roles.");
        }

        if (await tenancy.FindOwnerAsync(funderId, personId, ct) is not { IsLive: true } person)
        {
            return Problem(StatusCodes.Status404NotFound, "No invited or active person with this id in your funder.");
        }

        if (person.RoleList.Contains(request.Role, StringComparer.Ordinal))
        {
            return Problem(StatusCodes.Status409Conflict, $"The person already holds {request.Role}.");
        }

        var now = s.Clock.GetUtcNow();
        var pending = await grants.NeedsSecondAdminAsync(funderId, request.Role, ct);
        var row = new RoleGrantRow
        {
            FunderId = funderId,
            PersonId = personId,
            Role = request.Role,
            Status = pending ? "pending" : "applied",
            RequestedBy = admin,
            RequestedAt = now,
            ConfirmedBy = pending ? null : admin,
            ConfirmedAt = pending ? null : now,
        };
        var id = await grants.RequestAsync(row, user.Actor(), ct);
        var view = await s.ViewAsync(id, ct) ?? View(row);
        return pending ? TypedResults.Accepted($"/api/role-grants/{id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<Grant>, ProblemHttpResult>> ConfirmAsync(
        long id,
        [AsParameters] RoleGrantServices s,
        CancellationToken ct
    )
    {
        var user = s.User;
        if (await s.Grants.FindAsync(user.FunderId(), id, ct) is not { } grant)
        {
            return Problem(StatusCodes.Status404NotFound, "No grant with this id in your funder.");
        }

        if (user.StaffPersonId() is not { } admin || admin == grant.RequestedBy)
        {
            return Problem(
                StatusCodes.Status409Conflict,
                "The admin who asked for a grant cannot confirm it: a second, different admin confirms.",
                "second_admin_must_differ"
            );
        }

        if (!await s.Grants.ConfirmAsync(grant, admin, user.Actor(), s.Clock.GetUtcNow(), ct))
        {
            return Problem(StatusCodes.Status409Conflict, "This grant is no longer pending.");
        }

        return TypedResults.Ok((await s.ViewAsync(id, ct))!);
    }

    public static async Task<Ok<IReadOnlyList<Grant>>> ListAsync(
        ClaimsPrincipal user,
        [FromServices] RoleGrantStore grants,
        CancellationToken ct
    ) => TypedResults.Ok<IReadOnlyList<Grant>>((await grants.ListAsync(user.FunderId(), ct)).Select(View).ToList());

    private static ProblemHttpResult Problem(int status, string detail, string? code = null) =>
        TypedResults.Problem(
            statusCode: status,
            title: status == StatusCodes.Status404NotFound ? "Not found" : "Grant refused",
            detail: detail,
            extensions: code is null ? null : new Dictionary<string, object?> { ["code"] = code }
        );

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Role).KnownRole();
    }
}

/// <summary>What asking for a role and confirming it are given: the admin (or key) who acts, the funder's grants and
/// the clock.</summary>
internal sealed record RoleGrantServices(
    ClaimsPrincipal User,
    [FromServices] RoleGrantStore Grants,
    [FromServices] TimeProvider Clock
)
{
    /// <summary>The caller's funder's grant <paramref name="id"/> as answered; null when it has none.</summary>
    public async Task<RoleGrants.Grant?> ViewAsync(long id, CancellationToken ct) =>
        await Grants.FindAsync(User.FunderId(), id, ct) is { } row ? RoleGrants.View(row) : null;
}
