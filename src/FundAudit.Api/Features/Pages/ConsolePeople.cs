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
    public static async Task<IResult> ShowAsync(HttpContext http, PeopleUseCases people, CancellationToken ct) =>
        await PageAsync(http, people, null, null, null, false, StatusCodes.Status200OK, ct);

    public static async Task<IResult> InviteAsync(
        HttpContext http,
        Invitations invitations,
        PeopleUseCases people,
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
            return await PageAsync(http, people, null, null, notice, true, StatusCodes.Status400BadRequest, ct);
        }

        var by = Inviter.Of(http.User);
        var issued = await invitations.InviteAsync(by, request.Email, request.DisplayName, request.Roles, ct);
        return await InvitedPageAsync(http, people, invitations, issued, ConsoleText.T("People_Duplicate"), 409, ct);
    }

    public static async Task<IResult> ReinviteAsync(
        long id,
        HttpContext http,
        Invitations invitations,
        PeopleUseCases people,
        CancellationToken ct
    )
    {
        var person = await people.FindAsync(http.User, id, ct);
        var issued = person is null
            ? null
            : await invitations.ReinviteAsync(Inviter.Of(http.User), id, person.RoleList, ct);
        return await InvitedPageAsync(http, people, invitations, issued, ConsoleText.T("People_NoInvitable"), 404, ct);
    }

    public static async Task<IResult> SeizeAsync(long id, HttpContext http, PeopleUseCases people, CancellationToken ct)
    {
        if (await people.SeizeAsync(http.User, id, ct) is not { } ended)
        {
            return await PageAsync(http, people, null, null, ConsoleText.T("People_NoPerson"), true, 404, ct);
        }

        var notice = ConsoleText.T("People_Seized", ended);
        return await PageAsync(http, people, null, null, notice, false, StatusCodes.Status200OK, ct);
    }

    /// <summary>The page after an invitation: its one-time link, or <paramref name="refusal"/> with
    /// <paramref name="refusalStatus"/> when none was issued.</summary>
    private static Task<IResult> InvitedPageAsync(
        HttpContext http,
        PeopleUseCases people,
        Invitations invitations,
        IssuedInvitation? issued,
        string refusal,
        int refusalStatus,
        CancellationToken ct
    ) =>
        issued is null
            ? PageAsync(http, people, null, null, refusal, true, refusalStatus, ct)
            : PageAsync(http, people, invitations.Link(http, issued.Token), issued.ExpiresAt, null, false, 200, ct);

    private static async Task<IResult> PageAsync(
        HttpContext http,
        PeopleUseCases people,
        string? link,
        DateTimeOffset? expires,
        string? notice,
        bool isError,
        int status,
        CancellationToken ct
    )
    {
        var list = await people.ListAsync(http.User, ct);
        return PageResult.Render<ConsolePeoplePage>(
            new
            {
                Chrome = ConsoleRender.Chrome(http, ConsoleText.T("People_Title"), "people", notice, isError),
                People = list.Select(p => new PersonLine(
                        p.Id,
                        p.DisplayName,
                        p.Email,
                        string.Join(", ", p.RoleList),
                        p.Status
                    ))
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

    public static async Task<IResult> SeizeAsync(HttpContext http, PeopleUseCases people, CancellationToken ct)
    {
        var form = http.Request.Form;
        var email = form["email"].ToString();
        var code = form["recovery"].ToString();
        if (email.Length is > 0 and <= 320 && code.Length is > 8 and <= 40)
        {
            await people.SeizeSelfAsync(email, code, ct);
        }

        // The same answer either way: the page tells no one whether an email or code exists.
        return Page(http, done: true);
    }

    private static IResult Page(HttpContext http, bool done) =>
        PageResult.Render<Components.ConsoleSeizeSelf>(
            new { Chrome = ConsoleRender.Anonymous(http, ConsoleText.T("Seize_Title")), Done = done }
        );
}
