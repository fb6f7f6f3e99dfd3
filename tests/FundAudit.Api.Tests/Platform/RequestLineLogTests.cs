using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// A request's path can carry a secret (an invitation link's token), so the service never logs request lines, even
/// when its configuration asks for every category at Information: the built service as a real process, started away
/// from its folder (no appsettings.json, as a service manager with another working directory would start it).
/// </summary>
public sealed class RequestLineLogTests
{
    [Fact]
    public async Task An_invitation_token_in_a_path_is_not_logged_at_information()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fundaudit-tests", "reqlog-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = "sqlite",
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(folder, "fundaudit.db")}",
            ["Imports:Folder"] = Path.Combine(folder, "imports"),
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        };
        await using var service = ServiceProcess.Start("request-lines", settings);
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
        const string token = "Zq7InvitationTokenMarker93";

        var page = await service.Http.GetAsync($"/app/invitations/{token}");
        var health = await service.Http.GetAsync("/health/live");
        await Task.Delay(500); // the console logger writes on its own thread

        Assert.True(health.IsSuccessStatusCode);
        Assert.NotEqual(System.Net.HttpStatusCode.InternalServerError, page.StatusCode);
        Assert.Contains("Information", service.Output, StringComparison.OrdinalIgnoreCase); // the level is really on
        Assert.DoesNotContain(token, service.Output, StringComparison.Ordinal);
    }
}
