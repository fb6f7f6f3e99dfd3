namespace FundAudit.Api.Features.Audit;

/// <summary>PUT and DELETE /api/audit/targets/{id}: change a target (the body of its creation) or remove it.</summary>
internal static class EditTarget
{
    public static async Task<Results<Ok<TargetView>, ProblemHttpResult>> HandleAsync(
        long id,
        CreateTarget.Request request,
        ClaimsPrincipal user,
        [AsParameters] TargetServices s,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        if (await s.Store.TargetAsync(funderId, id, ct) is null)
        {
            return NotFound(id);
        }

        if (await CreateTarget.BaselineProblemAsync(funderId, request, s.Store, ct) is { } problem)
        {
            return problem;
        }

        var updated = await s.Store.UpdateTargetAsync(funderId, id, CreateTarget.ValuesOf(request), ct);
        if (!updated || await s.Store.TargetAsync(funderId, id, ct) is not { } target)
        {
            return NotFound(id); // deleted meanwhile
        }

        var (view, missing) = await ListTargets.ViewAsync(funderId, target, s, ct);
        return view is null ? missing! : TypedResults.Ok(view);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        long id,
        ClaimsPrincipal user,
        [FromServices] BaselineStore store,
        CancellationToken ct
    ) => await store.DeleteTargetAsync(user.FunderId(), id, ct) ? TypedResults.NoContent() : NotFound(id);

    public static ProblemHttpResult NotFound(long id) =>
        ProblemText.Problem(StatusCodes.Status404NotFound, "Title_TargetNotFound", "Use_TargetNotFound", id);
}
