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
    public static async Task<IResult> ShowAsync([AsParameters] PeoplePage page, CancellationToken ct) =>
        await page.RenderAsync(null, null, null, false, StatusCodes.Status200OK, ct);

    public static async Task<IResult> InviteAsync([AsParameters] PeoplePage page, CancellationToken ct)
    {
        var form = page.Http.Request.Form;
        var request = new InvitePerson.Request(
            form["email"].ToString().Trim(),
            form["displayName"].ToString().Trim(),
            [.. form["roles"].Select(r => r ?? "")]
        );
        var invalid = new InvitePerson.Validator().Validate(request);
        if (!invalid.IsValid)
        {
            var notice = string.Join(" ", invalid.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}"));
            return await page.RenderAsync(null, null, notice, true, StatusCodes.Status400BadRequest, ct);
        }

        var by = Inviter.Of(page.Http.User);
        var issued = await page.Invitations.InviteAsync(by, request.Email, request.DisplayName, request.Roles, ct);
        return await page.InvitedAsync(issued, ConsoleText.T("People_Duplicate"), 409, ct);
    }

    public static async Task<IResult> ReinviteAsync(long id, [AsParameters] PeoplePage page, CancellationToken ct)
    {
        var user = page.Http.User;
        var person = await page.People.FindAsync(user, id, ct);
        var issued = person is null
            ? null
            : await page.Invitations.ReinviteAsync(Inviter.Of(user), id, person.RoleList, ct);
        return await page.InvitedAsync(issued, ConsoleText.T("People_NoInvitable"), 404, ct);
    }

    public static async Task<IResult> SeizeAsync(long id, [AsParameters] PeoplePage page, CancellationToken ct)
    {
        if (await page.People.SeizeAsync(page.Http.User, id, ct) is not { } ended)
        {
            return await page.RenderAsync(null, null, ConsoleText.T("People_NoPerson"), true, 404, ct);
        }

        var notice = ConsoleText.T("People_Seized", ended);
        return await page.RenderAsync(null, null, notice, false, StatusCodes.Status200OK, ct);
    }
}

/// <summary>What every handler of the people page is given: the request (its admin), the funder's people and the
/// invitations; it renders the page with the funder's people listed.</summary>
internal sealed record PeoplePage(
    HttpContext Http,
    [FromServices] PeopleUseCases People,
    [FromServices] Invitations Invitations
)
{
    /// <summary>The page after an invitation: its one-time link, or <paramref name="refusal"/> with
    /// <paramref name="refusalStatus"/> when none was issued.</summary>
    public Task<IResult> InvitedAsync(
        IssuedInvitation? issued,
        string refusal,
        int refusalStatus,
        CancellationToken ct
    ) =>
        issued is null
            ? RenderAsync(null, null, refusal, true, refusalStatus, ct)
            : RenderAsync(Invitations.Link(Http, issued.Token), issued.ExpiresAt, null, false, 200, ct);

    /// <summary>The page with the funder's people, the one-time <paramref name="link"/> just issued (if any) and the
    /// notice.</summary>
    public async Task<IResult> RenderAsync(
        string? link,
        DateTimeOffset? expires,
        string? notice,
        bool isError,
        int status,
        CancellationToken ct
    )
    {
        var list = await People.ListAsync(Http.User, ct);
        return PageResult.Render<ConsolePeoplePage>(
            new
            {
                Chrome = ConsoleRender.Chrome(Http, ConsoleText.T("People_Title"), "people", notice, isError),
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

    public static async Task<IResult> SeizeAsync(
        HttpContext http,
        [FromServices] PeopleUseCases people,
        CancellationToken ct
    )
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
