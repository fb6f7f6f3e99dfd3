using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace FundAudit.Api.Tests.Sso;

/// <summary>How the provider spoils the ID tokens it gives one client, to prove the service refuses them.</summary>
public enum TokenFault
{
    None,

    /// <summary>The token names another issuer than the provider's own (signed with the provider's key).</summary>
    WrongIssuer,

    /// <summary>The token is for another client (its <c>aud</c> is not the client id).</summary>
    WrongAudience,

    /// <summary>The token expired an hour ago.</summary>
    Expired,
}

/// <summary>
/// One client registered at the test provider, with the person the provider signs in for it (there is no login form:
/// the provider answers every authorization request of this client for this person at once).
/// </summary>
public sealed record TestOidcClient(string ClientId, string Secret, string RedirectUri)
{
    public string Subject { get; init; } = "sub-" + Guid.NewGuid().ToString("N")[..10];

    public string Email { get; init; } = Guid.NewGuid().ToString("N")[..8] + "@people.example";

    public bool EmailVerified { get; init; } = true;

    /// <summary>The authentication methods (<c>amr</c>) the ID token lists: none by default.</summary>
    public ImmutableArray<string> Amr { get; init; } = [];

    /// <summary>The authentication context class (<c>acr</c>), when set.</summary>
    public string? Acr { get; init; }

    public TokenFault Fault { get; init; }

    /// <summary>How long ago the provider says the person authenticated (<c>auth_time</c>): 0 for now, as after a
    /// login the request asked for.</summary>
    public int AuthenticatedSecondsAgo { get; init; }
}

/// <summary>
/// A real OpenID Connect provider for the tests: an OpenIddict server on Kestrel (http://127.0.0.1:{free port}),
/// authorization code flow with PKCE required, confidential clients (client_secret_post or basic), ephemeral signing
/// and encryption keys (RS256), a discovery document and a JWKS. OpenIddict runs in degraded mode (no database): the
/// clients live in <see cref="Register"/>'s dictionary and the authorization codes are self-contained encrypted tokens.
/// </summary>
public sealed class TestOidcProvider : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TestOidcClient> _clients = new(StringComparer.Ordinal);
    private WebApplication? _app;

    private TestOidcProvider() { }

    /// <summary>The issuer and authority, with its trailing slash (as OpenIddict writes it in <c>iss</c>).</summary>
    public Uri Issuer { get; private set; } = null!;

    /// <summary>Token requests the provider answered (authorization codes redeemed), for tests that count them.</summary>
    public int TokensIssued => _tokensIssued;

    private int _tokensIssued;

    public void Register(TestOidcClient client) => _clients[client.ClientId] = client;

    public static async Task<TestOidcProvider> StartAsync()
    {
        var provider = new TestOidcProvider();
        var port = FreePort();
        provider.Issuer = new Uri($"http://127.0.0.1:{port}/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        builder.Services.AddAuthentication();
        builder
            .Services.AddOpenIddict()
            .AddServer(o =>
            {
                o.SetIssuer(provider.Issuer);
                o.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.RegisterScopes(Scopes.Email, Scopes.Profile);
                o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                o.EnableDegradedMode();
                o.UseAspNetCore().DisableTransportSecurityRequirement();
                o.AddEventHandler<ValidateAuthorizationRequestContext>(h =>
                    h.UseInlineHandler(provider.ValidateAuthorize)
                );
                o.AddEventHandler<ValidateTokenRequestContext>(h => h.UseInlineHandler(provider.ValidateToken));
                o.AddEventHandler<HandleAuthorizationRequestContext>(h => h.UseInlineHandler(provider.Authorize));
                o.AddEventHandler<ProcessSignInContext>(h =>
                    h.UseInlineHandler(provider.SpoilIdentityToken)
                        .SetOrder(OpenIddictServerHandlers.PrepareIdentityTokenPrincipal.Descriptor.Order + 1)
                );
            });
        provider._app = builder.Build();
        provider._app.UseAuthentication();
        await provider._app.StartAsync();
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private ValueTask ValidateAuthorize(ValidateAuthorizationRequestContext context)
    {
        if (context.ClientId is null || !_clients.TryGetValue(context.ClientId, out var client))
        {
            context.Reject(Errors.InvalidClient, "Unknown client.");
        }
        else if (!string.Equals(context.Request.RedirectUri, client.RedirectUri, StringComparison.Ordinal))
        {
            context.Reject(Errors.InvalidRequest, "The redirect_uri is not the client's.");
        }

        return default;
    }

    private ValueTask ValidateToken(ValidateTokenRequestContext context)
    {
        if (
            context.ClientId is null
            || !_clients.TryGetValue(context.ClientId, out var client)
            || !string.Equals(context.Request.ClientSecret, client.Secret, StringComparison.Ordinal)
        )
        {
            context.Reject(Errors.InvalidClient, "Unknown client or wrong secret.");
        }
        else
        {
            Interlocked.Increment(ref _tokensIssued);
        }

        return default;
    }

    /// <summary>Signs the client's person in at once, with the claims the client's profile names.</summary>
    private ValueTask Authorize(HandleAuthorizationRequestContext context)
    {
        var client = _clients[context.ClientId!];
        var identity = new ClaimsIdentity("test-provider", Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, client.Subject));
        identity.AddClaim(
            new Claim(
                Claims.AuthenticationTime,
                (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - client.AuthenticatedSecondsAgo).ToString(
                    System.Globalization.CultureInfo.InvariantCulture
                ),
                ClaimValueTypes.Integer64
            )
        );
        identity.AddClaim(new Claim(Claims.Email, client.Email));
        identity.AddClaim(
            new Claim(Claims.EmailVerified, client.EmailVerified ? "true" : "false", ClaimValueTypes.Boolean)
        );
        foreach (var method in client.Amr)
        {
            identity.AddClaim(new Claim(Claims.AuthenticationMethodReference, method));
        }

        if (client.Acr is not null)
        {
            identity.AddClaim(new Claim(Claims.AuthenticationContextReference, client.Acr));
        }

        foreach (var claim in identity.Claims)
        {
            claim.SetDestinations(Destinations.IdentityToken);
        }

        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(context.Request.GetScopes());
        context.SignIn(principal);
        return default;
    }

    /// <summary>Runs after OpenIddict prepared the ID token's claims and before it signs them.</summary>
    private ValueTask SpoilIdentityToken(ProcessSignInContext context)
    {
        if (
            context.IdentityTokenPrincipal is not { } token
            || context.ClientId is null
            || !_clients.TryGetValue(context.ClientId, out var client)
        )
        {
            return default;
        }

        switch (client.Fault)
        {
            case TokenFault.WrongIssuer:
                token.SetClaim(Claims.Private.Issuer, "https://impostor.example/");
                break;
            case TokenFault.WrongAudience:
                token.SetAudiences("another-client");
                break;
            case TokenFault.Expired:
                token.SetCreationDate(DateTimeOffset.UtcNow.AddHours(-2));
                token.SetExpirationDate(DateTimeOffset.UtcNow.AddHours(-1));
                break;
        }

        return default;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
