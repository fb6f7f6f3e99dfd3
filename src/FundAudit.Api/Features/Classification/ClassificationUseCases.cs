namespace FundAudit.Api.Features.Classification;

/// <summary>
/// The classification's use cases as another feature calls them (the console's review queue): the API's own
/// handlers, bound to the classification's services, so that the caller never reaches its store.
/// </summary>
internal sealed class ClassificationUseCases(ClassificationStore store, TimeProvider clock)
{
    /// <summary>GET /api/classification/review.</summary>
    public async Task<ListReviewQueue.Response> ListReviewQueueAsync(
        ListReviewQueue.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => (await ListReviewQueue.HandleAsync(request, user, store, ct)).Value!;

    /// <summary>
    /// PUT /api/grants/{id}/classification for a decoded identifier; the request must have passed its validator.
    /// </summary>
    public Task<Results<Ok<SetCorrection.Response>, ProblemHttpResult>> CorrectAsync(
        string id,
        SetCorrection.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => SetCorrection.CorrectAsync(id, request, user, store, clock, ct);
}
