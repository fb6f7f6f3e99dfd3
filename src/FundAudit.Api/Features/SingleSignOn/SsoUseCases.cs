using FundAudit.Api.Features.Logs;

namespace FundAudit.Api.Features.SingleSignOn;

/// <summary>
/// What other features (the console's sign-in and single sign-on pages) ask of single sign-on, so that the caller
/// never reaches its store. The settings are the caller's funder's only.
/// </summary>
internal sealed class SsoUseCases(
    SsoStore store,
    SsoSecrets secrets,
    SsoSchemeCache cache,
    AdminLog log,
    TimeProvider clock
)
{
    /// <summary>Whether any funder has its single sign-on open (the sign-in page then offers it).</summary>
    public Task<bool> AnyEnabledAsync(CancellationToken ct) => store.AnyEnabledAsync(ct);

    /// <summary>The provider signed in to at <c>/app/sign-in/sso/{slug}</c>, when it exists and is open.</summary>
    public async Task<SsoProviderRow?> FindEnabledAsync(string slug, CancellationToken ct) =>
        SsoSlug.IsValid(slug) && await store.FindBySlugAsync(slug, ct) is { Enabled: true } row ? row : null;

    /// <summary>GET /api/sso: the caller's funder's settings, or null.</summary>
    public async Task<SsoProviderView?> FindOfFunderAsync(ClaimsPrincipal user, CancellationToken ct) =>
        await store.FindOfFunderAsync(user.FunderId(), ct) is { } row ? SsoProviderView.Of(row) : null;

    /// <summary>PUT /api/sso, after its validator.</summary>
    public Task<SsoSettings.Outcome> SaveAsync(
        ClaimsPrincipal user,
        SsoSettings.Request request,
        CancellationToken ct
    ) => SsoSettings.SaveAsync(user, request, new(store, secrets, log, clock), ct);

    /// <summary>Starts a console session's step-up at its funder's own provider (<see cref="SsoStepUp"/>).</summary>
    public Task<IResult> StartStepUpAsync(HttpContext http, string? returnUrl) =>
        SsoStepUp.StartAsync(http, returnUrl, store, cache);
}
