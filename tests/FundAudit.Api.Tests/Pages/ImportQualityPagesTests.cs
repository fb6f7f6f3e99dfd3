using System.Net;
using System.Net.Http.Headers;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// A finished import's page shows the quality checks of its own grants (LandAid 2015-16, a real 360Giving CSV of 18
/// grants), linking the quality page and its CSV filtered on the import; another funder sees none of it.
/// </summary>
public abstract class ImportQualityPagesTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static string Text(string html) => WebUtility.HtmlDecode(html);

    [Fact]
    public async Task The_import_page_summarises_its_quality_and_links_the_filtered_quality_page_and_csv()
    {
        var tenant = await app.CreateTenantAsync();
        var id = await ImportAsync(tenant, "360g-landaid-2015-16.csv");
        var created = (await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}")))
            .GetProperty("result")
            .GetProperty("created")
            .GetInt64();
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);

        var page = Text(await analyst.GetPageAsync($"/app/imports/{id}"));

        Assert.Contains("Data quality of this import", page, StringComparison.Ordinal);
        Assert.Contains($"{created} grants written by this import", page, StringComparison.Ordinal);
        var filter = $"&currency=GBP&importId={id}";
        Assert.Contains(filter + "\" data-link=\"import-quality\"", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/app/downloads/quality.csv?from=", page, StringComparison.Ordinal);
        var link = Between(page, "href=\"", "\" data-link=\"import-quality\"");

        var quality = Text(await analyst.GetPageAsync(link));
        Assert.Contains($"data-import-filter=\"{id}\"", quality, StringComparison.Ordinal);
        Assert.Contains($": {created} grants, ", quality, StringComparison.Ordinal);

        var csv = await analyst.GetAsync(link.Replace("/app/quality?", "/app/downloads/quality.csv?"));
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"importId={id}", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Another funder: the import is not found, and its grants are in none of this funder's checks.
        var other = await app.CreateTenantAsync();
        using var stranger = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(other, Roles.Analyst)).Key);
        await stranger.GetPageAsync($"/app/imports/{id}", HttpStatusCode.NotFound);
        var theirs = Text(await stranger.GetPageAsync(link));
        Assert.Contains(": 0 grants, ", theirs, StringComparison.Ordinal);
    }

    private static string Between(string text, string before, string after)
    {
        var end = text.IndexOf(after, StringComparison.Ordinal);
        var start = text.LastIndexOf(before, end, StringComparison.Ordinal) + before.Length;
        return WebUtility.HtmlDecode(text[start..end]);
    }

    private async Task<long> ImportAsync(Tenant tenant, string file)
    {
        var content = new StreamContent(File.OpenRead(Path.Combine(CsvTestFiles.SharedData(), "360giving", file)));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants/imports", content),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        return id;
    }
}

[Collection(SharedApps.Sqlite1)]
public sealed class SqliteImportQualityPagesTests(SqliteApp app) : ImportQualityPagesTests<SqliteApp>(app);
