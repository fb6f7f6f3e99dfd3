namespace FundAudit.Api.Features.People;

/// <summary>A person as listed: never a password hash, secret or code.</summary>
/// <param name="Id">The person's id within FundAudit.</param>
/// <param name="Email">The email the person signs in with.</param>
/// <param name="DisplayName">The name shown to colleagues.</param>
/// <param name="Roles">admin, analyst, officer, finance.</param>
/// <param name="Status">invited, active or seized.</param>
/// <param name="CreatedAt">When the person was first invited.</param>
/// <param name="SeizedAt">When everything of the person was last revoked, if ever.</param>
internal sealed record PersonView(
    long Id,
    string Email,
    string DisplayName,
    IReadOnlyList<string> Roles,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SeizedAt
)
{
    public static PersonView Of(PersonRow row) =>
        new(row.Id, row.Email, row.DisplayName, row.RoleList, row.Status, row.CreatedAt, row.SeizedAt);
}

/// <summary>An invitation as answered: the one-time link, shown only here.</summary>
/// <param name="Person">The invited person.</param>
/// <param name="InvitationUrl">The one-time link to send the person (by a channel you trust).</param>
/// <param name="ExpiresAt">When the link stops working.</param>
/// <param name="PendingRoles">Roles asked for that wait for a second admin's confirmation (admin, officer or finance
/// when the funder has two or more admins: <c>GET /api/role-grants</c>, <c>POST /api/role-grants/{id}/confirm</c>).
/// </param>
internal sealed record InvitationResponse(
    PersonView Person,
    string InvitationUrl,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<string> PendingRoles
);

/// <summary>What inviting a person takes (a first invitation or another): the admin or API key who invites, the
/// request (whose host the link names), the invitations and the funder's people.</summary>
internal sealed record InvitationServices(
    ClaimsPrincipal User,
    HttpContext Http,
    [FromServices] Invitations Invitations,
    [FromServices] PeopleStore Store
)
{
    /// <summary>The funder and the person or API key who invites.</summary>
    public Inviter Inviter => Inviter.Of(User);

    /// <summary>The 201 answer to an invitation just issued: the person as they are now, with the one-time link; the
    /// 409 <paramref name="conflict"/> (its title and use keys) when none was.</summary>
    public async Task<Results<Created<InvitationResponse>, ProblemHttpResult>> AnswerAsync(
        IssuedInvitation? issued,
        (string Title, string Use) conflict,
        CancellationToken ct
    )
    {
        if (issued is null)
        {
            return PeopleProblems.Conflict(conflict.Title, conflict.Use);
        }

        var person = await Store.FindAsync(User.FunderId(), issued.PersonId, ct);
        return TypedResults.Created(
            $"/api/people/{issued.PersonId}",
            new InvitationResponse(
                PersonView.Of(person!),
                Invitations.Link(Http, issued.Token),
                issued.ExpiresAt,
                issued.PendingRoles ?? []
            )
        );
    }
}

/// <summary>GET /api/people: the funder's people.</summary>
internal static class ListPeople
{
    public static async Task<Ok<IReadOnlyList<PersonView>>> HandleAsync(
        ClaimsPrincipal user,
        [FromServices] PeopleStore store,
        CancellationToken ct
    ) =>
        TypedResults.Ok<IReadOnlyList<PersonView>>(
            (await store.ListAsync(user.FunderId(), ct)).Select(PersonView.Of).ToList()
        );
}

/// <summary>GET /api/people/{id}: one person of the funder (another funder's is 404).</summary>
internal static class GetPerson
{
    public static async Task<Results<Ok<PersonView>, ProblemHttpResult>> HandleAsync(
        long id,
        ClaimsPrincipal user,
        [FromServices] PeopleStore store,
        CancellationToken ct
    ) =>
        await store.FindAsync(user.FunderId(), id, ct) is { } row
            ? TypedResults.Ok(PersonView.Of(row))
            : PeopleProblems.NotFound();
}

/// <summary>POST /api/people: invites a person; the one-time link is in this answer only.</summary>
internal static class InvitePerson
{
    /// <param name="Email">The email the person will sign in with (unique within the funder, any case).</param>
    /// <param name="DisplayName">The name shown to colleagues.</param>
    /// <param name="Roles">One or more of admin, analyst, officer, finance.</param>
    public sealed record Request(string Email, string DisplayName, IReadOnlyList<string> Roles);

    public static async Task<Results<Created<InvitationResponse>, ProblemHttpResult>> HandleAsync(
        Request request,
        [AsParameters] InvitationServices s,
        CancellationToken ct
    )
    {
        var issued = await s.Invitations.InviteAsync(s.Inviter, request.Email, request.DisplayName, request.Roles, ct);
        return await s.AnswerAsync(issued, ("Title_AlreadyAPerson", "Use_PersonExists"), ct);
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).NotEmpty().AtMost(320).EmailAddress();
            RuleFor(r => r.DisplayName).NotEmpty().AtMost(200);
            RuleFor(r => r.Roles).NotEmpty().WithText("People_OneRole");
            RuleForEach(r => r.Roles).KnownRole();
        }
    }
}

/// <summary>POST /api/people/{id}/invitations: a new one-time link for an invited or seized person.</summary>
internal static class ReinvitePerson
{
    /// <param name="Roles">The roles the person will hold; omitted: the ones they had.</param>
    public sealed record Request(IReadOnlyList<string>? Roles);

    public static async Task<Results<Created<InvitationResponse>, ProblemHttpResult>> HandleAsync(
        long id,
        Request request,
        [AsParameters] InvitationServices s,
        CancellationToken ct
    )
    {
        if (await s.Store.FindAsync(s.User.FunderId(), id, ct) is not { } person)
        {
            return PeopleProblems.NotFound();
        }

        var issued = await s.Invitations.ReinviteAsync(s.Inviter, id, request.Roles ?? person.RoleList, ct);
        return await s.AnswerAsync(issued, ("Title_PersonActive", "Use_PersonActive"), ct);
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Roles).Must(r => r is null || r.Count > 0).WithText("People_OneRoleOrNone");
            RuleForEach(r => r.Roles).KnownRole();
        }
    }
}

/// <summary>POST /api/people/{id}/seize: revokes every session, factor, recovery code and open invitation of a
/// person at once; the person must be invited again.</summary>
internal static class SeizePerson
{
    /// <param name="PersonId">The seized person.</param>
    /// <param name="SessionsEnded">How many console sessions were ended.</param>
    public sealed record Response(long PersonId, int SessionsEnded);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        long id,
        ClaimsPrincipal user,
        [FromServices] PeopleStore store,
        [FromServices] FactorStore factors,
        [FromServices] TimeProvider clock,
        [FromServices] ILogger<Response> logger,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        if (await store.FindAsync(funderId, id, ct) is null)
        {
            return PeopleProblems.NotFound();
        }

        var ended = await factors.SeizeAsync(funderId, id, clock.GetUtcNow(), ct);
        logger.LogInformation("Person {PersonId} of funder {FunderId} seized by an admin", id, funderId);
        return TypedResults.Ok(new Response(id, ended));
    }
}

internal static class PeopleProblems
{
    public static ProblemHttpResult NotFound() =>
        ProblemText.Problem(StatusCodes.Status404NotFound, "Title_PersonNotFound", "Use_PersonNotFound");

    /// <summary>
    /// 409: the person is not in the state the request needs (<paramref name="titleKey"/> and <paramref name="key"/>,
    /// ProblemText keys, say what and why).
    /// </summary>
    public static ProblemHttpResult Conflict(string titleKey, string key) =>
        ProblemText.Problem(StatusCodes.Status409Conflict, titleKey, key);
}
