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
    public static async Task<IResult> ShowAsync(
        string token,
        HttpContext http,
        Invitations invitations,
        CancellationToken ct
    ) =>
        await invitations.FindOpenAsync(token, ct) is { } invitation
            ? Page(http, token, "password", invitation.DisplayName, null, StatusCodes.Status200OK)
            : Gone(http);

    public static async Task<IResult> SetPasswordAsync(
        string token,
        HttpContext http,
        Invitations invitations,
        PeopleUseCases people,
        SecondFactors factors,
        CancellationToken ct
    )
    {
        if (await invitations.FindOpenAsync(token, ct) is not { } invitation)
        {
            return Gone(http);
        }

        var form = http.Request.Form;
        string password = form["password"].ToString();
        var problem = PasswordRules.Problem(password)
            ?? (password == form["confirm"].ToString() ? null : ConsoleText.T("Invite_Differ"));
        if (problem is not null)
        {
            return Page(http, token, "password", invitation.DisplayName, problem, StatusCodes.Status400BadRequest);
        }

        await people.SetPasswordAsync(invitation, password, ct);
        var secret = await factors.StartEnrolmentAsync(invitation.FunderId, invitation.PersonId, ct);
        return TotpPage(http, token, invitation, secret, null, StatusCodes.Status200OK);
    }

    public static async Task<IResult> ConfirmTotpAsync(
        string token,
        HttpContext http,
        Invitations invitations,
        SecondFactors factors,
        PeopleUseCases people,
        ConsoleSessions sessions,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        if (await invitations.FindOpenAsync(token, ct) is not { } invitation)
        {
            return Gone(http);
        }

        if (await factors.PendingAsync(invitation.FunderId, invitation.PersonId, ct) is not { } pending)
        {
            return Page(http, token, "password", invitation.DisplayName, ConsoleText.T("Invite_PasswordFirst"), 400);
        }

        var (factor, secret) = pending;

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
            return TotpPage(
                http,
                token,
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
                Chrome = Chrome(http, ConsoleText.T("Invite_TitleCodes")),
                Step = "codes",
                Name = invitation.DisplayName,
                Codes = codes,
            }
        );
    }

    private static IResult TotpPage(
        HttpContext http,
        string token,
        InvitationRow invitation,
        string secret,
        string? error,
        int status
    ) =>
        PageResult.Render<Components.ConsoleInvitation>(
            new
            {
                Chrome = Chrome(http, ConsoleText.T("Invite_TitleTotp")),
                Step = "totp",
                Action = Invitations.PathPrefix + token,
                Name = invitation.DisplayName,
                Error = error,
                Secret = secret,
                QrSvg = SecondFactors.QrSvg(SecondFactors.OtpAuthUri(invitation.Email, secret)),
            },
            status
        );

    private static IResult Page(HttpContext http, string token, string step, string name, string? error, int status) =>
        PageResult.Render<Components.ConsoleInvitation>(
            new
            {
                Chrome = Chrome(http, ConsoleText.T("Invite_TitlePassword")),
                Step = step,
                Action = Invitations.PathPrefix + token,
                Name = name,
                Error = error,
            },
            status
        );

    private static IResult Gone(HttpContext http) =>
        PageResult.Render<Components.ConsoleInvitation>(
            new { Chrome = Chrome(http, ConsoleText.T("Invite_TitleGone")), Step = "gone" },
            StatusCodes.Status410Gone
        );

    private static ConsoleChrome Chrome(HttpContext http, string title) => ConsoleRender.Anonymous(http, title);
}
