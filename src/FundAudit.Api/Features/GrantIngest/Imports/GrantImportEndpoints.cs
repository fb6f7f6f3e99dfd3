using FundAudit.Api.Features.GrantIngest.Imports.Loaders;
using FundAudit.Api.Infrastructure;
using FundAudit.Api.Infrastructure.Jobs;
using Hangfire;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace FundAudit.Api.Features.GrantIngest.Imports;

internal static class GrantImportEndpoints
{
    public static IServiceCollection AddGrantImports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.Bound<GrantImportOptions>(GrantImportOptions.Section));
        services.AddSingleton<GrantImportStore>();
        services.AddSingleton<ImportFiles>();
        services.AddSingleton<FolderUploadStore>();
        services.AddSingleton<DatabaseUploadStore>();
        services.AddPerEngine<IImportUploadStore>(
            sqlite: sp => UploadStore(sp, "folder"),
            postgres: sp => UploadStore(sp, "database"),
            sqlServer: sp => UploadStore(sp, "database")
        );
        services.TryAddSingleton<IImportFaultInjector, NoImportFaults>();
        services.AddPerEngine<IGrantLoader, SqliteGrantLoader, PostgresGrantLoader, SqlServerGrantLoader>();
        services.AddTransient<GrantImportJob>();
        services.AddTransient<LeftoverUploadCleanupJob>();
        services.AddRecurringJob<LeftoverUploadCleanupJob>(
            LeftoverUploadCleanupJob.RecurringId,
            j => j.RunAsync(CancellationToken.None),
            Cron.Hourly(17)
        );
        services.AddScoped<FluentValidation.IValidator<UploadGrantImport.Request>, UploadGrantImport.Validator>();
        services.AddScoped<FluentValidation.IValidator<ListGrantImports.Request>, ListGrantImports.Validator>();
        return services;
    }

    /// <summary>The store <c>Imports:UploadStore</c> names, or the engine's default.</summary>
    private static IImportUploadStore UploadStore(IServiceProvider sp, string engineDefault)
    {
        var configured = sp.GetRequiredService<GrantImportOptions>().UploadStore?.Trim().ToLowerInvariant();
        return (string.IsNullOrEmpty(configured) ? engineDefault : configured) switch
        {
            "database" => sp.GetRequiredService<DatabaseUploadStore>(),
            "folder" => sp.GetRequiredService<FolderUploadStore>(),
            var other => throw new InvalidOperationException(
                $"Imports:UploadStore '{other}' is not one of database, folder."
            ),
        };
    }

    public static IEndpointRouteBuilder MapGrantImports(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<GrantImportOptions>();
        var imports = app.MapGroup("/api/grants/imports")
            .WithTags("Grant imports")
            .RequireAuthorization(Policies.PortfolioRead);

        imports
            .MapPost("/", UploadGrantImport.HandleAsync)
            .WithName("UploadGrantImport")
            .WithSummary("Upload a grants CSV, XLSX workbook or 360Giving JSON package for import")
            .WithDescription(
                "Takes a 360Giving flat CSV or FundAudit's template (GET /api/grants/imports/template) as a text/csv "
                    + "body, or an XLSX workbook (the 360Giving spreadsheet, with its linked sheets joined by "
                    + "Identifier, or any sheet whose header row follows the CSV rules) as an "
                    + Xlsx.GrantXlsxReader.MediaType
                    + " body, or a 360Giving JSON package of any size up to the file limit (read grant by grant; a "
                    + "bad grant is a row error named by its JSON path, grants[12].amountAwarded) as an "
                    + "application/json body, or any of them as the file part of "
                    + "multipart/form-data, with optional dateFormat (DD/MM/YYYY or MM/DD/YYYY) for files whose slash "
                    + "dates cannot decide. Row errors of a workbook name the sheet and cell (grants!F12). "
                    + "Answers 202 with Location of the import; a background job checks the file (a refused file names "
                    + "the missing column or the problem), then loads its valid rows all together or not at all, "
                    + "upserted by (funder, identifier). Rejected rows are listed by GET …/errors. When several rows "
                    + "share an identifier the last one wins. Uploading the same file again (same SHA-256 and "
                    + "dateFormat) is a new import that changes nothing: it reports "
                    + "sameFileAs (the earlier import) and, once run, created 0, updated 0 and every row unchanged."
            )
            .RequireAuthorization(Policies.PortfolioWrite)
            .WithMetadata(new RequestSizeLimitAttribute(options.MaxRequestBytes))
            .Accepts<Stream>("text/csv", Xlsx.GrantXlsxReader.MediaType, "multipart/form-data", "application/json")
            .WithValidation<UploadGrantImport.Request>(Status413PayloadTooLarge, Status415UnsupportedMediaType);

        imports
            .MapGet("/", ListGrantImports.HandleAsync)
            .WithName("ListGrantImports")
            .WithSummary("List CSV imports, newest first")
            .WithValidation<ListGrantImports.Request>();

        imports
            .MapGet("/template", GetGrantImportTemplate.Handle)
            .WithName("GetGrantImportTemplate")
            .WithSummary("Download FundAudit's grants CSV template")
            .Produces<string>(Status200OK, "text/csv");

        imports
            .MapGet("/{id:long}", GetGrantImport.HandleAsync)
            .WithName("GetGrantImport")
            .WithSummary("Get an import's status, progress and result");

        MapRetry(imports);

        imports
            .MapGet("/{id:long}/errors", GetGrantImportErrors.HandleAsync)
            .WithName("GetGrantImportErrors")
            .WithSummary("List an import's rejected rows, as JSON or CSV (Accept: text/csv or ?format=csv)");

        return app;
    }

    private static void MapRetry(RouteGroupBuilder imports) =>
        imports
            .MapPost("/{id:long}/retry", RetryGrantImport.HandleAsync)
            .WithName("RetryGrantImport")
            .WithSummary("Retry a failed or interrupted import")
            .WithDescription(
                "Queues a failed import, or an interrupted one (its worker's heartbeat stopped: the process died), "
                    + "again and answers 202 with the import. The new run starts over from the stored upload and "
                    + "loads all of its valid rows or none. 409 (code not_retryable) when the import is queued, "
                    + "waiting, running, succeeded or refused, or its file is no longer stored."
            )
            .RequireAuthorization(Policies.PortfolioWrite)
            .ProducesProblem(Status409Conflict);
}
