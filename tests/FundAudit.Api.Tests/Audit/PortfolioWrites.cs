using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.Audit.Quality;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The writes the stored-aggregate tests (<c>GrantDayTotalsTests</c>, <c>GrantQualityTotalsTests</c>,
/// <c>QualityFlagsTests</c>) make to one tenant's portfolio between their checks, through the API and the real jobs:
/// imports, corrections, a re-classification, deletes, and SQL straight on the grants (as older rows or a purge leave
/// them).
/// </summary>
internal sealed class PortfolioWrites(FundAuditApp app, Tenant tenant)
{
    public static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    /// <summary>The quality report's query over every award date, in EUR, optionally for one source.</summary>
    public static MixQuery WholeQualityQuery(QualityCalculator calculator, string? source = null) =>
        GetQuality.ToQuery(
            new GetQuality.Request
            {
                From = new DateOnly(1800, 1, 1),
                To = new DateOnly(2200, 12, 31),
                Currency = "EUR",
                Source = source,
            },
            calculator.Options
        );

    /// <summary>Uploads <paramref name="file"/> to import (202); the import's id.</summary>
    public async Task<long> UploadAsync(HttpContent file) =>
        (
            await HttpAssert.OkJsonAsync(
                await tenant.Client.PostAsync("/api/grants/imports", file),
                HttpStatusCode.Accepted
            )
        )
            .GetProperty("id")
            .GetInt64();

    /// <summary>Uploads <paramref name="file"/> and runs the import (the service's job, or <paramref name="job"/>),
    /// which must succeed; the import as the API answers it.</summary>
    public async Task<JsonElement> ImportAsync(HttpContent file, GrantImportJob? job = null)
    {
        var id = await UploadAsync(file);
        await (job ?? app.Services.GetRequiredService<GrantImportJob>()).RunAsync(id, CancellationToken.None);
        var import = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
        Assert.True(import.GetProperty("status").GetString() == "succeeded", import.GetRawText());
        return import;
    }

    /// <summary>Sets (or changes) the correction of grant <paramref name="id"/>.</summary>
    public async Task CorrectAsync(string id, object body) =>
        await HttpAssert.OkJsonAsync(await tenant.Client.PutAsJsonAsync($"/api/grants/{id}/classification", body));

    /// <summary>Removes the correction of grant <paramref name="id"/> (204).</summary>
    public async Task RemoveCorrectionAsync(string id) =>
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await tenant.Client.DeleteAsync($"/api/grants/{id}/classification")).StatusCode
        );

    /// <summary>Deletes grant <paramref name="id"/> (204).</summary>
    public async Task DeleteAsync(string id) =>
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Client.DeleteAsync($"/api/grants/{id}")).StatusCode);

    /// <summary>Saves the funder's rules as <paramref name="version"/> with "zebra" a campaign term (202) and runs the
    /// re-classification job the change starts.</summary>
    public async Task ReclassifyZebraAsync(string version)
    {
        var rules = JsonNode.Parse(await tenant.Client.GetStringAsync("/api/classification/rules"))!["rules"]!;
        rules["version"] = version;
        rules["purpose"]!["terms"]!["campaign"]!["zebra"] = 10;
        var put = await HttpAssert.OkJsonAsync(
            await tenant.Client.PutAsync("/api/classification/rules", Giving.Json(rules)),
            HttpStatusCode.Accepted
        );
        using var scope = app.Services.CreateScope();
        await scope
            .ServiceProvider.GetRequiredService<ReclassifyPortfolioJob>()
            .RunAsync(tenant.FunderId, put.GetProperty("revision").GetInt64(), CancellationToken.None);
    }

    /// <summary>Runs the script of migration <paramref name="file"/> (in migrations/sqlite or migrations/postgres, for
    /// the app's engine) again, as the service ran it when the database was migrated.</summary>
    public async Task RunMigrationAsync(string file) => await ExecuteAsync(await MigrationAsync(file));

    /// <summary>The script of migration <paramref name="file"/> for the app's engine (migrations/sqlite or
    /// migrations/postgres).</summary>
    public Task<string> MigrationAsync(string file) =>
        File.ReadAllTextAsync(
            Path.Combine(RepoPaths.Root, "migrations", app is PostgresApp ? "postgres" : "sqlite", file)
        );

    /// <summary>Runs <paramref name="sql"/> straight on the database, with <c>@FunderId</c> the tenant's.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        await connection.ExecuteAsync(sql, new { tenant.FunderId });
    }

    /// <summary>The one value <paramref name="sql"/> reads straight from the database, with <c>@FunderId</c> the
    /// tenant's.</summary>
    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<T>(sql, new { tenant.FunderId });
    }
}
