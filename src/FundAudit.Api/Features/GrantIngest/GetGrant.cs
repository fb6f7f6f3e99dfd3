namespace FundAudit.Api.Features.GrantIngest;

/// <summary>GET /api/grants/{id}: one grant by its 360Giving identifier (URL-encoded). Another funder's grant is
/// 404.</summary>
internal static class GetGrant
{
    public static async Task<Results<Ok<GivingGrant>, ProblemHttpResult>> HandleAsync(
        string id,
        HttpContext http,
        ClaimsPrincipal user,
        GrantStore store,
        CancellationToken ct
    )
    {
        id = GrantIdentifier.FromPath(http, id);
        var row = await store.FindAsync(user.FunderId(), id, ct);
        return row is null ? GrantProblems.NotFound(id) : TypedResults.Ok(GrantViews.ToView(row));
    }
}

/// <summary>DELETE /api/grants/{id}: removes one grant of the caller's funder. Another funder's grant is 404.</summary>
internal static class DeleteGrant
{
    public static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(
        string id,
        HttpContext http,
        ClaimsPrincipal user,
        GrantStore store,
        CancellationToken ct
    )
    {
        id = GrantIdentifier.FromPath(http, id);
        return await store.DeleteAsync(user.FunderId(), id, ct) ? TypedResults.NoContent() : GrantProblems.NotFound(id);
    }
}

internal static class GrantProblems
{
    public static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: ProblemText.T("Title_GrantNotFound"),
            detail: ProblemText.T("Use_GrantNotFound"),
            extensions: new Dictionary<string, object?> { ["identifier"] = id.Length > 100 ? id[..100] : id }
        );
}
