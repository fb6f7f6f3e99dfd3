using FundAudit.Api.Features.GrantIngest;
using FundAudit.Core.Classification;

namespace FundAudit.Api.Features.Classification;

/// <summary>
/// PUT /api/grants/{id}/classification: a person's correction of level, purpose and/or flexibility, with the reason.
/// It wins over explicit data and rules, and survives every re-classification until removed.
/// </summary>
internal static class SetCorrection
{
    /// <param name="Level">global, regional, national or local (omit to leave the level to the data and rules).</param>
    /// <param name="Purpose">prevention, collective, emergency, campaign or other.</param>
    /// <param name="Flexible">Whether the grant is core/flexible funding.</param>
    /// <param name="Reason">Why, for the next person (required).</param>
    public sealed record Request(string? Level, string? Purpose, bool? Flexible, string? Reason);

    public sealed record Response(
        string Id,
        string? Level,
        string? Purpose,
        bool? Flexible,
        string Reason,
        string CorrectedBy,
        DateTimeOffset CorrectedAt
    );

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        string id,
        Request request,
        HttpContext http,
        ClaimsPrincipal user,
        [FromServices] ClassificationStore store,
        [FromServices] TimeProvider clock,
        CancellationToken ct
    ) => await CorrectAsync(GrantIdentifier.FromPath(http, id, trailingSegments: 1), request, user, store, clock, ct);

    /// <summary>
    /// The correction of a grant named by its decoded identifier, for callers whose path is not the API's (the
    /// console's
    /// review queue); the request must have passed <see cref="Validator"/>.
    /// </summary>
    public static async Task<Results<Ok<Response>, ProblemHttpResult>> CorrectAsync(
        string id,
        Request request,
        ClaimsPrincipal user,
        ClassificationStore store,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        if (await store.FindGrantIdAsync(funderId, id, ct) is not { } grantId)
        {
            return GrantProblems.NotFound(id);
        }

        var correction = new CorrectionRow
        {
            Level = request.Level?.Trim().ToLowerInvariant(),
            Purpose = request.Purpose?.Trim().ToLowerInvariant(),
            Flexible = request.Flexible,
            Reason = request.Reason!.Trim(),
            CorrectedBy = user.Actor(),
            CorrectedAt = clock.GetUtcNow(),
        };
        await store.SetCorrectionAsync(funderId, grantId, correction, ct);
        return TypedResults.Ok(
            new Response(
                id,
                correction.Level,
                correction.Purpose,
                correction.Flexible,
                correction.Reason,
                correction.CorrectedBy,
                correction.CorrectedAt
            )
        );
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        private static readonly string[] Levels = ["global", "regional", "national", "local"];
        private static readonly string[] Purposes = ["prevention", "collective", "emergency", "campaign", "other"];

        public Validator()
        {
            RuleFor(r => r)
                .Must(r => r.Level is not null || r.Purpose is not null || r.Flexible is not null)
                .WithName("level")
                .OverridePropertyName("level")
                .WithText("Correction_OneOf");
            RuleFor(r => r.Level)
                .Must(l => Levels.Contains(l!.Trim().ToLowerInvariant()))
                .When(r => r.Level is not null)
                .WithText("OneOf", string.Join(", ", Levels));
            RuleFor(r => r.Purpose)
                .Must(p => Purposes.Contains(p!.Trim().ToLowerInvariant()))
                .When(r => r.Purpose is not null)
                .WithText("OneOf", string.Join(", ", Purposes));
            RuleFor(r => r.Reason).NotEmpty().WithText("Correction_Reason").AtMost(1000);
        }
    }
}

/// <summary>DELETE /api/grants/{id}/classification: removes the correction; the data and rules decide again.</summary>
internal static class RemoveCorrection
{
    public static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(
        string id,
        HttpContext http,
        ClaimsPrincipal user,
        [FromServices] ClassificationStore store,
        CancellationToken ct
    )
    {
        id = GrantIdentifier.FromPath(http, id, trailingSegments: 1);
        var funderId = user.FunderId();
        return
            await store.FindGrantIdAsync(funderId, id, ct) is { } grantId
            && await store.RemoveCorrectionAsync(funderId, grantId, ct)
            ? TypedResults.NoContent()
            : GrantProblems.NotFound(id);
    }
}

/// <summary>GET /api/classification/review: grants whose level or purpose is unclassified or of low confidence, for a
/// person to decide.</summary>
internal static class ListReviewQueue
{
    /// <param name="Limit">1 to 500 (default 50).</param>
    /// <param name="Cursor">The <c>next</c> value of the previous page.</param>
    public sealed record Request(int? Limit, long? Cursor);

    /// <param name="Reasons">Why each dimension in <paramref name="Needs"/> waits for a person, so the cause can be
    /// fixed
    /// and not only the grant: "level: unclassified: no place known: …", "purpose: low confidence 0.32 (decision:
    /// purpose.protection.weak)".</param>
    /// <param name="Id">The grant's identifier.</param>
    /// <param name="Title">The grant's title.</param>
    /// <param name="Level">Its level (maybe unclassified).</param>
    /// <param name="LevelConfidence">The level's confidence, 0..1.</param>
    /// <param name="Purpose">Its purpose (maybe unclassified).</param>
    /// <param name="PurposeConfidence">The purpose's confidence, 0..1.</param>
    /// <param name="Needs">The dimensions that wait for a person: level, purpose or both.</param>
    public sealed record Item(
        string Id,
        string Title,
        string Level,
        double? LevelConfidence,
        string Purpose,
        double? PurposeConfidence,
        IReadOnlyList<string> Needs,
        IReadOnlyList<string> Reasons
    );

    public sealed record Response(IReadOnlyList<Item> Items, long? Next, double Threshold);

    public static async Task<Ok<Response>> HandleAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] ClassificationStore store,
        CancellationToken ct
    )
    {
        var limit = request.Limit ?? 50;
        var rows = await store.ReviewQueueAsync(
            user.FunderId(),
            request.Cursor ?? 0,
            limit + 1,
            ClassificationThresholds.Review,
            ct
        );
        var (page, next) = KeysetPage.Of(rows, limit, r => r.Id);
        return TypedResults.Ok(new Response(page.Select(ToItem).ToList(), next, ClassificationThresholds.Review));
    }

    private static Item ToItem(ReviewRow r)
    {
        var needs = new List<string>();
        var reasons = new List<string>();
        if (NeedsReview(r.CorrectedLevel, r.Level, r.LevelConfidence))
        {
            needs.Add("level");
            reasons.Add("level: " + ReasonOf(r.LevelEvidence, r.LevelConfidence));
        }

        if (NeedsReview(r.CorrectedPurpose, r.Purpose, r.PurposeConfidence))
        {
            needs.Add("purpose");
            reasons.Add("purpose: " + ReasonOf(r.PurposeEvidence, r.PurposeConfidence));
        }

        return new Item(
            r.Identifier,
            r.Title,
            r.Level,
            r.LevelConfidence,
            r.Purpose,
            r.PurposeConfidence,
            needs,
            reasons
        );
    }

    /// <summary>The evidence's own "unclassified: why" line, else the low confidence and the decision that gave
    /// it.</summary>
    internal static string ReasonOf(string? storedEvidence, double? confidence)
    {
        var lines = EvidenceCodec.Decode(storedEvidence);
        if (lines.FirstOrDefault(l => l.StartsWith("unclassified: ", StringComparison.Ordinal)) is { } why)
        {
            return why;
        }

        var decision = Evaluation.DecisionOf(lines);
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"low confidence {confidence ?? 0:0.00}{(decision is null ? "" : $" (decision: {decision})")}"
        );
    }

    private static bool NeedsReview(string? corrected, string value, double? confidence) =>
        corrected is null && (value == "unclassified" || confidence < ClassificationThresholds.Review);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Limit).InclusiveBetween(1, 500);
            RuleFor(r => r.Cursor).GreaterThanOrEqualTo(0);
        }
    }
}
