using System.Data.Common;
using System.Net;
using Dapper;
using FundAudit.Api.Features.People;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Microsoft.Data.Sqlite;
using Npgsql;
using OtpNet;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// A funder's first admin in a service running as a child process (real time): the invitation link printed by
/// <c>funders create</c> walked through its pages (password, TOTP), so that the admin's key can give step-up codes.
/// The enrolment uses the code of the step before the current one (one step of drift is allowed), so the two next
/// codes (<see cref="StepUp"/> with 0 and 1) are each accepted once without waiting for the clock.
/// </summary>
internal sealed class FirstAdmin(long personId, string secret, long baseStep)
{
    public long PersonId { get; } = personId;

    public static async Task<FirstAdmin> EnrolAsync(
        ServiceProcess service,
        IReadOnlyDictionary<string, string> settings,
        string commandOutput,
        string email
    )
    {
        var link = commandOutput.Trim().Split('\n')[^1].Trim();
        var path = new Uri(link).AbsolutePath;
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = service.Http.BaseAddress,
        };
        var session = new PageSession(http);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(path)).Status);
        var totp = await session.PostAsync(
            path + "/password",
            ("password", TestPeople.Password),
            ("confirm", TestPeople.Password)
        );
        var secret = totp.TextOf("data-totp-secret") ?? throw new InvalidOperationException(totp.Html);
        // Enrol well inside a step: the service accepts the code of the step before its own, so a step that ended
        // while the code was on its way (a loaded machine) made it two steps old, and the enrolment failed.
        var intoStep = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % 30_000;
        if (intoStep > 20_000)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(30_000 - intoStep + 250));
        }

        var baseStep = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
        var done = await session.PostAsync(path + "/totp", ("code", Code(secret, baseStep - 1)));
        Assert.True(done.Status == HttpStatusCode.OK, done.Html);

        await using var db = Connection(settings);
        var id = await db.ExecuteScalarAsync<long>(
            "SELECT id FROM staff_people WHERE email_key = @Email",
            new { Email = email }
        );
        return new FirstAdmin(id, secret, baseStep);
    }

    /// <summary>Adds the code of the base step plus <paramref name="step"/> (0 or 1) as the step-up header.</summary>
    public HttpRequestMessage StepUp(HttpRequestMessage request, int step)
    {
        request.Headers.Add(KeyStepUp.Header, Code(secret, baseStep + step));
        return request;
    }

    private static string Code(string secret, long step) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(step * 30).UtcDateTime);

    private static DbConnection Connection(IReadOnlyDictionary<string, string> settings) =>
        settings["Database:Provider"] == "postgres"
            ? new NpgsqlConnection(settings["Database:ConnectionString"])
            : new SqliteConnection(settings["Database:ConnectionString"]);
}
