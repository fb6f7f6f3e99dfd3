namespace FundAudit.Api.Features.GrantIngest;

/// <summary>What the handlers of one grant are given: its identifier as the route gives it (read again from the raw
/// path by <see cref="Identifier"/>), the request, the caller and the grants.</summary>
internal sealed record GrantByIdRoute(
    [property: FromRoute(Name = "id")] string Id,
    HttpContext Http,
    ClaimsPrincipal User,
    [FromServices] GrantStore Store
)
{
    /// <summary>The grant's 360Giving identifier as the client sent it, "%2F" included (see
    /// <see cref="GrantIdentifier.FromPath"/>).</summary>
    public string Identifier => GrantIdentifier.FromPath(Http, Id);
}

/// <summary>GET /api/grants/{id}: one grant by its 360Giving identifier (URL-encoded). Another funder's grant is
/// 404.</summary>
internal static class GetGrant
{
    public static async Task<Results<Ok<GivingGrant>, ProblemHttpResult>> HandleAsync(
        [AsParameters] GrantByIdRoute grant,
        CancellationToken ct
    )
    {
        var id = grant.Identifier;
        var row = await grant.Store.FindAsync(grant.User.FunderId(), id, ct);
        return row is null ? GrantProblems.NotFound(id) : TypedResults.Ok(GrantViews.ToView(row));
    }
}

/// <summary>DELETE /api/grants/{id}: removes one grant of the caller's funder. Another funder's grant is 404.</summary>
internal static class DeleteGrant
{
    public static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(
        [AsParameters] GrantByIdRoute grant,
        CancellationToken ct
    )
    {
        var id = grant.Identifier;
        return await grant.Store.DeleteAsync(grant.User.FunderId(), id, ct)
            ? TypedResults.NoContent()
            : GrantProblems.NotFound(id);
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
