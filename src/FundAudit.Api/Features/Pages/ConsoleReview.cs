using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.Pages.Components;

namespace FundAudit.Api.Features.Pages;

/// <summary>A correction form that was refused: what was typed (kept on the page) and what to fix, by field.</summary>
internal sealed record ReviewAttempt(
    string Id,
    string? Level,
    string? Purpose,
    string? Reason,
    IReadOnlyDictionary<string, string> Errors
);

internal sealed record ReviewData(
    ListReviewQueue.Response Queue,
    long? Cursor,
    bool CanCorrect,
    ReviewAttempt? Attempt
);

/// <summary>
/// The console's review queue: grants whose level or purpose is unclassified or of low confidence, each with a form
/// that
/// stores a manual correction through the classification's own use case and validator (the same rules as
/// PUT /api/grants/{id}/classification). Only administrators and analysts may correct; officers read.
/// </summary>
internal static class ConsoleReview
{
    public const int PageSize = 50;

    /// <summary>The values a person may choose (TAXONOMY.md): never "unclassified".</summary>
    public static readonly string[] Levels = ["global", "regional", "national", "local"];

    public static readonly string[] Purposes = ["prevention", "collective", "emergency", "campaign", "other"];

    /// <summary>Who may write a correction: the API's PortfolioWrite roles.</summary>
    public static bool CanCorrect(ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Analyst);

    public static Task<IResult> ShowAsync(
        HttpContext http,
        long? cursor,
        ClaimsPrincipal user,
        [FromServices] ClassificationUseCases classification,
        CancellationToken ct
    ) => RenderAsync(http, cursor, user, classification, null, null, false, StatusCodes.Status200OK, ct);

    public static async Task<IResult> CorrectAsync(
        HttpContext http,
        string id,
        ClaimsPrincipal user,
        [FromServices] ClassificationUseCases classification,
        [FromServices] IValidator<SetCorrection.Request> validator,
        CancellationToken ct
    )
    {
        id = GrantIdentifier.FromPath(http, id);
        var form = http.Request.Form;
        long? cursor =
            long.TryParse(form["cursor"], NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c > 0
                ? c
                : null;
        var request = new SetCorrection.Request(
            ConsoleForms.Blank(form["level"]),
            ConsoleForms.Blank(form["purpose"]),
            null,
            ConsoleForms.Blank(form["reason"])
        );

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        await ConsoleForms.ValidateAsync(validator, request, errors, ct);
        if (errors.Count > 0)
        {
            var attempt = new ReviewAttempt(id, request.Level, request.Purpose, request.Reason, errors);
            return await RenderAsync(
                http,
                cursor,
                user,
                classification,
                attempt,
                ConsoleText.T("Review_NotSaved", id),
                true,
                StatusCodes.Status400BadRequest,
                ct
            );
        }

        var result = (await classification.CorrectAsync(id, request, user, ct)).Result;
        if (result is ProblemHttpResult problem)
        {
            var detail = problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title;
            return await RenderAsync(http, cursor, user, classification, null, detail, true, problem.StatusCode, ct);
        }

        var saved = ((Ok<SetCorrection.Response>)result).Value!;
        return await SavedAsync(http, id, cursor, saved, user, classification, ct);
    }

    /// <summary>
    /// The queue again after a saved correction, with a notice of what was set and whether the grant left the queue.
    /// </summary>
    private static async Task<IResult> SavedAsync(
        HttpContext http,
        string id,
        long? cursor,
        SetCorrection.Response saved,
        ClaimsPrincipal user,
        ClassificationUseCases classification,
        CancellationToken ct
    )
    {
        var set = string.Join(
            " and ",
            new[]
            {
                saved.Level is { } l ? ConsoleText.T("Review_SetLevel", l) : null,
                saved.Purpose is { } p ? ConsoleText.T("Review_SetPurpose", p) : null,
            }.OfType<string>()
        );
        var queue = await QueueAsync(cursor, user, classification, ct);
        var still = queue.Items.FirstOrDefault(i => i.Id == id);
        var notice = still is null
            ? ConsoleText.T("Review_SavedLeft", id, set)
            : ConsoleText.T("Review_SavedStays", id, set, string.Join(ConsoleText.T("Review_And"), still.Needs));
        return ConsoleRender.Page<ConsoleReviewPage>(
            http,
            ConsoleText.T("Review_Title"),
            "review",
            new ReviewData(queue, cursor, CanCorrect(user), null),
            notice
        );
    }

    private static async Task<IResult> RenderAsync(
        HttpContext http,
        long? cursor,
        ClaimsPrincipal user,
        ClassificationUseCases classification,
        ReviewAttempt? attempt,
        string? notice,
        bool noticeIsError,
        int status,
        CancellationToken ct
    )
    {
        var queue = await QueueAsync(cursor, user, classification, ct);
        var data = new ReviewData(queue, cursor, CanCorrect(user), attempt);
        return ConsoleRender.Page<ConsoleReviewPage>(
            http,
            ConsoleText.T("Review_Title"),
            "review",
            data,
            notice,
            noticeIsError,
            status
        );
    }

    private static Task<ListReviewQueue.Response> QueueAsync(
        long? cursor,
        ClaimsPrincipal user,
        ClassificationUseCases classification,
        CancellationToken ct
    ) =>
        classification.ListReviewQueueAsync(
            new ListReviewQueue.Request(PageSize, cursor is > 0 ? cursor : null),
            user,
            ct
        );

    /// <summary>A confidence as a percentage, or a dash when the engine gave none.</summary>
    public static string Confidence(double? confidence) =>
        confidence is { } c ? ConsoleFormat.Number((decimal)(c * 100), "0") + " %" : "—";

    /// <summary>The form field ids of one grant's row: unique in the page whatever the identifier holds.</summary>
    public static string FieldId(string field, int row) => $"{field}-{row.ToString(CultureInfo.InvariantCulture)}";
}
