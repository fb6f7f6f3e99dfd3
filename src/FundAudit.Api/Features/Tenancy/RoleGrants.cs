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
        ClaimsPrincipal user,
        TenancyStore tenancy,
        RoleGrantStore grants,
        TimeProvider clock,
        CancellationToken ct
    )
    {
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

        var now = clock.GetUtcNow();
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
        var view = View(await grants.FindAsync(funderId, id, ct) ?? row);
        return pending ? TypedResults.Accepted($"/api/role-grants/{id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<Grant>, ProblemHttpResult>> ConfirmAsync(
        long id,
        ClaimsPrincipal user,
        RoleGrantStore grants,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        if (await grants.FindAsync(funderId, id, ct) is not { } grant)
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

        if (!await grants.ConfirmAsync(grant, admin, user.Actor(), clock.GetUtcNow(), ct))
        {
            return Problem(StatusCodes.Status409Conflict, "This grant is no longer pending.");
        }

        return TypedResults.Ok(View((await grants.FindAsync(funderId, id, ct))!));
    }

    public static async Task<Ok<IReadOnlyList<Grant>>> ListAsync(
        ClaimsPrincipal user,
        RoleGrantStore grants,
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
