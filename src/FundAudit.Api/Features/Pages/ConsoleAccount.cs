using FundAudit.Api.Features.Pages.Components;
using FundAudit.Api.Features.People;
using FundAudit.Api.Features.SingleSignOn;

namespace FundAudit.Api.Features.Pages;

/// <summary>Signing in to the console as a person, signing out, and signing out everywhere.</summary>
internal static class ConsoleAccount
{
    public static async Task<IResult> ShowSignIn(
        HttpContext http,
        string? returnUrl,
        [FromServices] ConsoleSessionOptions options,
        [FromServices] SsoUseCases sso,
        CancellationToken ct
    ) =>
        SignInPage(
            http,
            LocalOrHome(returnUrl),
            null,
            null,
            options,
            StatusCodes.Status200OK,
            await sso.AnyEnabledAsync(ct)
        );

    /// <summary>Email, password and second factor; a success opens a session with the second factor just
    /// given.</summary>
    public static async Task<IResult> SignInAsync(
        HttpContext http,
        [FromServices] PersonSignIn signIn,
        [FromServices] ConsoleSessions sessions,
        [FromServices] ConsoleSessionOptions options,
        [FromServices] SsoUseCases sso,
        CancellationToken ct
    )
    {
        var form = http.Request.Form;
        var returnUrl = LocalOrHome(form["returnUrl"]);
        string email = form["email"].ToString();
        var address = http.Connection.RemoteIpAddress?.ToString();
        var result = await signIn.CheckAsync(email, form["password"], form["code"], address, ct);
        if (result.Person is not { } person)
        {
            var offerSso = await sso.AnyEnabledAsync(ct); // the page again keeps the way in by single sign-on
            return result.Wait > TimeSpan.Zero
                ? SignInPage(
                    http,
                    returnUrl,
                    email,
                    ConsoleText.T("SignIn_TooMany", Math.Ceiling(result.Wait.TotalSeconds)),
                    options,
                    StatusCodes.Status429TooManyRequests,
                    offerSso
                )
                : SignInPage(
                    http,
                    returnUrl,
                    email,
                    ConsoleText.T("SignIn_Refused"),
                    options,
                    StatusCodes.Status401Unauthorized,
                    offerSso
                );
        }

        await sessions.SignInPersonAsync(http, person.Identity(), ct);
        if (returnUrl == "/app" && !person.RoleList.Any(r => r is Roles.Admin or Roles.Officer or Roles.Finance))
        {
            returnUrl = "/app/portfolio"; // the response-time pages are not an analyst's: start where their work is
        }

        // 303: the browser follows with a GET, so a reload never posts the form again.
        return SeeOther(returnUrl);
    }

    public static async Task<IResult> SignOutAsync(
        HttpContext http,
        [FromServices] ConsoleSessions sessions,
        CancellationToken ct
    )
    {
        await sessions.SignOutAsync(http, everywhere: false, ct);
        return SeeOther("/app/sign-in");
    }

    public static async Task<IResult> SignOutEverywhereAsync(
        HttpContext http,
        [FromServices] ConsoleSessions sessions,
        CancellationToken ct
    )
    {
        await sessions.SignOutAsync(http, everywhere: true, ct);
        return SeeOther("/app/sign-in");
    }

    public static IResult Forbidden(HttpContext http) =>
        ConsoleRender.Message(
            http,
            ConsoleText.T("Forbidden_Title"),
            ConsoleText.T("Forbidden_Text"),
            StatusCodes.Status403Forbidden
        );

    /// <summary>Any other address under /app: the console's own page, after the session check like every console
    /// page.</summary>
    public static IResult NotFound(HttpContext http) =>
        ConsoleRender.Message(
            http,
            ConsoleText.T("NotFound_Title"),
            ConsoleText.T("NotFound_Text"),
            StatusCodes.Status404NotFound
        );

    /// <summary>A 303 See Other to a local address.</summary>
    public static IResult SeeOther(string location) => new SeeOtherResult(location);

    /// <summary>Only a path on this site: never "//host" or "https://…", so sign-in cannot bounce anyone
    /// elsewhere; and only printable ASCII, which a Location header can carry (Kestrel refuses a control or non-ASCII
    /// character there, which made the sign-in a 500 after its session was made).</summary>
    public static string LocalOrHome(string? url) =>
        url is { Length: > 0 and < 2000 } u
        && u.StartsWith("/app", StringComparison.Ordinal)
        && !u.StartsWith("//", StringComparison.Ordinal)
        && !u.Contains('\\', StringComparison.Ordinal)
        && u.All(c => c is >= ' ' and <= '~')
            ? u
            : "/app";

    private static IResult SignInPage(
        HttpContext http,
        string returnUrl,
        string? email,
        string? error,
        ConsoleSessionOptions options,
        int status,
        bool offerSso
    ) =>
        PageResult.Render<ConsoleSignIn>(
            new
            {
                Chrome = ConsoleRender.Anonymous(http, ConsoleText.T("SignIn_Title")),
                ReturnUrl = returnUrl,
                Email = email,
                Error = error,
                IdleMinutes = options.IdleMinutes,
                AbsoluteHours = options.AbsoluteHours,
                OfferSso = offerSso,
            },
            status
        );

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
