using Microsoft.Extensions.Options;

namespace FundAudit.Api.Features.Audit.Publish;

/// <summary>
/// The 360Giving exports as another feature calls them (the console's publish page): the API's own handlers, bound to
/// their services, so that the console's downloads are exactly what the API answers for the same principal.
/// </summary>
internal sealed class PublishUseCases(
    GivingExportStore store,
    GrantAnonymiser anonymiser,
    IOptions<AuditOptions> options,
    TimeProvider clock
)
{
    /// <summary>GET /api/audit/export/360giving.json.</summary>
    public Task<Results<Ok<ExportGiving.Package>, ProblemHttpResult>> JsonAsync(
        ExportGiving.Request request,
        ClaimsPrincipal user,
        HttpContext http
    ) => ExportGiving.JsonAsync(request, user, store, anonymiser, options, clock, http);

    /// <summary>GET /api/audit/export/360giving.csv.</summary>
    public Task<Results<PushStreamHttpResult, ProblemHttpResult>> CsvAsync(
        ExportGiving.Request request,
        ClaimsPrincipal user,
        HttpContext http
    ) => ExportGiving.CsvAsync(request, user, store, anonymiser, options, http);
}
