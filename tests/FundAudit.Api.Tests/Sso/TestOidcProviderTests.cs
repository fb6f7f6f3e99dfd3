using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FundAudit.Api.Tests.Sso;

/// <summary>The test provider itself: a real discovery document, the code flow with PKCE, ID tokens with the claims
/// each client's profile names, and the faults it can put in them. One provider serves the class (each test registers
/// clients of its own).</summary>
public sealed class TestOidcProviderTests(TestOidcProviderFixture fixture)
    : IClassFixture<TestOidcProviderFixture>,
        IDisposable
{
    private readonly TestOidcProvider _provider = fixture.Provider;
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false });

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Discovery_names_the_issuer_the_endpoints_code_flow_and_PKCE()
    {
        using var doc = JsonDocument.Parse(
            await _http.GetStringAsync(new Uri(_provider.Issuer, ".well-known/openid-configuration"))
        );
        var root = doc.RootElement;
        Assert.Equal(_provider.Issuer.AbsoluteUri, root.GetProperty("issuer").GetString());
        Assert.Equal(_provider.Issuer + "connect/authorize", root.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(_provider.Issuer + "connect/token", root.GetProperty("token_endpoint").GetString());
        Assert.Contains(
            "code",
            root.GetProperty("response_types_supported").EnumerateArray().Select(e => e.GetString())
        );
        Assert.Contains(
            "S256",
            root.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString())
        );
        var jwks = JsonDocument.Parse(await _http.GetStringAsync(root.GetProperty("jwks_uri").GetString()));
        Assert.Equal("RSA", jwks.RootElement.GetProperty("keys")[0].GetProperty("kty").GetString());
    }

    [Fact]
    public async Task Code_flow_gives_an_ID_token_with_the_profile_amr_and_acr()
    {
        var client = Client() with { Amr = ["pwd", "mfa", "otp"], Acr = "urn:test:loa:2" };
        _provider.Register(client);

        var token = await SignInAsync(client);

        Assert.Equal(_provider.Issuer.AbsoluteUri, token.Issuer);
        Assert.Equal([client.ClientId], token.Audiences);
        Assert.Equal(client.Subject, token.Subject);
        Assert.Equal(client.Email, token.GetClaim("email").Value);
        Assert.Equal("n-123", token.GetClaim("nonce").Value);
        Assert.Equal(["pwd", "mfa", "otp"], token.Claims.Where(c => c.Type == "amr").Select(c => c.Value));
        Assert.Equal("urn:test:loa:2", token.GetClaim("acr").Value);
        Assert.True(token.ValidTo > DateTime.UtcNow);
        Assert.Equal("RS256", token.Alg);
    }

    [Fact]
    public async Task Without_amr_the_token_has_none_and_faults_change_issuer_audience_or_expiry()
    {
        var plain = Client();
        var wrongIssuer = Client() with { Fault = TokenFault.WrongIssuer };
        var wrongAudience = Client() with { Fault = TokenFault.WrongAudience };
        var expired = Client() with { Fault = TokenFault.Expired };
        foreach (var c in new[] { plain, wrongIssuer, wrongAudience, expired })
        {
            _provider.Register(c);
        }

        Assert.DoesNotContain((await SignInAsync(plain)).Claims, c => c.Type is "amr" or "acr");
        Assert.Equal("https://impostor.example/", (await SignInAsync(wrongIssuer)).Issuer);
        Assert.Equal(["another-client"], (await SignInAsync(wrongAudience)).Audiences);
        Assert.True((await SignInAsync(expired)).ValidTo < DateTime.UtcNow);
    }

    [Fact]
    public async Task Token_endpoint_refuses_a_wrong_secret_and_a_missing_PKCE_verifier()
    {
        var client = Client();
        _provider.Register(client);

        var (code, _) = await AuthorizeAsync(client);
        var wrongSecret = await RedeemAsync(client with { Secret = "wrong" }, code, Verifier);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Contains("invalid_client", await wrongSecret.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (code2, _) = await AuthorizeAsync(client);
        var noVerifier = await RedeemAsync(client, code2, verifier: "not-the-verifier-" + new string('x', 30));
        Assert.Equal(HttpStatusCode.BadRequest, noVerifier.StatusCode);
        Assert.Contains("invalid_grant", await noVerifier.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private const string Verifier = "a-code-verifier-of-at-least-forty-three-characters-0123456789";

    private static TestOidcClient Client() =>
        new("client-" + Guid.NewGuid().ToString("N")[..8], "secret-" + Guid.NewGuid(), "http://localhost/callback");

    private async Task<JsonWebToken> SignInAsync(TestOidcClient client)
    {
        var (code, _) = await AuthorizeAsync(client);
        var response = await RedeemAsync(client, code, Verifier);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        return new JsonWebToken(doc.RootElement.GetProperty("id_token").GetString());
    }

    private async Task<(string Code, string State)> AuthorizeAsync(TestOidcClient client)
    {
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));
        var query = new Dictionary<string, string>
        {
            ["client_id"] = client.ClientId,
            ["redirect_uri"] = client.RedirectUri,
            ["response_type"] = "code",
            ["scope"] = "openid email profile",
            ["state"] = "s-1",
            ["nonce"] = "n-123",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        };
        var url = new Uri(
            _provider.Issuer,
            "connect/authorize?" + string.Join("&", query.Select(q => q.Key + "=" + Uri.EscapeDataString(q.Value)))
        );
        var response = await _http.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.Found, await response.Content.ReadAsStringAsync());
        var location = response.Headers.Location!;
        Assert.StartsWith(client.RedirectUri + "?", location.AbsoluteUri, StringComparison.Ordinal);
        var parameters = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("s-1", parameters["state"]);
        return (parameters["code"]!, parameters["state"]!);
    }

    private Task<HttpResponseMessage> RedeemAsync(TestOidcClient client, string code, string verifier) =>
        _http.PostAsync(
            new Uri(_provider.Issuer, "connect/token"),
            new FormUrlEncodedContent(
                new Dictionary<string, string>
                {
                    ["grant_type"] = "authorization_code",
                    ["code"] = code,
                    ["redirect_uri"] = client.RedirectUri,
                    ["client_id"] = client.ClientId,
                    ["client_secret"] = client.Secret,
                    ["code_verifier"] = verifier,
                }
            )
        );

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
