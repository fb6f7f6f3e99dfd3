using FundAudit.Api.Features.Pages.Components;
using FundAudit.Api.Features.People;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The invitation pages (anonymous; the one-time link is the credential): the password, then TOTP enrolment (QR code
/// and key, confirmed with a code), then the recovery codes, shown once, with the person signed in. The link stays
/// usable until the TOTP code is confirmed, so a person who stops half-way opens it again and starts over.
/// </summary>
internal static class ConsoleInvitation
{
    public static async Task<IResult> ShowAsync([AsParameters] InvitationLink link, CancellationToken ct) =>
        await link.OpenAsync(ct) is { } invitation
            ? link.Page("password", invitation.DisplayName, null, StatusCodes.Status200OK)
            : link.Gone();

    public static async Task<IResult> SetPasswordAsync(
        [AsParameters] InvitationLink link,
        [FromServices] PeopleUseCases people,
        [FromServices] SecondFactors factors,
        CancellationToken ct
    )
    {
        if (await link.OpenAsync(ct) is not { } invitation)
        {
            return link.Gone();
        }

        var form = link.Http.Request.Form;
        string password = form["password"].ToString();
        var problem = PasswordRules.Problem(password)
            ?? (password == form["confirm"].ToString() ? null : ConsoleText.T("Invite_Differ"));
        if (problem is not null)
        {
            return link.Page("password", invitation.DisplayName, problem, StatusCodes.Status400BadRequest);
        }

        await people.SetPasswordAsync(invitation, password, ct);
        var secret = await factors.StartEnrolmentAsync(invitation.FunderId, invitation.PersonId, ct);
        return link.TotpPage(invitation, secret, null, StatusCodes.Status200OK);
    }

    public static async Task<IResult> ConfirmTotpAsync(
        [AsParameters] InvitationLink link,
        [FromServices] SecondFactors factors,
        [FromServices] PeopleUseCases people,
        [FromServices] ConsoleSessions sessions,
        [FromServices] TimeProvider clock,
        CancellationToken ct
    )
    {
        if (await link.OpenAsync(ct) is not { } invitation)
        {
            return link.Gone();
        }

        if (await factors.PendingAsync(invitation.FunderId, invitation.PersonId, ct) is not { } pending)
        {
            return link.Page("password", invitation.DisplayName, ConsoleText.T("Invite_PasswordFirst"), 400);
        }

        var (factor, secret) = pending;

        var http = link.Http;
        var step = factors.MatchStep(secret, http.Request.Form["code"]);
        var codes = SecondFactors.NewRecoveryCodes();
        var enrolment = new Enrolment(
            invitation.FunderId,
            invitation.PersonId,
            invitation.Id,
            factor.Id,
            step ?? 0,
            clock.GetUtcNow()
        );
        if (
            step is null
            || !await people.CompleteEnrolmentAsync(enrolment, [.. codes.Select(SecondFactors.HashRecoveryCode)], ct)
        )
        {
            return link.TotpPage(
                invitation,
                secret,
                ConsoleText.T("Invite_WrongCode"),
                StatusCodes.Status400BadRequest
            );
        }

        var person = await people.InvitedPersonAsync(invitation, ct);
        await sessions.SignInPersonAsync(http, person!.Identity(), ct);
        return PageResult.Render<Components.ConsoleInvitation>(
            new
            {
                Chrome = InvitationLink.Chrome(http, ConsoleText.T("Invite_TitleCodes")),
                Step = "codes",
                Name = invitation.DisplayName,
                Codes = codes,
            }
        );
    }
}

/// <summary>What every invitation page is given: the one-time link's token (from the path), the request and the
/// invitations; it finds the link's open invitation and renders the page's steps, each posting back to the
/// link.</summary>
internal sealed record InvitationLink(string Token, HttpContext Http, [FromServices] Invitations Invitations)
{
    /// <summary>The link's invitation while it is open; null when it is used, expired or unknown.</summary>
    public Task<InvitationRow?> OpenAsync(CancellationToken ct) => Invitations.FindOpenAsync(Token, ct);

    /// <summary>The password step (or another <paramref name="step"/> of the same page).</summary>
    public IResult Page(string step, string name, string? error, int status) =>
        PageResult.Render<Components.ConsoleInvitation>(
            new
            {
                Chrome = Chrome(Http, ConsoleText.T("Invite_TitlePassword")),
                Step = step,
                Action = Invitations.PathPrefix + Token,
                Name = name,
                Error = error,
            },
            status
        );

    /// <summary>The TOTP enrolment step: the QR code and key of <paramref name="secret"/>.</summary>
    public IResult TotpPage(InvitationRow invitation, string secret, string? error, int status) =>
        PageResult.Render<Components.ConsoleInvitation>(
            new
            {
                Chrome = Chrome(Http, ConsoleText.T("Invite_TitleTotp")),
                Step = "totp",
                Action = Invitations.PathPrefix + Token,
                Name = invitation.DisplayName,
                Error = error,
                Secret = secret,
                QrSvg = SecondFactors.QrSvg(SecondFactors.OtpAuthUri(invitation.Email, secret)),
            },
            status
        );

    /// <summary>The 410 page of a link no longer open.</summary>
    public IResult Gone() =>
        PageResult.Render<Components.ConsoleInvitation>(
            new { Chrome = Chrome(Http, ConsoleText.T("Invite_TitleGone")), Step = "gone" },
            StatusCodes.Status410Gone
        );

    public static ConsoleChrome Chrome(HttpContext http, string title) => ConsoleRender.Anonymous(http, title);
}
