using FundAudit.Api.Features.Pages.Components;
using FundAudit.Api.Features.SingleSignOn;
using Microsoft.AspNetCore.Authentication;

namespace FundAudit.Api.Features.Pages;

/// <summary>The single sign-on form as typed (space-separated value lists).</summary>
internal sealed record SsoForm(
    string Slug,
    string Issuer,
    string ClientId,
    string AcceptedAmr,
    string AcceptedAcr,
    bool RequireSecondFactor,
    bool Enabled
);

internal sealed record SsoPageData(SsoProviderView? Current, SsoForm Form, IDictionary<string, string[]> Errors);

/// <summary>
/// The console's single sign-on pages: <c>/app/sign-in/sso/{slug}</c> (anonymous: sends the browser to the funder's
/// provider; the answer comes back to <c>…/callback</c>, which the OpenID Connect handler takes) and the admins'
/// settings form at <c>/app/sso</c>, which saves through the API's use case and validator.
/// </summary>
internal static class ConsoleSso
{
    public static IEndpointRouteBuilder MapConsoleSso(this IEndpointRouteBuilder app)
    {
        app.MapGet("/app/sign-in/sso/{slug}", SignInAsync)
            .AllowAnonymous()
            .ExcludeFromDescription()
            .WithName("ConsoleSsoSignIn")
            .RequireRateLimiting(RateLimiting.PublicPolicy);
        app.MapGet("/app/sign-in/sso", FromFormAsync)
            .AllowAnonymous()
            .ExcludeFromDescription()
            .WithName("ConsoleSsoSignInForm")
            .RequireRateLimiting(RateLimiting.PublicPolicy);
        app.MapGet("/app/step-up/sso", StepUpAsync)
            .ExcludeFromDescription()
            .WithName("ConsoleSsoStepUp")
            .RequireAuthorization(Policies.Console);
        var admin = app.MapGroup("/app/sso")
            .ExcludeFromDescription()
            .RequireAuthorization(p =>
                p.AddAuthenticationSchemes(ConsoleSessionHandler.SchemeName)
                    .RequireAuthenticatedUser()
                    .RequireClaim(FunderClaims.FunderId)
                    .RequireRole(Roles.Admin)
            );
        admin.MapGet("/", ShowAsync).WithName("ConsoleSsoPage");
        admin.MapPost("/", SaveAsync).WithName("ConsoleSsoSave").CheckedForms().RequireStepUp();
        return app;
    }

    /// <summary>Starts the funder's sign-in: a challenge of its scheme (made on demand from its settings).</summary>
    public static async Task<IResult> SignInAsync(
        HttpContext http,
        string slug,
        [FromServices] SsoUseCases sso,
        [FromServices] SsoSchemeCache cache
    )
    {
        if (await sso.FindEnabledAsync(slug, http.RequestAborted) is not { } row)
        {
            return ConsoleRender.Message(
                http,
                ConsoleText.T("Sso_None_Title"),
                ConsoleText.T("Sso_None_Text"),
                StatusCodes.Status404NotFound
            );
        }

        return SsoSignInEvents.Challenge(new AuthenticationProperties { RedirectUri = "/app" }, cache.Remember(row));
    }

    /// <summary>A second factor confirmed at the funder's own provider (the single sign-on's use case).</summary>
    public static Task<IResult> StepUpAsync(HttpContext http, string? returnUrl, [FromServices] SsoUseCases sso) =>
        sso.StartStepUpAsync(http, returnUrl);

    /// <summary>The sign-in page's form (GET, no script): the funder's sign-in word typed, then as its link.</summary>
    public static Task<IResult> FromFormAsync(
        HttpContext http,
        string? slug,
        [FromServices] SsoUseCases sso,
        [FromServices] SsoSchemeCache cache
    ) => SignInAsync(http, (slug ?? "").Trim().ToLowerInvariant(), sso, cache);

    public static async Task<IResult> ShowAsync(HttpContext http, [FromServices] SsoUseCases sso, CancellationToken ct)
    {
        var current = await sso.FindOfFunderAsync(http.User, ct);
        return Render(http, current, FormOf(current), new Dictionary<string, string[]>(), StatusCodes.Status200OK);
    }

    public static async Task<IResult> SaveAsync(
        HttpContext http,
        [FromServices] SsoUseCases sso,
        [FromServices] SsoOptions options,
        CancellationToken ct
    )
    {
        var form = http.Request.Form;
        var typed = new SsoForm(
            form["slug"].ToString().Trim(),
            form["issuer"].ToString().Trim(),
            form["clientId"].ToString().Trim(),
            form["acceptedAmr"].ToString().Trim(),
            form["acceptedAcr"].ToString().Trim(),
            form["requireSecondFactor"] == "true",
            form["enabled"] == "true"
        );
        var request = new SsoSettings.Request(
            typed.Slug,
            typed.Issuer,
            typed.ClientId,
            form["clientSecret"].ToString(),
            Values(typed.AcceptedAmr),
            Values(typed.AcceptedAcr),
            typed.RequireSecondFactor,
            typed.Enabled
        );
        var validation = await new SsoSettings.Validator(options).ValidateAsync(request, ct);
        var outcome = validation.IsValid
            ? await sso.SaveAsync(http.User, request, ct)
            : new SsoSettings.Invalid(new(validation.ToDictionary()));
        if (outcome is SsoSettings.Saved)
        {
            return ConsoleAccount.SeeOther("/app/sso");
        }

        var errors = outcome is SsoSettings.Invalid(var e)
            ? e
            : new Dictionary<string, string[]> { ["slug"] = [ConsoleText.T("Sso_SlugTaken")] };
        var current = await sso.FindOfFunderAsync(http.User, ct);
        return Render(http, current, typed, errors, StatusCodes.Status400BadRequest);
    }

    private static IReadOnlyList<string> Values(string typed) =>
        typed.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static SsoForm FormOf(SsoProviderView? current) =>
        current is null
            ? new SsoForm("", "", "", string.Join(' ', SsoSettings.DefaultAmr), "", true, true)
            : new SsoForm(
                current.Slug,
                current.Issuer,
                current.ClientId,
                string.Join(' ', current.AcceptedAmr),
                string.Join(' ', current.AcceptedAcr),
                current.RequireSecondFactor,
                current.Enabled
            );

    private static IResult Render(
        HttpContext http,
        SsoProviderView? current,
        SsoForm form,
        IDictionary<string, string[]> errors,
        int status
    ) =>
        ConsoleRender.Page<ConsoleSsoPage>(
            http,
            ConsoleText.T("Sso_Title"),
            "sso",
            new SsoPageData(current, form, errors),
            status: status
        );
}
