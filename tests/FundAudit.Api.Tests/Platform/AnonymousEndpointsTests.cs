using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Platform;

/// <summary>DESIGN rule 4: every endpoint requires authorization except an explicit, reviewed list.</summary>
[Collection(SharedApps.Sqlite2)]
public sealed class AnonymousEndpointsTests(SqliteApp app)
{
    /// <summary>The whole list of endpoints anyone may call. Adding one here is a security decision: say why in the commit.</summary>
    private static readonly string[] Anonymous =
    [
        "GET /health/live",
        "GET /health/ready",
        "GET /openapi/{documentName}.json",
        "POST /api/funds/{slug}/requests", // defenders at risk ask for emergency money without an account (rate limited)
        "POST /api/requests/status", // the applicant's case code is their only credential: coarse status and open question
        "POST /api/requests/answer", // the applicant answers the fund's question with the case code
        "POST /api/requests/withdraw", // the applicant withdraws with the case code
        "GET /assets/site.{hash}.css", // the pages' one stylesheet: public, no data
        "GET /f/{slug}/", // the defender's form page (HTML twin of POST /api/funds/{slug}/requests)
        "POST /f/{slug}/",
        "GET /f/{slug}/status", // the status page: the case code is typed, never in the URL
        "POST /f/{slug}/status",
        "POST /f/{slug}/answer",
        "POST /f/{slug}/withdraw",
        "GET /app/sign-in", // the console's sign-in form: email, password and second factor open a session
        "POST /app/sign-in",
        "GET /app/sign-in/sso", // the sign-in page's single sign-on form (the funder's word typed)
        "GET /app/sign-in/sso/{slug}", // single sign-on: sends the browser to the funder's own provider
        "GET /app/invitations/{token}", // an invitation: the one-time link is the credential (password, TOTP)
        "POST /app/invitations/{token}/password",
        "POST /app/invitations/{token}/totp",
        "GET /app/seize", // a person whose phone was taken locks their account with a recovery code
        "POST /app/seize",
    ];

    [Fact]
    public void Only_the_listed_endpoints_allow_anonymous_callers()
    {
        var endpoints = app
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .ToList();
        Assert.NotEmpty(endpoints);

        var anonymous = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .SelectMany(e =>
                (
                    e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"]
                ).Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}")
            )
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(Anonymous.Order(StringComparer.Ordinal), anonymous);
    }

    [Fact]
    public async Task Every_other_endpoint_refuses_a_caller_without_a_key()
    {
        // The console (/app) sends a caller without a session to its sign-in page; the API answers 401.
        var client = app.CreateClient(
            new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }
        );
        var endpoints = app
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .Where(e =>
                e.Metadata.GetMetadata<IAllowAnonymous>() is null
                && !e.RoutePattern.RawText!.Contains("hangfire", StringComparison.Ordinal)
            )
            .ToList();
        Assert.True(endpoints.Count >= 8, $"only {endpoints.Count} endpoints found");

        foreach (var endpoint in endpoints)
        {
            var path =
                "/"
                + string.Join(
                    "/",
                    endpoint.RoutePattern.PathSegments.Select(s =>
                        string.Concat(
                            s.Parts.Select(p =>
                                p switch
                                {
                                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l => l.Content,
                                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart sp => sp.Content,
                                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart
                                    {
                                        Name: "action"
                                    } => "acknowledge",
                                    _ => "x1",
                                }
                            )
                        )
                    )
                );
            foreach (
                var method in endpoint
                    .Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()
                    ?.HttpMethods
                    ?? ["GET"]
            )
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                var response = await client.SendAsync(request);
                if (path.StartsWith("/app", StringComparison.Ordinal))
                {
                    Assert.True(
                        response.StatusCode == System.Net.HttpStatusCode.Redirect,
                        $"{method} {path} answered {(int)response.StatusCode} without a session"
                    );
                    Assert.StartsWith(
                        "/app/sign-in?returnUrl=",
                        response.Headers.Location?.OriginalString,
                        StringComparison.Ordinal
                    );
                    continue;
                }

                Assert.True(
                    response.StatusCode == System.Net.HttpStatusCode.Unauthorized,
                    $"{method} {path} answered {(int)response.StatusCode} without a key"
                );
            }
        }
    }
}
