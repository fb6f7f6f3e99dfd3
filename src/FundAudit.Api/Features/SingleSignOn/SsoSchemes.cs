using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace FundAudit.Api.Features.SingleSignOn;

/// <summary><c>Sso:*</c>: single sign-on settings of the service (each funder's provider is data).</summary>
internal sealed class SsoOptions
{
    public const string Section = "Sso";

    /// <summary>Allows providers at <c>http://</c> addresses (tests only; never in production: the discovery
    /// document and the token exchange must be protected by TLS).</summary>
    public bool AllowHttpIssuers { get; set; }

    /// <summary>Tolerance for the provider's clock in the token's lifetime checks (default 2 minutes).</summary>
    public int ClockSkewSeconds { get; set; } = 120;

    /// <summary>Lets the service reach a provider at a loopback, private or link-local address (a test provider on
    /// the same machine; never in production, where an admin's issuer could otherwise make the service call the
    /// machine's own or its network's services).</summary>
    public bool AllowPrivateAddresses { get; set; }
}

/// <summary>Protects the client secrets (Data Protection, shared key ring; rotated by <c>KeyRotation</c>).</summary>
internal sealed class SsoSecrets(IDataProtectionProvider provider)
{
    public const string Purpose = "FundAudit.SingleSignOn.ClientSecret.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}

/// <summary>
/// The settings behind each live scheme name. Scheme names are <c>sso:{slug}:{version}</c>: a changed provider gets a
/// new name, so no instance keeps using old settings (the options of old names stay cached, a few objects each). This
/// is a cache of database rows, filled again on any instance from the database.
/// </summary>
internal sealed class SsoSchemeCache
{
    public const string Prefix = "sso:";

    private readonly ConcurrentDictionary<string, SsoProviderRow> _rows = new(StringComparer.Ordinal);

    public static string SchemeName(SsoProviderRow row) =>
        Prefix + row.Slug + ":" + row.Version.ToString(CultureInfo.InvariantCulture);

    public static string CallbackPath(string slug) => "/app/sign-in/sso/" + slug + "/callback";

    public string Remember(SsoProviderRow row)
    {
        var name = SchemeName(row);
        _rows[name] = row;
        return name;
    }

    public SsoProviderRow? Find(string schemeName) => _rows.GetValueOrDefault(schemeName);
}

/// <summary>
/// Authentication schemes that exist per funder: the framework's provider, plus one OpenID Connect scheme per enabled
/// funder provider, made on demand from the database (challenge: by name; callback: by the request's path). This is
/// ASP.NET Core's documented extension point for schemes that are not known at start-up.
/// </summary>
internal sealed class SsoSchemeProvider(
    IOptions<AuthenticationOptions> options,
    IHttpContextAccessor http,
    SsoStore store,
    SsoSchemeCache cache
) : AuthenticationSchemeProvider(options)
{
    public override async Task<AuthenticationScheme?> GetSchemeAsync(string name)
    {
        if (await base.GetSchemeAsync(name) is { } known)
        {
            return known;
        }

        var versionAt = name.LastIndexOf(':');
        if (
            !name.StartsWith(SsoSchemeCache.Prefix, StringComparison.Ordinal)
            || versionAt < SsoSchemeCache.Prefix.Length
        )
        {
            return null;
        }

        if (cache.Find(name) is null)
        {
            var slug = name[SsoSchemeCache.Prefix.Length..versionAt];
            var row = await store.FindBySlugAsync(slug, Aborted);
            if (row is not { Enabled: true } || SsoSchemeCache.SchemeName(row) != name)
            {
                return null;
            }

            cache.Remember(row);
        }

        return Scheme(name);
    }

    /// <summary>The framework's request handlers, plus the scheme of the funder whose callback this is.</summary>
    public override async Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync()
    {
        var schemes = await base.GetRequestHandlerSchemesAsync();
        if (http.HttpContext?.Request.Path.Value is not { } path || CallbackSlug(path) is not { } slug)
        {
            return schemes;
        }

        var row = await store.FindBySlugAsync(slug, Aborted);
        return row is { Enabled: true } ? [.. schemes, Scheme(cache.Remember(row))] : schemes;
    }

    private CancellationToken Aborted => http.HttpContext?.RequestAborted ?? CancellationToken.None;

    private static AuthenticationScheme Scheme(string name) => new(name, null, typeof(OpenIdConnectHandler));

    /// <summary>The slug of <c>/app/sign-in/sso/{slug}/callback</c>, else null.</summary>
    private static string? CallbackSlug(string path)
    {
        const string start = "/app/sign-in/sso/",
            end = "/callback";
        if (
            !path.StartsWith(start, StringComparison.Ordinal)
            || !path.EndsWith(end, StringComparison.Ordinal)
            || path.Length <= start.Length + end.Length
        )
        {
            return null;
        }

        var slug = path[start.Length..^end.Length];
        return SsoSlug.IsValid(slug) ? slug : null;
    }
}

/// <summary>
/// The OpenID Connect handler's options for one funder's scheme: code flow with PKCE, the ID token's issuer, audience,
/// lifetime, signature and algorithm validated, the claims as the provider sent them, correlation and nonce cookies
/// protected by the shared key ring (the framework's post-configuration gives the handler the app's Data Protection).
/// </summary>
internal sealed class SsoOidcOptionsSetup(
    SsoSchemeCache cache,
    SsoSecrets secrets,
    SsoOptions settings,
    ConsoleSessionOptions console,
    IHostEnvironment environment
) : IConfigureNamedOptions<OpenIdConnectOptions>, IDisposable
{
    /// <summary>Asymmetric signatures only: never <c>none</c>, never a symmetric key derived from the secret.</summary>
    public static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256,
        SecurityAlgorithms.RsaSha384,
        SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256,
        SecurityAlgorithms.RsaSsaPssSha384,
        SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256,
        SecurityAlgorithms.EcdsaSha384,
        SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>
    /// The handler's calls to the provider (discovery document, keys, token exchange): no proxy, and only to addresses
    /// the webhooks may reach too (<see cref="WebhookAddresses"/>), checked when each connection opens. An issuer is
    /// typed by a funder's admin and its discovery document is fetched when anyone opens the sign-in link.
    /// </summary>
    private readonly SocketsHttpHandler _backchannel = new()
    {
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, ct) => WebhookAddresses.ConnectAsync(context, settings.AllowPrivateAddresses, ct),
    };

    public void Configure(OpenIdConnectOptions options) { }

    public void Dispose() => _backchannel.Dispose();

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (name is null || cache.Find(name) is not { } row)
        {
            return;
        }

        var issuer = row.Issuer.TrimEnd('/');
        options.Authority = issuer;
        options.RequireHttpsMetadata = !settings.AllowHttpIssuers;
        options.BackchannelHttpHandler = _backchannel;
        options.ClientId = row.ClientId;
        options.ClientSecret = secrets.Unprotect(row.ClientSecretProtected);
        options.CallbackPath = SsoSchemeCache.CallbackPath(row.Slug);
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.Scope.Clear();
        options.Scope.Add("openid");
        options.Scope.Add("email");
        options.MapInboundClaims = false;
        options.GetClaimsFromUserInfoEndpoint = false;
        options.SaveTokens = false;
        options.SignInScheme = ConsoleSessionHandler.SchemeName; // never reached: SsoSignInEvents answers first
        options.EventsType = typeof(SsoSignInEvents);

        // The handler compares tokens with the provider's clock and sets cookies for the browser's: the real clock.
        options.TimeProvider = TimeProvider.System;
        var validation = options.TokenValidationParameters;
        validation.ValidIssuers = [issuer, issuer + "/"];
        validation.ValidAudience = row.ClientId;
        validation.ValidateIssuer = true;
        validation.ValidateAudience = true;
        validation.ValidateLifetime = true;
        validation.RequireExpirationTime = true;
        validation.RequireSignedTokens = true;
        validation.ValidAlgorithms = Algorithms;
        validation.ClockSkew = TimeSpan.FromSeconds(settings.ClockSkewSeconds);

        var secure = console.SecureCookie ?? !environment.IsDevelopment();
        foreach (var cookie in new[] { options.CorrelationCookie, options.NonceCookie })
        {
            // Lax: the provider's redirect back is a top-level GET from another site (response_mode=query).
            cookie.SameSite = SameSiteMode.Lax;
            cookie.HttpOnly = true;
            cookie.SecurePolicy = secure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        }

        options.CorrelationCookie.Name = "fa_sso_c.";
        options.NonceCookie.Name = "fa_sso_n.";
    }
}
