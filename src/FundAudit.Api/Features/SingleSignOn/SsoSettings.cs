using System.Text.RegularExpressions;
using FundAudit.Api.Features.Logs;

namespace FundAudit.Api.Features.SingleSignOn;

/// <summary>The address word of a funder's sign-in page: <c>/app/sign-in/sso/{slug}</c>.</summary>
internal static partial class SsoSlug
{
    public static bool IsValid(string? slug) => slug is not null && Pattern().IsMatch(slug);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,62}[a-z0-9])$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>A funder's provider as shown to its admins: never the client secret.</summary>
/// <param name="Slug">The sign-in address is <c>/app/sign-in/sso/{slug}</c>.</param>
/// <param name="Issuer">The provider's issuer (its discovery document is under it).</param>
/// <param name="ClientId">FundAudit's client id at the provider.</param>
/// <param name="ClientSecretSet">Whether a client secret is stored (it is never shown again).</param>
/// <param name="AcceptedAmr"><c>amr</c> values that count as a second factor.</param>
/// <param name="AcceptedAcr"><c>acr</c> values that count as a second factor.</param>
/// <param name="RequireSecondFactor">Whether a sign-in without one of them is refused.</param>
/// <param name="Enabled">Whether the sign-in page is open.</param>
/// <param name="SignInPath">The console's sign-in address for this provider.</param>
/// <param name="RedirectPath">The redirect URI to register at the provider (on the service's own host).</param>
/// <param name="UpdatedAt">When the settings last changed.</param>
internal sealed record SsoProviderView(
    string Slug,
    string Issuer,
    string ClientId,
    bool ClientSecretSet,
    IReadOnlyList<string> AcceptedAmr,
    IReadOnlyList<string> AcceptedAcr,
    bool RequireSecondFactor,
    bool Enabled,
    string SignInPath,
    string RedirectPath,
    DateTimeOffset UpdatedAt
)
{
    public static SsoProviderView Of(SsoProviderRow row) =>
        new(
            row.Slug,
            row.Issuer,
            row.ClientId,
            row.ClientSecretProtected.Length > 0,
            row.AmrValues,
            row.AcrValues,
            row.RequireSecondFactor,
            row.Enabled,
            "/app/sign-in/sso/" + row.Slug,
            SsoSchemeCache.CallbackPath(row.Slug),
            row.UpdatedAt
        );
}

/// <summary>GET, PUT and DELETE /api/sso: the caller's funder's OpenID Connect provider (admins).</summary>
internal static class SsoSettings
{
    /// <summary>The amr values taken as a second factor when the admin names none (RFC 8176: multiple factors, a
    /// one-time password).</summary>
    public static readonly IReadOnlyList<string> DefaultAmr = ["mfa", "otp"];

    /// <param name="Slug">3 to 64 of a-z, 0-9 and inner hyphens; unique across funders.</param>
    /// <param name="Issuer">The provider's issuer URL (https), e.g.
    /// https://login.microsoftonline.com/{tenant}/v2.0.</param>
    /// <param name="ClientId">FundAudit's client id at the provider.</param>
    /// <param name="ClientSecret">The client secret; required for a new provider, left out to keep the stored
    /// one.</param>
    /// <param name="AcceptedAmr"><c>amr</c> values that count as a second factor (default mfa, otp).</param>
    /// <param name="AcceptedAcr"><c>acr</c> values that count as a second factor (default none); sent as
    /// <c>acr_values</c>.</param>
    /// <param name="RequireSecondFactor">Refuse sign-ins without an accepted amr or acr (default true).</param>
    /// <param name="Enabled">Open the sign-in page (default true).</param>
    public sealed record Request(
        string Slug,
        string Issuer,
        string ClientId,
        string? ClientSecret,
        IReadOnlyList<string>? AcceptedAmr,
        IReadOnlyList<string>? AcceptedAcr,
        bool? RequireSecondFactor,
        bool? Enabled
    );

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(SsoOptions options)
        {
            RuleFor(r => r.Slug).Must(SsoSlug.IsValid).WithText("Sso_Slug");
            RuleFor(r => r.Issuer)
                .NotEmpty()
                .AtMost(200)
                .Must(i => IsIssuer(i, options.AllowHttpIssuers))
                .WithText("Sso_Issuer");
            RuleFor(r => r.ClientId).NotEmpty().AtMost(400);
            RuleFor(r => r.ClientSecret).AtMost(2000);
            RuleFor(r => r.AcceptedAmr).Must(ValuesOk!).When(r => r.AcceptedAmr is not null).WithText("Sso_Values");
            RuleFor(r => r.AcceptedAcr).Must(ValuesOk!).When(r => r.AcceptedAcr is not null).WithText("Sso_Values");
            RuleFor(r => r.AcceptedAmr)
                .Must((r, _) => Amr(r).Count + (r.AcceptedAcr?.Count ?? 0) > 0)
                .When(r => r.RequireSecondFactor != false)
                .WithText("Sso_SecondFactor");
        }

        private static bool ValuesOk(IReadOnlyList<string> values) =>
            values.Count <= 20
            && values.All(v => v is { Length: > 0 and <= 100 } && v.All(c => c is > ' ' and < '\u007f'))
            && string.Join(' ', values).Length <= 400;

        private static bool IsIssuer(string? issuer, bool allowHttp) =>
            Uri.TryCreate(issuer, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || (allowHttp && uri.Scheme == Uri.UriSchemeHttp))
            && uri.Query.Length == 0
            && uri.Fragment.Length == 0
            && uri.UserInfo.Length == 0;
    }

    public static async Task<Results<Ok<SsoProviderView>, ProblemHttpResult>> GetAsync(
        ClaimsPrincipal user,
        [FromServices] SsoStore store,
        CancellationToken ct
    ) =>
        await store.FindOfFunderAsync(user.FunderId(), ct) is { } row
            ? TypedResults.Ok(SsoProviderView.Of(row))
            : NoProvider();

    public static async Task<Results<Ok<SsoProviderView>, ValidationProblem, ProblemHttpResult>> PutAsync(
        Request request,
        ClaimsPrincipal user,
        [FromServices] SsoStore store,
        [FromServices] SsoSecrets secrets,
        [FromServices] AdminLog log,
        [FromServices] TimeProvider clock,
        CancellationToken ct
    ) =>
        await SaveAsync(user, request, new(store, secrets, log, clock), ct) switch
        {
            Saved(var row) => TypedResults.Ok(SsoProviderView.Of(row)),
            Invalid(var errors) => TypedResults.ValidationProblem(errors),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: ProblemText.T("Title_SlugTaken"),
                detail: ProblemText.T("Use_SsoSlugTaken"),
                type: "slug_taken"
            ),
        };

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        ClaimsPrincipal user,
        [FromServices] SsoStore store,
        [FromServices] AdminLog log,
        CancellationToken ct
    )
    {
        if (!await store.DeleteAsync(user.FunderId(), ct))
        {
            return NoProvider();
        }

        await log.AppendAsync(Entry(user, SsoActions.Removed), ct);
        return TypedResults.NoContent();
    }

    /// <summary>What saving needs besides the request: the store, the secret's protector, the log, the clock.</summary>
    internal sealed record SaveTools(SsoStore Store, SsoSecrets Secrets, AdminLog Log, TimeProvider Clock);

    private static AdminLogEntry Entry(ClaimsPrincipal user, string action) =>
        new(user.FunderId(), user.Actor(), action, "funder", user.FunderId().ToString(CultureInfo.InvariantCulture));

    private static ProblemHttpResult NoProvider() =>
        ProblemText.Problem(StatusCodes.Status404NotFound, "Title_NoSso", "Use_NoSso");

    /// <summary>What saving answered: the stored row, the request's problems, or the slug is another's.</summary>
    internal abstract record Outcome;

    internal sealed record Saved(SsoProviderRow Row) : Outcome;

    internal sealed record Invalid(Dictionary<string, string[]> Errors) : Outcome;

    internal sealed record SlugTaken : Outcome;

    /// <summary>The one save path of the API and the console form (the request already passed the validator).</summary>
    public static async Task<Outcome> SaveAsync(
        ClaimsPrincipal user,
        Request request,
        SaveTools tools,
        CancellationToken ct
    )
    {
        var (store, secrets, log, clock) = tools;
        var funderId = user.FunderId();
        var existing = await store.FindOfFunderAsync(funderId, ct);
        var secret = string.IsNullOrEmpty(request.ClientSecret) ? null : request.ClientSecret;
        if (existing is null && secret is null)
        {
            return new Invalid(new() { ["clientSecret"] = ["A client secret is required for a new provider."] });
        }

        if (await store.FindBySlugAsync(request.Slug, ct) is { } other && other.FunderId != funderId)
        {
            return new SlugTaken();
        }

        var row = new SsoProviderRow
        {
            FunderId = funderId,
            Slug = request.Slug,
            Issuer = request.Issuer,
            ClientId = request.ClientId,
            AcceptedAmr = string.Join(' ', Amr(request)),
            AcceptedAcr = string.Join(' ', request.AcceptedAcr ?? []),
            RequireSecondFactor = request.RequireSecondFactor ?? true,
            Enabled = request.Enabled ?? true,
        };
        await store.SaveAsync(row, secret is null ? null : secrets.Protect(secret), clock.GetUtcNow(), ct);
        await log.AppendAsync(Entry(user, SsoActions.Saved), ct); // the settings and the secret are never logged
        return new Saved((await store.FindOfFunderAsync(funderId, ct))!);
    }

    private static IReadOnlyList<string> Amr(Request request) => request.AcceptedAmr ?? DefaultAmr;
}

/// <summary>The administration log's codes for single sign-on settings.</summary>
internal static class SsoActions
{
    public const string Saved = "sso_provider.saved";
    public const string Removed = "sso_provider.removed";
}
