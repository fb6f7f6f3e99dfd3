using FundAudit.Api.Features.GrantIngest.Imports;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// The grant ingest's use cases as another feature calls them (the console's portfolio and imports pages): the
/// feature's own handlers, bound to its services, so that the caller never reaches its stores.
/// </summary>
internal sealed class GrantIngestUseCases(
    GrantStore grants,
    SensitiveGrantStore sensitive,
    GrantImportStore imports,
    IImportUploadStore uploads,
    Hangfire.IBackgroundJobClient jobs,
    TimeProvider clock,
    GrantImportOptions importOptions
)
{
    /// <summary>The currencies of the caller's grants, most used first.</summary>
    public async Task<IReadOnlyList<ListGrantCurrencies.Item>> ListCurrenciesAsync(
        ClaimsPrincipal user,
        CancellationToken ct
    ) => (await ListGrantCurrencies.HandleAsync(user, grants, ct)).Value!;

    /// <summary>GET /api/grants/imports.</summary>
    public async Task<ListGrantImports.Response> ListImportsAsync(
        ListGrantImports.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => (await ListGrantImports.HandleAsync(request, user, imports, ct)).Value!;

    /// <summary>GET /api/grants/imports/{id}.</summary>
    public Task<Results<Ok<GrantImportView>, ProblemHttpResult>> GetImportAsync(
        long id,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => GetGrantImport.HandleAsync(id, user, imports, ct);

    /// <summary>GET /api/grants/imports/{id}/errors in the format asked (csv or json).</summary>
    public Task<Results<Ok<GetGrantImportErrors.Response>, ContentHttpResult, ProblemHttpResult>> GetImportErrorsAsync(
        long id,
        string format,
        HttpContext http,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => GetGrantImportErrors.HandleAsync(id, format, http, user, imports, ct);

    /// <summary>POST /api/grants/imports/{id}/retry.</summary>
    public Task<Results<Accepted<GrantImportView>, ProblemHttpResult>> RetryImportAsync(
        long id,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => RetryGrantImport.HandleAsync(id, user, imports, uploads, jobs, ct);

    /// <summary>POST /api/grants/imports with a file already read (the console's upload form): stores it and queues
    /// its job.</summary>
    public Task<Results<Accepted<GrantImportView>, ProblemHttpResult>> UploadImportAsync(
        Stream file,
        string fileName,
        string? dateFormat,
        ClaimsPrincipal user,
        CancellationToken ct
    ) =>
        UploadGrantImport.StoreAsync(
            file,
            fileName,
            dateFormat,
            user,
            new ImportStorage(imports, uploads, jobs, clock, importOptions.MaxFileBytes),
            ct
        );

    /// <summary>PUT /api/grants/by-id/{id}/sensitive for a decoded identifier (the console's form).</summary>
    public Task<Results<Ok<SetGrantSensitive.Response>, ProblemHttpResult>> SetSensitiveAsync(
        string id,
        bool value,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => SetGrantSensitive.SetAsync(id, new SetGrantSensitive.Request(value), user, sensitive, ct);

    /// <summary>GET /api/grants/sensitive.</summary>
    public async Task<ListSensitiveGrants.Response> ListSensitiveAsync(
        ListSensitiveGrants.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => (await ListSensitiveGrants.HandleAsync(request, user, sensitive, ct)).Value!;
}
