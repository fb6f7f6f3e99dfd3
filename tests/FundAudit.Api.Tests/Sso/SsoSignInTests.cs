using System.Net;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FundAudit.Api.Tests.Sso;

/// <summary>
/// Signing in to the console through a funder's own OpenID Connect provider: the real pipeline (ASP.NET Core's OpenID
/// Connect handler) against the real test provider (OpenIddict on Kestrel), the browser's redirects followed by hand.
/// </summary>
public abstract class SsoSignInTests<TApp>(TApp app, TestOidcProviderFixture idp) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    private readonly SsoHarness _sso = new(app, idp.Provider);

    private static string NewEmail() => "Ines." + Guid.NewGuid().ToString("N")[..8] + "@Fund.example";

    /// <summary>A funder whose provider signs in a new email (with an mfa claim unless <paramref name="profile"/>
    /// says otherwise), and that email invited as a person.</summary>
    private async Task<(SsoFunder Funder, long PersonId)> InvitedAsync(
        Func<TestOidcClient, TestOidcClient>? profile = null
    )
    {
        var email = NewEmail();
        var mfa = (TestOidcClient c) => c with { Email = email, Amr = ["mfa"] };
        var funder = await _sso.FunderAsync(c => profile is null ? mfa(c) : profile(mfa(c)));
        return (funder, await _sso.InviteAsync(funder.Admin.FunderId, email));
    }

    /// <summary>An invited person signed in through the provider, their second factor dated a day ago (so that a
    /// step-up is due): the session, the person and that instant.</summary>
    private async Task<(
        SsoFunder Funder,
        long PersonId,
        PageSession Session,
        DateTimeOffset LongAgo
    )> SignedInLongAgoAsync()
    {
        var (funder, personId) = await InvitedAsync();
        var (_, session) = await _sso.SignInAsync(funder.SignInPath);
        var longAgo = app.Clock.GetUtcNow().AddDays(-1);
        await _sso.ExecuteAsync(
            "UPDATE console_sessions SET second_factor_at = @At WHERE person_id = @PersonId",
            new { At = longAgo, PersonId = personId }
        );
        return (funder, personId, session, longAgo);
    }

    [Fact]
    public async Task An_invited_person_with_an_mfa_claim_is_linked_signed_in_and_opens_the_console()
    {
        var email = NewEmail();
        var funder = await _sso.FunderAsync(c => c with { Email = email.ToLowerInvariant(), Amr = ["pwd", "mfa"] });
        var personId = await _sso.InviteAsync(funder.Admin.FunderId, email);

        var (page, session) = await _sso.SignInAsync(funder.SignInPath);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("0;url=/app", page.Html, StringComparison.Ordinal);
        Assert.Contains(session.LastSetCookies, c => c.StartsWith("fa_console=", StringComparison.Ordinal));
        var console = await session.GetAsync("/app");
        Assert.Equal(HttpStatusCode.OK, console.Status);
        Assert.Contains("(officer)", console.Html, StringComparison.Ordinal);

        // Linked by (issuer, subject), the invitation used, the person active; the session proved a second factor now.
        Assert.Equal(1, await _sso.LinksAsync(funder.Admin.FunderId));
        var args = new { PersonId = personId };
        Assert.Equal(
            1,
            await _sso.CountAsync("SELECT COUNT(*) FROM staff_people WHERE id = @PersonId AND status = 'active'", args)
        );
        Assert.Equal(
            0,
            await _sso.CountAsync(
                "SELECT COUNT(*) FROM staff_invitations WHERE person_id = @PersonId AND used_at IS NULL",
                args
            )
        );
        Assert.Equal(
            1,
            await _sso.CountAsync(
                "SELECT COUNT(*) FROM console_sessions WHERE person_id = @PersonId AND second_factor_at IS NOT NULL",
                args
            )
        );

        // The next sign-in finds the person by subject alone, even when the provider now reports another email.
        _sso.Provide(funder.Client with { Email = "renamed@fund.example", Amr = ["mfa"] });
        var (again, _) = await _sso.SignInAsync(funder.SignInPath);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(1, await _sso.LinksAsync(funder.Admin.FunderId));
        Assert.Equal(2, await _sso.SessionsAsync(funder.Admin.FunderId));
    }

    [Fact]
    public async Task Without_an_mfa_claim_the_sign_in_is_refused_with_a_clear_page_and_nothing_stored()
    {
        var (funder, _) = await InvitedAsync(c => c with { Amr = ["pwd"] });

        var (page, session) = await _sso.SignInAsync(funder.SignInPath);

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("A second factor is required", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(session.LastSetCookies, c => c.StartsWith("fa_console=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("/app")).Status);
        Assert.Equal(0, await _sso.LinksAsync(funder.Admin.FunderId));
        Assert.Equal(0, await _sso.SessionsAsync(funder.Admin.FunderId));
    }

    [Fact]
    public async Task An_acr_the_funder_accepts_counts_as_the_second_factor()
    {
        var email = NewEmail();
        var slug = "acr-" + Guid.NewGuid().ToString("N")[..8];
        var funder = await _sso.FunderAsync(c => c with { Email = email, Acr = "urn:example:loa:high" }, null);
        await HttpAssert.OkJsonAsync(
            await funder.Admin.Client.PutAsync(
                "/api/sso",
                Giving.Json(
                    new System.Text.Json.Nodes.JsonObject
                    {
                        ["slug"] = slug,
                        ["issuer"] = idp.Provider.Issuer.AbsoluteUri,
                        ["clientId"] = funder.Client.ClientId,
                        ["acceptedAmr"] = new System.Text.Json.Nodes.JsonArray(),
                        ["acceptedAcr"] = new System.Text.Json.Nodes.JsonArray("urn:example:loa:high"),
                    }
                )
            )
        );
        _sso.Provide(funder.Client with { RedirectUri = "http://localhost/app/sign-in/sso/" + slug + "/callback" });
        await _sso.InviteAsync(funder.Admin.FunderId, email);

        var (page, _) = await _sso.SignInAsync("/app/sign-in/sso/" + slug);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(1, await _sso.LinksAsync(funder.Admin.FunderId));
    }

    [Theory]
    [InlineData(TokenFault.WrongIssuer)]
    [InlineData(TokenFault.WrongAudience)]
    [InlineData(TokenFault.Expired)]
    public async Task A_token_from_another_issuer_for_another_client_or_expired_is_refused(TokenFault fault)
    {
        var (funder, _) = await InvitedAsync(c => c with { Fault = fault });

        var (page, session) = await _sso.SignInAsync(funder.SignInPath);

        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        Assert.Contains("Single sign-on failed", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(session.LastSetCookies, c => c.StartsWith("fa_console=", StringComparison.Ordinal));
        Assert.Equal(0, await _sso.LinksAsync(funder.Admin.FunderId));
        Assert.Equal(0, await _sso.SessionsAsync(funder.Admin.FunderId));
    }

    [Fact]
    public async Task A_subject_nobody_invited_or_an_unverified_email_is_refused()
    {
        var funder = await _sso.FunderAsync(c => c with { Amr = ["mfa"] });
        await _sso.InviteAsync(funder.Admin.FunderId, NewEmail()); // someone else

        var (stranger, _) = await _sso.SignInAsync(funder.SignInPath);
        Assert.Equal(HttpStatusCode.Forbidden, stranger.Status);
        Assert.Contains("No FundAudit account for this sign-in", stranger.Html, StringComparison.Ordinal);

        var email = NewEmail();
        await _sso.InviteAsync(funder.Admin.FunderId, email);
        _sso.Provide(funder.Client with { Email = email, EmailVerified = false });
        var (unverified, _) = await _sso.SignInAsync(funder.SignInPath);
        Assert.Equal(HttpStatusCode.Forbidden, unverified.Status);

        Assert.Equal(0, await _sso.LinksAsync(funder.Admin.FunderId));
        Assert.Equal(0, await _sso.SessionsAsync(funder.Admin.FunderId));
    }

    [Fact]
    public async Task A_seized_person_stays_out_with_a_linked_subject_until_invited_again()
    {
        var (funder, personId) = await InvitedAsync();
        Assert.Equal(HttpStatusCode.OK, (await _sso.SignInAsync(funder.SignInPath)).Page.Status);
        await _sso.ExecuteAsync(
            "UPDATE staff_people SET status = 'seized' WHERE id = @PersonId",
            new { PersonId = personId }
        );

        var (page, _) = await _sso.SignInAsync(funder.SignInPath);

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Equal(1, await _sso.SessionsAsync(funder.Admin.FunderId));

        // Invited again by an admin: the same subject signs in once more, the new invitation used.
        await _sso.ExecuteAsync(
            "UPDATE staff_people SET status = 'invited' WHERE id = @PersonId",
            new { PersonId = personId }
        );
        await _sso.ReinviteAsync(funder.Admin.FunderId, personId);
        Assert.Equal(HttpStatusCode.OK, (await _sso.SignInAsync(funder.SignInPath)).Page.Status);
        Assert.Equal(2, await _sso.SessionsAsync(funder.Admin.FunderId));
        Assert.Equal(1, await _sso.LinksAsync(funder.Admin.FunderId));
    }

    [Fact]
    public async Task Funder_As_provider_cannot_sign_anyone_into_funder_B()
    {
        var email = NewEmail();
        var a = await _sso.FunderAsync(c => c with { Email = email, Amr = ["mfa"] });
        var b = await _sso.FunderAsync(c => c with { Email = email, Amr = ["mfa"] });
        await _sso.InviteAsync(b.Admin.FunderId, email); // invited in B only

        var (throughA, _) = await _sso.SignInAsync(a.SignInPath);
        Assert.Equal(HttpStatusCode.Forbidden, throughA.Status);
        Assert.Equal(0, await _sso.LinksAsync(a.Admin.FunderId));

        // Once linked in B, the same (issuer, subject) through A's page still finds nobody in A.
        _sso.Provide(a.Client with { Subject = b.Client.Subject });
        Assert.Equal(HttpStatusCode.OK, (await _sso.SignInAsync(b.SignInPath)).Page.Status);
        var (linkedElsewhere, _) = await _sso.SignInAsync(a.SignInPath);
        Assert.Equal(HttpStatusCode.Forbidden, linkedElsewhere.Status);
        Assert.Equal(0, await _sso.SessionsAsync(a.Admin.FunderId));
        Assert.Equal(1, await _sso.SessionsAsync(b.Admin.FunderId));
    }

    [Fact]
    public async Task Step_up_through_the_provider_asks_for_a_new_login_and_records_the_second_factor()
    {
        var (_, personId, session, _) = await SignedInLongAgoAsync();

        var page = await _sso.WalkAsync(session, "/app/step-up/sso?returnUrl=%2Fapp%2Frequests");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("0;url=/app/requests", page.Html, StringComparison.Ordinal);
        Assert.Contains("prompt=login", _sso.LastAuthorizeQuery, StringComparison.Ordinal);
        Assert.Contains("max_age=0", _sso.LastAuthorizeQuery, StringComparison.Ordinal);
        var args = new { PersonId = personId, At = app.Clock.GetUtcNow() };
        Assert.Equal(
            1,
            await _sso.CountAsync(
                "SELECT COUNT(*) FROM console_sessions WHERE person_id = @PersonId AND second_factor_at = @At",
                args
            )
        );
    }

    [Theory]
    [InlineData("another person")]
    [InlineData("no mfa")]
    [InlineData("no new login")]
    public async Task Step_up_is_refused_for_another_person_without_mfa_or_without_a_new_login(string what)
    {
        var (funder, personId, session, longAgo) = await SignedInLongAgoAsync();
        _sso.Provide(
            what switch
            {
                "another person" => funder.Client with { Subject = "someone-else" },
                "no mfa" => funder.Client with { Amr = ["pwd"] },
                _ => funder.Client with { AuthenticatedSecondsAgo = 3600 },
            }
        );

        var page = await _sso.WalkAsync(session, "/app/step-up/sso?returnUrl=%2Fapp");

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("The second factor was not confirmed", page.Html, StringComparison.Ordinal);
        Assert.Equal(
            1,
            await _sso.CountAsync(
                "SELECT COUNT(*) FROM console_sessions WHERE person_id = @PersonId AND second_factor_at = @At",
                new { PersonId = personId, At = longAgo }
            )
        );
    }

    [Fact]
    public async Task A_provider_at_an_internal_address_is_never_called_and_the_sign_in_fails_with_a_page()
    {
        // An admin types the issuer; anyone who opens the sign-in link made the service fetch its discovery document,
        // wherever it pointed (probed: an issuer at https://127.0.0.1:9443 was connected to, then a 500 page). The test
        // provider listens on 127.0.0.1: an app without Sso:AllowPrivateAddresses must not reach it.
        var strict = app.Shared("sso-strict", b => b.UseSetting("Sso:AllowPrivateAddresses", "false"));
        var (funder, _) = await InvitedAsync();
        var browser = strict.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var start = await browser.GetAsync(funder.SignInPath);

        Assert.Equal(HttpStatusCode.Unauthorized, start.StatusCode); // not a redirect to the provider
        Assert.Contains("Single sign-on failed", await start.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_or_closed_slug_is_a_not_found_page()
    {
        var client = ConsoleClient.Anonymous(app);
        await client.GetPageAsync("/app/sign-in/sso/no-such-fund", HttpStatusCode.NotFound);
        var funder = await _sso.FunderAsync();
        await HttpAssert.OkJsonAsync(
            await funder.Admin.Client.PutAsync(
                "/api/sso",
                Giving.Json(
                    new System.Text.Json.Nodes.JsonObject
                    {
                        ["slug"] = funder.Slug,
                        ["issuer"] = idp.Provider.Issuer.AbsoluteUri,
                        ["clientId"] = funder.Client.ClientId,
                        ["enabled"] = false,
                    }
                )
            )
        );
        await client.GetPageAsync(funder.SignInPath, HttpStatusCode.NotFound);
    }
}

public sealed class SqliteSsoSignInTests(SqliteApp app, TestOidcProviderFixture idp)
    : SsoSignInTests<SqliteApp>(app, idp),
        IClassFixture<TestOidcProviderFixture>;

public sealed class PostgresSsoSignInTests(PostgresApp app, TestOidcProviderFixture idp)
    : SsoSignInTests<PostgresApp>(app, idp),
        IClassFixture<TestOidcProviderFixture>;
