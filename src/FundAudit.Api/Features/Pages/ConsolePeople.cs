using FundAudit.Api.Features.Pages.Components;
using FundAudit.Api.Features.People;

namespace FundAudit.Api.Features.Pages;

/// <summary>A person as the people page lists them.</summary>
public sealed record PersonLine(long Id, string Name, string Email, string Roles, string Status);

/// <summary>
/// The people page (admins): the funder's people, an invitation form, a new link for an invited or seized person,
/// and seizure. Every change goes through the API's use cases and needs a recent second factor (step-up).
/// </summary>
internal static class ConsolePeople
{
    public static async Task<IResult> ShowAsync(HttpContext http, PeopleStore store, CancellationToken ct) =>
        await PageAsync(http, store, null, null, null, false, StatusCodes.Status200OK, ct);

    public static async Task<IResult> InviteAsync(
        HttpContext http,
        Invitations invitations,
        PeopleStore store,
        CancellationToken ct
    )
    {
        var form = http.Request.Form;
        var request = new InvitePerson.Request(
            form["email"].ToString().Trim(),
            form["displayName"].ToString().Trim(),
            [.. form["roles"].Select(r => r ?? "")]
        );
        var invalid = new InvitePerson.Validator().Validate(request);
        if (!invalid.IsValid)
        {
            var notice = string.Join(" ", invalid.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}"));
            return await PageAsync(http, store, null, null, notice, true, StatusCodes.Status400BadRequest, ct);
        }

        var funderId = http.User.FunderId();
        var issued = await invitations.InviteAsync(
            funderId,
            request.Email,
            request.DisplayName,
            request.Roles,
            http.User.Actor(),
            http.User.StaffPersonId(),
            ct
        );
        return await InvitedPageAsync(http, store, invitations, issued, ConsoleText.T("People_Duplicate"), 409, ct);
    }

    public static async Task<IResult> ReinviteAsync(
        long id,
        HttpContext http,
        Invitations invitations,
        PeopleStore store,
        CancellationToken ct
    )
    {
        var funderId = http.User.FunderId();
        var person = await store.FindAsync(funderId, id, ct);
        var issued = person is null
            ? null
            : await invitations.ReinviteAsync(
                funderId,
                id,
                person.RoleList,
                http.User.Actor(),
                http.User.StaffPersonId(),
                ct
            );
        return await InvitedPageAsync(http, store, invitations, issued, ConsoleText.T("People_NoInvitable"), 404, ct);
    }

    public static async Task<IResult> SeizeAsync(
        long id,
        HttpContext http,
        PeopleStore store,
        FactorStore factors,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var funderId = http.User.FunderId();
        if (await store.FindAsync(funderId, id, ct) is null)
        {
            return await PageAsync(http, store, null, null, ConsoleText.T("People_NoPerson"), true, 404, ct);
        }

        var ended = await factors.SeizeAsync(funderId, id, clock.GetUtcNow(), ct);
        var notice = ConsoleText.T("People_Seized", ended);
        return await PageAsync(http, store, null, null, notice, false, StatusCodes.Status200OK, ct);
    }

    /// <summary>The page after an invitation: its one-time link, or <paramref name="refusal"/> with
    /// <paramref name="refusalStatus"/> when none was issued.</summary>
    private static Task<IResult> InvitedPageAsync(
        HttpContext http,
        PeopleStore store,
        Invitations invitations,
        IssuedInvitation? issued,
        string refusal,
        int refusalStatus,
        CancellationToken ct
    ) =>
        issued is null
            ? PageAsync(http, store, null, null, refusal, true, refusalStatus, ct)
            : PageAsync(http, store, invitations.Link(http, issued.Token), issued.ExpiresAt, null, false, 200, ct);

    private static async Task<IResult> PageAsync(
        HttpContext http,
        PeopleStore store,
        string? link,
        DateTimeOffset? expires,
        string? notice,
        bool isError,
        int status,
        CancellationToken ct
    )
    {
        var people = await store.ListAsync(http.User.FunderId(), ct);
        return PageResult.Render<ConsolePeoplePage>(
            new
            {
                Chrome = ConsoleRender.Chrome(http, ConsoleText.T("People_Title"), "people", notice, isError),
                People = people
                    .Select(p => new PersonLine(p.Id, p.DisplayName, p.Email, string.Join(", ", p.RoleList), p.Status))
                    .ToList(),
                AllRoles = Roles.All,
                Link = link,
                Expires = expires is { } at ? ConsoleFormat.When(at) : null,
            },
            status
        );
    }
}

/// <summary>The person's own seizure, with their email and a recovery code (anonymous: the phone may be
/// gone).</summary>
internal static class ConsoleSeizeSelf
{
    public static IResult Show(HttpContext http) => Page(http, done: false);

    public static async Task<IResult> SeizeAsync(
        HttpContext http,
        FactorStore factors,
        TimeProvider clock,
        ILogger<FactorStore> logger,
        CancellationToken ct
    )
    {
        var form = http.Request.Form;
        var email = form["email"].ToString();
        var code = form["recovery"].ToString();
        if (email.Length is > 0 and <= 320 && code.Length is > 8 and <= 40)
        {
            var owner = await factors.FindCodeOwnerAsync(
                PeopleStore.EmailKey(email),
                SecondFactors.HashRecoveryCode(code),
                ct
            );
            if (owner is { } found)
            {
                var (funderId, personId) = found;
                await factors.SeizeAsync(funderId, personId, clock.GetUtcNow(), ct);
                logger.LogInformation("Person {PersonId} of funder {FunderId} seized themselves", personId, funderId);
            }
        }

        // The same answer either way: the page tells no one whether an email or code exists.
        return Page(http, done: true);
    }

    private static IResult Page(HttpContext http, bool done) =>
        PageResult.Render<Components.ConsoleSeizeSelf>(
            new { Chrome = ConsoleRender.Anonymous(http, ConsoleText.T("Seize_Title")), Done = done }
        );
}
