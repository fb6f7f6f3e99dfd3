using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The pages people use, server-rendered by the service: the defender's form and status pages at /f/{slug}
/// (anonymous, no script, seven languages) and the officers' console at /app (a session cookie opened with a personal
/// key). Not part of the OpenAPI document.
/// </summary>
internal static class PagesEndpoints
{
    /// <summary>Forms are small: a few short fields.</summary>
    private const long FormBodyLimit = 64 * 1024;

    public static IServiceCollection AddPages(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRazorComponents();
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(PageText.ConfigureLocalization);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "fa_form";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.FormFieldName = "_form";
            // PageSecurity sets frame-ancestors 'none' and X-Frame-Options itself.
            o.SuppressXFrameOptionsHeader = true;
        });
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(
                System.Text.Unicode.UnicodeRanges.All
            )
        ); // "Español", not "Espa&#xF1;ol"
        services.AddSingleton(configuration.Bound<ConsoleSessionOptions>(ConsoleSessionOptions.Section));
        services.AddSingleton<ConsoleSessionStore>();
        services.AddScoped<ConsoleSessions>();

        return services;
    }

    /// <summary>Page headers and the request's language for /f and /app, before routing picks the endpoint.</summary>
    public static WebApplication UsePages(this WebApplication app)
    {
        // The API (anything but the pages) answers in English and invariant numbers whatever the server's culture.
        app.UseWhen(
            http => !PageSecurity.IsPagePath(http.Request.Path),
            api => api.Use(ProblemText.InvariantCultureAsync)
        );
        app.UseWhen(
            http => PageSecurity.IsPagePath(http.Request.Path),
            branch =>
            {
                branch.Use(PageSecurity.ApplyHeadersAsync);
                // The defender's seven languages at /f; the console's four (ConsoleText) at /app.
                branch.UseWhen(
                    http => http.Request.Path.StartsWithSegments("/app", StringComparison.OrdinalIgnoreCase),
                    console =>
                    {
                        console.Use(ConsoleText.RememberLanguageAsync);
                        console.UseRequestLocalization(ConsoleText.LocalizationOptions());
                    }
                );
                branch.UseWhen(
                    http => !http.Request.Path.StartsWithSegments("/app", StringComparison.OrdinalIgnoreCase),
                    defender => defender.UseRequestLocalization()
                );
            }
        );
        return app;
    }

    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/assets/site.{hash}.css", PageAssets.GetStylesheet).AllowAnonymous().ExcludeFromDescription();
        MapDefenderPages(app);
        MapConsoleSignIn(app);
        var console = MapConsole(app);
        MapRapidResponsePages(console);
        MapPortfolioPages(console);
        MapLogsPage(console);
        console.MapConsoleAudit();
        console.MapConsoleFunds();
        MapPeoplePages(app, console);
        return app;
    }

    /// <summary>The defender's form and status pages at /f/{slug}: anonymous and rate limited.</summary>
    private static void MapDefenderPages(IEndpointRouteBuilder app)
    {
        var defender = app.MapGroup("/f/{slug}")
            .AllowAnonymous()
            .ExcludeFromDescription()
            .RequireRateLimiting(RateLimiting.PublicPolicy)
            .WithMetadata(
                new RequestSizeLimitAttribute(FormBodyLimit),
                new RateLimitRejectionPage(
                    (http, status) => DefenderPages.Message(http, "TooMany_Title", "TooMany_Text", null, status)
                )
            );
        var defenderPages = defender.MapGroup("/").AddEndpointFilter(DefenderPages.RequireFundAsync);
        defenderPages.MapGet("/", DefenderPages.ShowForm).WithName("DefenderFormPage");
        defenderPages.MapGet("/status", DefenderPages.ShowStatus).WithName("DefenderStatusPage");
        var defenderForms = defender.MapForms().AddEndpointFilter(DefenderPages.RequireFundAsync);
        defenderForms.MapPost("/", DefenderPages.SubmitFormAsync).WithName("DefenderSubmitPage");
        defenderForms.MapPost("/status", DefenderPages.CheckStatusAsync).WithName("DefenderCheckStatusPage");
        defenderForms.MapPost("/answer", DefenderPages.AnswerAsync).WithName("DefenderAnswerPage");
        defenderForms.MapPost("/withdraw", DefenderPages.WithdrawAsync).WithName("DefenderWithdrawPage");
    }

    /// <summary>The console's sign-in page and form, the only anonymous part of /app.</summary>
    private static void MapConsoleSignIn(IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/app")
            .ExcludeFromDescription()
            .WithMetadata(new RequestSizeLimitAttribute(FormBodyLimit));
        account.MapGet("/sign-in", ConsoleAccount.ShowSignIn).AllowAnonymous().WithName("ConsoleSignInPage");
        account
            .MapPost("/sign-in", ConsoleAccount.SignInAsync)
            .AllowAnonymous()
            .WithName("ConsoleSignIn")
            .RequireRateLimiting(RateLimiting.PublicPolicy)
            .CheckedForms()
            .WithMetadata(PageRoutes.ConsoleTooMany());
    }

    /// <summary>The signed-in console at /app: its forbidden and not-found pages and sign-out forms.</summary>
    /// <returns>The console group, for the rapid-response and portfolio pages.</returns>
    private static RouteGroupBuilder MapConsole(IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/app")
            .ExcludeFromDescription()
            .RequireAuthorization(Policies.Console)
            .WithMetadata(new RequestSizeLimitAttribute(FormBodyLimit));
        console.MapGet("/forbidden", ConsoleAccount.Forbidden).WithName("ConsoleForbiddenPage");
        // Every other path under /app, file-like ones included, as MapFallback("/{**path}", …) maps it at run time:
        // the request delegate generator (10.0) maps that overload under "{*path:nonfile}" whatever the pattern, which
        // would leave /app/….csv to no endpoint (a 401, not the sign-in page).
        console
            .Map("/{**path}", ConsoleAccount.NotFound)
            .WithName("ConsoleNotFoundPage")
            .Add(endpoint =>
            {
                ((RouteEndpointBuilder)endpoint).Order = int.MaxValue;
                endpoint.DisplayName = "Fallback " + endpoint.DisplayName;
            });
        var consoleForms = console.MapForms();
        consoleForms.MapPost("/sign-out", ConsoleAccount.SignOutAsync).WithName("ConsoleSignOut");
        consoleForms
            .MapPost("/sign-out-everywhere", ConsoleAccount.SignOutEverywhereAsync)
            .WithName("ConsoleSignOutEverywhere");
        return console;
    }

    /// <summary>The rapid-response dashboard, request list, request page and the officers' actions.</summary>
    private static void MapRapidResponsePages(RouteGroupBuilder console)
    {
        var rapid = console.MapGroup("/").RequireAuthorization(Policies.ConsoleRapidResponse);
        rapid.MapGet("/", ConsoleRapidResponse.DashboardAsync).WithName("ConsoleResponseTimesPage");
        rapid.MapGet("/requests", ConsoleRapidResponse.ListAsync).WithName("ConsoleRequestsPage");
        rapid.MapGet("/requests/{reference}", ConsoleRapidResponse.ShowAsync).WithName("ConsoleRequestPage");
        var rapidForms = rapid.MapForms("/requests/{reference}");
        rapid
            .MapGet("/requests/{reference}/shred", ConsoleShred.ConfirmAsync)
            .WithName("ConsoleShredRequestPage")
            .RequireAuthorization(Policies.ConsoleShredCase);
        rapidForms
            .MapPost("/shred", ConsoleShred.ShredAsync)
            .WithName("ConsoleShredRequest")
            .RequireAuthorization(Policies.ConsoleShredCase)
            .RequireStepUp();
        rapidForms
            .MapPost("/reveal", ConsoleRapidResponse.RevealAsync)
            .WithName("ConsoleRevealRequest")
            .RequireAuthorization(Policies.ConsoleOfficer)
            .RequireStepUp();
        rapidForms
            .MapPost(
                "/{action:regex(^(acknowledge|ask|approve|decline|close|payment-details|disburse)$)}",
                ConsoleRapidResponse.ActAsync
            )
            .WithName("ConsoleRequestAction")
            .RequireStepUp(http =>
                http.Request.RouteValues["action"] is "approve" or "decline" or "payment-details" or "disburse"
            );
    }

    /// <summary>
    /// People: the invitation pages and the person's own seizure (anonymous: the one-time link or the recovery code is
    /// the credential), and the admins' people page, whose every change needs step-up.
    /// </summary>
    private static void MapPeoplePages(IEndpointRouteBuilder app, RouteGroupBuilder console)
    {
        var open = app.MapGroup("/app")
            .ExcludeFromDescription()
            .AllowAnonymous()
            .RequireRateLimiting(RateLimiting.PublicPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(FormBodyLimit), PageRoutes.ConsoleTooMany());
        open.MapGet("/invitations/{token}", ConsoleInvitation.ShowAsync).WithName("ConsoleInvitationPage");
        open.MapGet("/seize", ConsoleSeizeSelf.Show).WithName("ConsoleSeizeSelfPage");
        var openForms = open.MapForms();
        openForms
            .MapPost("/invitations/{token}/password", ConsoleInvitation.SetPasswordAsync)
            .WithName("ConsoleInvitationPassword");
        openForms
            .MapPost("/invitations/{token}/totp", ConsoleInvitation.ConfirmTotpAsync)
            .WithName("ConsoleInvitationTotp");
        openForms.MapPost("/seize", ConsoleSeizeSelf.SeizeAsync).WithName("ConsoleSeizeSelf");

        var people = console.MapGroup("/people").RequireConsoleAdmin();
        people.MapGet("/", ConsolePeople.ShowAsync).WithName("ConsolePeoplePage");
        var peopleForms = people.MapForms().RequireStepUp();
        peopleForms.MapPost("/", ConsolePeople.InviteAsync).WithName("ConsoleInvitePerson");
        peopleForms.MapPost("/{id:long}/invite", ConsolePeople.ReinviteAsync).WithName("ConsoleReinvitePerson");
        peopleForms.MapPost("/{id:long}/seize", ConsolePeople.SeizeAsync).WithName("ConsoleSeizePerson");
    }

    /// <summary>The portfolio, review and import pages, and the review's correction form.</summary>
    private static void MapPortfolioPages(RouteGroupBuilder console)
    {
        var portfolio = console.MapGroup("/").RequireAuthorization(Policies.ConsolePortfolio);
        portfolio.MapGet("/portfolio", ConsolePortfolio.ShowAsync).WithName("ConsolePortfolioPage");
        portfolio.MapGet("/review", ConsoleReview.ShowAsync).WithName("ConsoleReviewPage");
        portfolio.MapGet("/imports", ConsoleImports.ListAsync).WithName("ConsoleImportsPage");
        portfolio.MapGet("/imports/{id}", ConsoleImports.ShowAsync).WithName("ConsoleImportPage");
        portfolio.MapGet("/quality", ConsoleQuality.ShowAsync).WithName("ConsoleQualityPage");
        portfolio.MapGet("/quality/{code}", ConsoleQuality.GrantsAsync).WithName("ConsoleQualityGrantsPage");

        // A correction is the API's PortfolioWrite: administrators and analysts; an officer is sent to the forbidden
        // page.
        portfolio
            .MapForms("/review")
            .RequirePortfolioWrite()
            .MapPost("/{id}", ConsoleReview.CorrectAsync)
            .WithName("ConsoleCorrectGrant");

        // A retry is the API's PortfolioWrite too.
        portfolio
            .MapForms("/imports")
            .RequirePortfolioWrite()
            .MapPost("/{id}/retry", ConsoleImports.RetryAsync)
            .WithName("ConsoleRetryImport");

        MapImportUpload(console, portfolio);
        portfolio.MapPublishPages();
    }

    /// <summary>The logs page: admins only (others are sent to the forbidden page).</summary>
    private static void MapLogsPage(RouteGroupBuilder console) =>
        console
            .MapGet("/logs", ConsoleLogs.ShowAsync)
            .RequireAuthorization(p =>
                p.AddAuthenticationSchemes(ConsoleSessionHandler.SchemeName).RequireRole(Roles.Admin)
            )
            .WithName("ConsoleLogsPage");

    /// <summary>
    /// The imports page's upload form: the API's PortfolioWrite too, with the API's size limit instead of the forms'
    /// one.
    /// </summary>
    private static void MapImportUpload(IEndpointRouteBuilder console, RouteGroupBuilder portfolio)
    {
        var uploadLimit = console.ServiceProvider.GetRequiredService<GrantImportOptions>().MaxRequestBytes;
        portfolio
            .MapGroup("/imports")
            .DisableAntiforgery()
            .AddEndpointFilter(ConsoleImportUpload.AnswerTooLargeAsync)
            .AddEndpointFilter(PageSecurity.RequireAntiforgeryAsync)
            .RequirePortfolioWrite()
            .MapPost("/", ConsoleImportUpload.UploadAsync)
            .WithName("ConsoleUploadImport")
            .WithMetadata(new RequestSizeLimitAttribute(uploadLimit), new AnswersOversizedBody())
            .WithFormOptions(multipartBodyLengthLimit: uploadLimit);
    }
}
