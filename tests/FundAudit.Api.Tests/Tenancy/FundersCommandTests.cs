using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using FundAudit.Api.Features.Tenancy;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Tenancy;

/// <summary>The operator commands: the first admin key of a new install comes from here, never from a default password.</summary>
public sealed partial class FundersCommandTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Funders_create_invites_the_first_admin_with_a_one_time_link_alone_on_the_last_line()
    {
        var (code, stdout, _) = await RunAsync("funders", "create", "Example Fund", "first.admin@example.org");

        Assert.Equal(0, code);
        var link = LastLine(stdout);
        Assert.Matches(LinkPattern(), link);
        Assert.DoesNotMatch(KeyPattern(), stdout); // no key any more: the first admin is a person
        var path = new Uri(link).AbsolutePath;
        var session = Pages.TestPeople.NewSession(app);
        var page = await session.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Choose a password", page.Html, StringComparison.Ordinal);

        // The person it made: the funder's first admin, invited.
        var token = path.Split('/')[^1];
        var funderId = (
            await app
                .Services.GetRequiredService<FundAudit.Api.Features.People.PeopleStore>()
                .FindInvitationAsync(FundAudit.Api.Features.People.Invitations.HashToken(token), default)
        )!.FunderId;
        var people = await app
            .Services.GetRequiredService<FundAudit.Api.Features.People.PeopleStore>()
            .ListAsync(funderId, default);
        var admin = Assert.Single(people);
        Assert.Equal(("first.admin@example.org", "admin", "invited"), (admin.Email, admin.Roles, admin.Status));
    }

    [Fact]
    public async Task Keys_create_and_revoke_work_by_funder_id_or_name()
    {
        await RunAsync("funders", "create", "Fondo Regional", "admin@fondo.example");
        var (_, created, _) = await RunAsync("funders", "keys", "create", "Fondo Regional", "admin");
        var admin = app.ClientWithKey(LastLine(created));
        var me = await HttpAssert.OkJsonAsync(await admin.GetAsync("/api/me"));
        var funderId = me.GetProperty("funderId")
            .GetInt64()
            .ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (code, byId, _) = await RunAsync("funders", "keys", "create", funderId, "officer");
        Assert.Equal(0, code);
        var (code2, byName, _) = await RunAsync("funders", "keys", "create", "Fondo Regional", "finance");
        Assert.Equal(0, code2);
        var officer = LastLine(byId);
        Assert.Equal(
            "officer",
            (await HttpAssert.OkJsonAsync(await app.ClientWithKey(officer).GetAsync("/api/me")))
                .GetProperty("role")
                .GetString()
        );
        Assert.Equal(
            "finance",
            (await HttpAssert.OkJsonAsync(await app.ClientWithKey(LastLine(byName)).GetAsync("/api/me")))
                .GetProperty("role")
                .GetString()
        );

        var keyId = officer.Split('_')[1];
        var (revoked, _, _) = await RunAsync("funders", "keys", "revoke", keyId);
        Assert.Equal(0, revoked);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWithKey(officer).GetAsync("/api/me")).StatusCode);
    }

    [Theory]
    [InlineData("funders")]
    [InlineData("funders", "create", "No Admin Fund")]
    [InlineData("funders", "create", "Bad Email Fund", "not-an-email")]
    [InlineData("funders", "keys", "create", "999999", "officer")]
    [InlineData("funders", "keys", "create", "1", "superuser")]
    [InlineData("funders", "keys", "revoke", "nosuchkey")]
    public async Task Bad_commands_exit_non_zero_and_print_no_key(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);

        Assert.NotEqual(0, code);
        Assert.DoesNotMatch(KeyPattern(), stdout);
        Assert.False(string.IsNullOrWhiteSpace(stderr));
    }

    [Fact]
    public async Task The_built_program_takes_the_same_arguments_on_a_fresh_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fundaudit-cli-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(typeof(Program).Assembly.Location);
            foreach (var a in new[] { "funders", "create", "Built Fund", "admin@built.example" })
            {
                start.ArgumentList.Add(a);
            }

            start.Environment.Remove("Database__Provider");
            start.Environment.Remove("Database__ConnectionString");
            start.Environment["DOTNET_ENVIRONMENT"] = "Production";
            using var process = Process.Start(start)!;
            var stdout = await process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();

            Assert.True(process.ExitCode == 0, stderr);
            Assert.Matches(LinkPattern(), LastLine(stdout));
            Assert.True(
                File.Exists(Path.Combine(folder, "data", "fundaudit.db")),
                "SQLite file not created under ./data of the working directory"
            );
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await FundersCommand.RunAsync(Unaddressed.Services, args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// The fixture's service without <c>People:PublicBaseUrl</c> (the fixture sets it), so that the command's own
    /// default address is what a link shows; <c>AllowedHosts</c> lets it start outside Development.
    /// </summary>
    private ContractCheckedFactory Unaddressed =>
        app.Shared("unaddressed", b =>
            b.UseSetting("People:PublicBaseUrl", "").UseSetting("AllowedHosts", "localhost")
        );

    private static string LastLine(string text) => text.TrimEnd('\n', '\r').Split('\n')[^1].TrimEnd('\r');

    [GeneratedRegex("^fa_[a-z2-7]{16}_[A-Za-z0-9_-]{43}$", RegexOptions.Multiline)]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^http://localhost:5000/app/invitations/[A-Za-z0-9_-]{43}$")]
    private static partial Regex LinkPattern();
}
