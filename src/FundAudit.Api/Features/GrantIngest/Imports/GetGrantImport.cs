namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>GET /api/grants/imports/{id}: status and progress of one import of the caller's funder (another funder's is
/// 404).</summary>
internal static class GetGrantImport
{
    public static async Task<Results<Ok<GrantImportView>, ProblemHttpResult>> HandleAsync(
        long id,
        ClaimsPrincipal user,
        [FromServices] GrantImportStore store,
        CancellationToken ct
    )
    {
        var import = await store.FindAsync(user.FunderId(), id, ct);
        return import is null ? GrantImportProblems.NotFound() : TypedResults.Ok(GrantImportView.Of(import));
    }
}
