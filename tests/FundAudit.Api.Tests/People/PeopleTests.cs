using System.Net;
using System.Net.Http.Json;
using Dapper;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.People;

/// <summary>
/// Staff as people (issue 16), per engine, over HTTP: invitations (API and pages), passwords, TOTP enrolment and
/// sign-in (a code is accepted once), the backoff, seizure, step-up, and tenant isolation of every people endpoint.
/// </summary>
public abstract class PeopleTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    private static string Email(string who) => $"{who}-{Guid.NewGuid():N}@example.org";

    private static JsonContent Invite(string email, string name, params string[] roles) =>
        JsonContent.Create(
            new
            {
                email,
                displayName = name,
                roles,
            }
        );

    private async Task<long> PeopleCountAsync(long funderId)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM staff_people WHERE funder_id = @FunderId",
            new { FunderId = funderId }
        );
    }

    private async Task<(TestPerson Person, PageSession Session)> EnrolledAsync(long funderId, params string[] roles)
    {
        var email = Email("p");
        var (id, token) = await TestPeople.InviteAsync(app, funderId, email, "Pat Person", roles);
        var session = TestPeople.NewSession(app);
        return (await TestPeople.EnrolAsync(app, session, funderId, id, email, token), session);
    }

    private static async Task<HtmlPage> SignInAsync(PageSession session, TestPerson person, string code)
    {
        await session.GetAsync("/app/sign-in");
        return await session.PostAsync(
            "/app/sign-in",
            ("email", person.Email),
            ("password", person.Password),
            ("code", code),
            ("returnUrl", "/app")
        );
    }

    [Fact]
    public async Task Inviting_answers_a_one_time_link_and_bad_input_is_refused_storing_nothing()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var owners = await PeopleCountAsync(admin.FunderId); // the person who owns the admin's key
        var bad = await admin.Client.PostAsync("/api/people", Invite("not an email", "", "boss"));
        var problem = await HttpAssert.ProblemAsync(bad, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _), problem.ToString());
        Assert.True(errors.TryGetProperty("displayName", out _), problem.ToString());
        Assert.True(errors.TryGetProperty("roles[0]", out _), problem.ToString());
        var noRoles = await admin.Client.PostAsync("/api/people", Invite(Email("x"), "X"));
        await HttpAssert.ProblemAsync(noRoles, HttpStatusCode.BadRequest);
        Assert.Equal(owners, await PeopleCountAsync(admin.FunderId));

        var email = Email("Olga");
        var created = await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync("/api/people", Invite(email, "Olga", "officer")),
            HttpStatusCode.Created
        );
        var link = created.GetProperty("invitationUrl").GetString()!;
        Assert.Matches("^http://localhost/app/invitations/[A-Za-z0-9_-]{43}$", link);
        Assert.Equal("invited", created.GetProperty("person").GetProperty("status").GetString());

        // The same email in another case is the same person: 409, nothing stored.
        var again = await admin.Client.PostAsync("/api/people", Invite(email.ToUpperInvariant(), "Olga 2", "finance"));
        await HttpAssert.ProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Equal(owners + 1, await PeopleCountAsync(admin.FunderId));

        // Only the token's hash is stored.
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var hashes = (await connection.QueryAsync<string>("SELECT token_hash FROM staff_invitations")).ToList();
        Assert.DoesNotContain(link.Split('/')[^1], hashes);
    }

    [Fact]
    public async Task An_expired_or_used_invitation_is_refused()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var (_, expiring) = await TestPeople.InviteAsync(app, admin.FunderId, Email("late"), "Late", "officer");
        app.Clock.Advance(TimeSpan.FromHours(72));
        var session = TestPeople.NewSession(app);
        var gone = await session.GetAsync("/app/invitations/" + expiring);
        Assert.Equal(HttpStatusCode.Gone, gone.Status);
        Assert.Contains("cannot be used", gone.Html, StringComparison.Ordinal);

        var email = Email("used");
        var (id, token) = await TestPeople.InviteAsync(app, admin.FunderId, email, "Used", "officer");
        await TestPeople.EnrolAsync(app, TestPeople.NewSession(app), admin.FunderId, id, email, token);
        var reuse = TestPeople.NewSession(app);
        Assert.Equal(HttpStatusCode.Gone, (await reuse.GetAsync("/app/invitations/" + token)).Status);
        await session.GetAsync("/app/sign-in"); // a form token for the post
        var reused = await session.PostWithAsync(
            new Dictionary<string, string>(),
            session.Token!,
            $"/app/invitations/{token}/password",
            ("password", TestPeople.Password),
            ("confirm", TestPeople.Password)
        );
        Assert.Equal(HttpStatusCode.Gone, reused.Status);
    }

    [Theory]
    [InlineData("short pass", "at least 12 characters")]
    [InlineData("password1234", "common passwords")]
    [InlineData("monkeymonkey", "common passwords")]
    [InlineData("Qwerty123456!", "common passwords")]
    public async Task A_weak_password_is_refused_and_stores_nothing(string password, string message)
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var (id, token) = await TestPeople.InviteAsync(app, admin.FunderId, Email("weak"), "Weak", "officer");
        var session = TestPeople.NewSession(app);
        await session.GetAsync("/app/invitations/" + token);
        var refused = await session.PostAsync(
            $"/app/invitations/{token}/password",
            ("password", password),
            ("confirm", password)
        );
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains(message, refused.Html, StringComparison.Ordinal);
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        Assert.Null(
            await connection.ExecuteScalarAsync<string?>(
                "SELECT password_hash FROM staff_people WHERE id = @Id",
                new { Id = id }
            )
        );
        Assert.Equal(
            0,
            await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM staff_totp_factors WHERE person_id = @Id",
                new { Id = id }
            )
        );
    }

    [Fact]
    public async Task A_wrong_or_replayed_code_is_refused_and_a_recovery_code_works_once()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var email = Email("totp");
        var (id, token) = await TestPeople.InviteAsync(app, admin.FunderId, email, "Tot", "officer");
        var session = TestPeople.NewSession(app);
        await session.GetAsync("/app/invitations/" + token);
        var totp = await session.PostAsync(
            $"/app/invitations/{token}/password",
            ("password", TestPeople.Password),
            ("confirm", TestPeople.Password)
        );
        Assert.Contains("<svg", totp.Html, StringComparison.Ordinal); // the QR code, drawn by the server
        var wrong = await session.PostAsync($"/app/invitations/{token}/totp", ("code", "000000"));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.False(session.Cookies.ContainsKey(ConsoleClient.SessionCookie));
        var person = await TestPeople.EnrolAsync(app, TestPeople.NewSession(app), admin.FunderId, id, email, token);

        var signIn = TestPeople.NewSession(app);
        var replayed = await SignInAsync(signIn, person, person.Code(app)); // the enrolment used this step's code
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.Status);
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var code = person.Code(app);
        Assert.Equal(HttpStatusCode.SeeOther, (await SignInAsync(signIn, person, code)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(TestPeople.NewSession(app), person, code)).Status);

        var recovery = person.TakeRecoveryCode();
        Assert.Equal(HttpStatusCode.SeeOther, (await SignInAsync(TestPeople.NewSession(app), person, recovery)).Status);
        Assert.Equal(
            HttpStatusCode.Unauthorized,
            (await SignInAsync(TestPeople.NewSession(app), person, recovery)).Status
        );
    }

    [Fact]
    public async Task Failed_sign_ins_slow_down_the_account_and_never_lock_it_out()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var (person, _) = await EnrolledAsync(admin.FunderId, "officer");
        var session = TestPeople.NewSession(app);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(session, person, "123456")).Status);
        }

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var waiting = await SignInAsync(session, person, person.Code(app, steps: 1)); // right, but too soon
        Assert.Equal(HttpStatusCode.TooManyRequests, waiting.Status);
        Assert.Contains("Wait 1 seconds", waiting.Html, StringComparison.Ordinal);

        app.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(HttpStatusCode.SeeOther, (await SignInAsync(session, person, person.Code(app))).Status);
    }

    [Fact]
    public async Task Seizure_by_an_admin_revokes_sessions_factors_and_codes_at_once_until_a_new_invitation()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var (person, session) = await EnrolledAsync(admin.FunderId, "officer");
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/app")).Status);

        var seized = await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync($"/api/people/{person.PersonId}/seize", null)
        );
        Assert.Equal(1, seized.GetProperty("sessionsEnded").GetInt32());
        Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("/app")).Status);
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var refused = await SignInAsync(TestPeople.NewSession(app), person, person.Code(app));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal(
            HttpStatusCode.Unauthorized,
            (await SignInAsync(TestPeople.NewSession(app), person, person.TakeRecoveryCode())).Status
        );

        var again = await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync($"/api/people/{person.PersonId}/invitations", JsonContent.Create(new { })),
            HttpStatusCode.Created
        );
        var token = again.GetProperty("invitationUrl").GetString()!.Split('/')[^1];
        var back = await TestPeople.EnrolAsync(
            app,
            TestPeople.NewSession(app),
            admin.FunderId,
            person.PersonId,
            person.Email,
            token
        );
        Assert.NotEqual(person.Secret, back.Secret); // a new factor
    }

    [Fact]
    public async Task A_person_whose_phone_was_taken_seizes_their_own_account_with_a_recovery_code()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var (person, session) = await EnrolledAsync(admin.FunderId, "officer");
        var anonymous = TestPeople.NewSession(app);
        await anonymous.GetAsync("/app/seize");
        var wrong = await anonymous.PostAsync(
            "/app/seize",
            ("email", person.Email),
            ("recovery", "aaaa-bbbb-cccc-dddd")
        );
        Assert.Equal(HttpStatusCode.OK, wrong.Status);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/app")).Status); // nothing happened

        var done = await anonymous.PostAsync(
            "/app/seize",
            ("email", person.Email),
            ("recovery", person.TakeRecoveryCode())
        );
        Assert.Contains("your account is now locked", done.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("/app")).Status);
        var status = await HttpAssert.OkJsonAsync(await admin.Client.GetAsync($"/api/people/{person.PersonId}"));
        Assert.Equal("seized", status.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Step_up_asks_for_a_code_before_an_approval_then_approves_with_the_original_values()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = await EmergencyForms.CreateFundAsync(admin, "people");
        var reference = await EmergencyForms.SubmitAsync(app.CreateClient(), slug);
        var (person, officer) = await EnrolledAsync(admin.FunderId, "officer");
        await officer.GetAsync($"/app/requests/{reference}");
        await officer.PostAsync($"/app/requests/{reference}/acknowledge", ("version", "1")); // needs no step-up

        app.Clock.Advance(TimeSpan.FromMinutes(11));
        await officer.GetAsync($"/app/requests/{reference}");
        var ask = await officer.PostAsync($"/app/requests/{reference}/approve", ("version", "2"), ("amount", "400"));
        Assert.Equal(HttpStatusCode.OK, ask.Status);
        Assert.Contains("Confirm it is you", ask.Html, StringComparison.Ordinal);
        Assert.Equal("400", ask.Hidden("amount"));
        Assert.Equal("2", ask.Hidden("version"));
        var state = await admin.Client.GetAsync($"/api/requests/{reference}");
        Assert.Contains("\"acknowledged\"", await state.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var wrong = await officer.PostAsync(
            $"/app/requests/{reference}/approve",
            ("version", "2"),
            ("amount", "400"),
            ("_stepup_code", "000000")
        );
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        var approved = await officer.PostAsync(
            $"/app/requests/{reference}/approve",
            ("version", "2"),
            ("amount", "400"),
            ("_stepup_code", person.Code(app))
        );
        Assert.Contains("data-state=\"approved\"", approved.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_people_page_invites_and_reinvites_with_its_forms_and_shows_each_one_time_link()
    {
        var tenant = await app.CreateTenantAsync(Roles.Admin);
        var (_, admin) = await EnrolledAsync(tenant.FunderId, "admin");
        await admin.GetAsync("/app/people");
        var email = Email("form");
        (string, string)[] fields = [("email", email), ("displayName", "Fern Form"), ("roles", "officer")];

        var invited = await admin.PostAsync("/app/people", fields);
        Assert.Equal(HttpStatusCode.OK, invited.Status);
        Assert.Contains("/app/invitations/", invited.TextOf("data-invitation-link"), StringComparison.Ordinal);
        Assert.Contains("Fern Form", invited.Html, StringComparison.Ordinal);

        var again = await admin.PostAsync("/app/people", fields);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.DoesNotContain("data-invitation-link", again.Html, StringComparison.Ordinal);
        var blank = await admin.PostAsync("/app/people", ("email", ""), ("displayName", ""), ("roles", "officer"));
        Assert.Equal(HttpStatusCode.BadRequest, blank.Status);

        var people = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/people"));
        var id = people.EnumerateArray().Single(p => p.GetProperty("email").GetString() == email).GetProperty("id");
        var reinvited = await admin.PostAsync($"/app/people/{id.GetInt64()}/invite");
        Assert.Equal(HttpStatusCode.OK, reinvited.Status);
        Assert.NotEqual(invited.TextOf("data-invitation-link"), reinvited.TextOf("data-invitation-link"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/app/people/{long.MaxValue}/invite")).Status);
    }

    [Fact]
    public async Task Every_people_endpoint_keeps_to_its_funder_and_to_admins()
    {
        var mine = await app.CreateTenantAsync(Roles.Admin);
        var theirs = await app.CreateTenantAsync(Roles.Admin);
        var created = await HttpAssert.OkJsonAsync(
            await mine.Client.PostAsync("/api/people", Invite(Email("iso"), "Iso", "officer")),
            HttpStatusCode.Created
        );
        var id = created.GetProperty("person").GetProperty("id").GetInt64();

        var list = await HttpAssert.OkJsonAsync(await theirs.Client.GetAsync("/api/people"));
        Assert.DoesNotContain(list.EnumerateArray(), p => p.GetProperty("id").GetInt64() == id);
        await HttpAssert.ProblemAsync(await theirs.Client.GetAsync($"/api/people/{id}"), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(
            await theirs.Client.PostAsync($"/api/people/{id}/seize", null),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await theirs.Client.PostAsync($"/api/people/{id}/invitations", JsonContent.Create(new { })),
            HttpStatusCode.NotFound
        );
        var officerKey = await app.AddKeyAsync(mine, Roles.Officer);
        Assert.Equal(HttpStatusCode.Forbidden, (await officerKey.Client.GetAsync("/api/people")).StatusCode);

        // The console: another funder's admin seizes nothing of ours.
        var (_, theirAdmin) = await EnrolledAsync(theirs.FunderId, "admin");
        await theirAdmin.GetAsync("/app/people");
        var seize = await theirAdmin.PostAsync($"/app/people/{id}/seize");
        Assert.Equal(HttpStatusCode.NotFound, seize.Status);
        var still = await HttpAssert.OkJsonAsync(await mine.Client.GetAsync($"/api/people/{id}"));
        Assert.Equal("invited", still.GetProperty("status").GetString());
    }
}

public sealed class SqlitePeopleTests(SqliteApp app) : PeopleTests<SqliteApp>(app);

public sealed class PostgresPeopleTests(PostgresApp app) : PeopleTests<PostgresApp>(app);
