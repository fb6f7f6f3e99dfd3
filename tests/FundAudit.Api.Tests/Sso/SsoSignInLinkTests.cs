using System.Net;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;

namespace FundAudit.Api.Tests.Sso;

/// <summary>
/// The sign-in page offers single sign-on (a plain GET form for the funder's sign-in word, no script) once any funder
/// has a provider, and the form leads through the funder's provider into the console.
/// </summary>
public sealed class SsoSignInLinkTests(SqliteApp app, TestOidcProviderFixture idp)
    : IClassFixture<SqliteApp>,
        IClassFixture<TestOidcProviderFixture>
{
    private readonly SsoHarness _sso = new(app, idp.Provider);

    [Fact]
    public async Task The_sign_in_page_offers_single_sign_on_once_a_funder_has_it_and_the_form_signs_in()
    {
        var anonymous = TestPeople.NewSession(app);
        var before = await anonymous.GetAsync("/app/sign-in");
        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.DoesNotContain("action=\"/app/sign-in/sso\"", before.Html, StringComparison.Ordinal);

        var email = "ines." + Guid.NewGuid().ToString("N")[..8] + "@fund.example";
        var funder = await _sso.FunderAsync(c => c with { Email = email, Amr = ["pwd", "mfa"] });
        await _sso.InviteAsync(funder.Admin.FunderId, email);
        var after = await anonymous.GetAsync("/app/sign-in");
        Assert.Contains("<form method=\"get\" action=\"/app/sign-in/sso\">", after.Html, StringComparison.Ordinal);
        Assert.Contains("name=\"slug\"", after.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", after.Html, StringComparison.Ordinal);

        // A refused sign-in shows the page again, and it still offers the way in by single sign-on.
        var refused = await anonymous.PostAsync(
            "/app/sign-in",
            ("email", email),
            ("password", "not the password"),
            ("code", "000000"),
            ("returnUrl", "/app")
        );
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("<form method=\"get\" action=\"/app/sign-in/sso\">", refused.Html, StringComparison.Ordinal);

        // The word as typed (any case, spaces around) goes to the funder's provider and back into the console.
        var session = TestPeople.NewSession(app);
        var signedIn = await _sso.WalkAsync(session, "/app/sign-in/sso?slug=+" + funder.Slug.ToUpperInvariant() + "+");
        Assert.Equal(HttpStatusCode.OK, signedIn.Status);
        Assert.Contains("0;url=/app", signedIn.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/app")).Status);

        var unknown = await anonymous.GetAsync("/app/sign-in/sso?slug=no-such-fund");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
    }
}
