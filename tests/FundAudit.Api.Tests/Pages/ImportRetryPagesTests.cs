using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The console's imports pages show an interrupted import as such, and give administrators and analysts (not
/// officers) a server-rendered retry form, which queues the import again.
/// </summary>
public abstract class ImportRetryPagesTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    [Fact]
    public async Task An_interrupted_import_is_shown_with_a_retry_form_for_analysts_that_queues_it_again()
    {
        var tenant = await app.CreateTenantAsync();
        var csv = CsvTestFiles.Header360 + "\nP-1,T,D,GBP,10,2024-01-01\nP-2,T,D,GBP,20,2024-01-01\n";
        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants/imports", new StringContent(csv, Encoding.UTF8, "text/csv")),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        var store = app.Services.GetRequiredService<GrantImportStore>();
        Assert.True(await store.ClaimAsync(id, "dead-run", app.Clock.GetUtcNow(), default)); // then the worker dies
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        var form = $"action=\"/app/imports/{id}/retry\"";

        using var officer = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Officer)).Key);
        var officerPage = await officer.GetPageAsync($"/app/imports/{id}");
        Assert.Contains("data-status=\"interrupted\"", officerPage);
        Assert.DoesNotContain(form, officerPage);
        var refused = await officer.PostFormAsync($"/app/imports/{id}/retry", []);
        Assert.NotEqual(HttpStatusCode.SeeOther, refused.StatusCode);
        Assert.Equal("interrupted", await StatusAsync(tenant, id));

        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        var list = await analyst.GetPageAsync("/app/imports");
        Assert.Contains(form, list);
        var page = await analyst.GetPageAsync($"/app/imports/{id}");
        Assert.Contains(form, page);
        Assert.Contains("data-notice=\"interrupted\"", page);

        var forged = await analyst.PostFormAsync($"/app/imports/{id}/retry", [], withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("interrupted", await StatusAsync(tenant, id));

        await analyst.GetPageAsync($"/app/imports/{id}");
        var retried = await analyst.PostFormAsync($"/app/imports/{id}/retry", []);
        Assert.Equal(HttpStatusCode.SeeOther, retried.StatusCode);
        Assert.Equal($"/app/imports/{id}", retried.Headers.Location?.OriginalString);
        Assert.Equal("queued", await StatusAsync(tenant, id));
        Assert.DoesNotContain(form, await analyst.GetPageAsync($"/app/imports/{id}"));

        // Retrying again is refused with the API's words, and the job loads the file once.
        var again = await analyst.PostPageAsync($"/app/imports/{id}/retry", []);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Contains("only a failed or interrupted import can be retried", again.Html);
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        Assert.Equal("succeeded", await StatusAsync(tenant, id));
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    private static async Task<string?> StatusAsync(Tenant tenant, long id) =>
        (await tenant.Client.GetFromJsonAsync<JsonElement>($"/api/grants/imports/{id}"))
            .GetProperty("status")
            .GetString();
}

public sealed class SqliteImportRetryPagesTests(SqliteApp app) : ImportRetryPagesTests<SqliteApp>(app);

public sealed class PostgresImportRetryPagesTests(PostgresApp app) : ImportRetryPagesTests<PostgresApp>(app);
