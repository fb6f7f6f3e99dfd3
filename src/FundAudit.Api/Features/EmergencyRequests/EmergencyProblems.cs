using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>ProblemDetails of the workflow. Messages never contain what a person typed.</summary>
internal static class EmergencyProblems
{
    public static ProblemHttpResult Stale(int? current) =>
        TypedResults.Problem(
            title: ProblemText.T("Title_RequestChanged"),
            detail: ProblemText.T("Use_RequestChanged"),
            statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["code"] = "stale_version", ["currentVersion"] = current }
        );

    public static ProblemHttpResult Refused(TransitionDecision decision) =>
        TypedResults.Problem(
            title: "Not allowed",
            detail: decision.Message,
            statusCode: decision.Refusal switch
            {
                RefusalCode.RoleNotPermitted => StatusCodes.Status403Forbidden,
                RefusalCode.ActorIdRequired
                or RefusalCode.AmountRequired
                or RefusalCode.AmountNotPositive
                or RefusalCode.AmountAboveMaximum
                or RefusalCode.AmountMismatch
                or RefusalCode.ReasonRequired => StatusCodes.Status422UnprocessableEntity,
                _ => StatusCodes.Status409Conflict,
            },
            extensions: new Dictionary<string, object?> { ["code"] = decision.RefusalCodeName }
        );

    public static ProblemHttpResult RequestNotFound() =>
        ProblemText.Problem(StatusCodes.Status404NotFound, "Title_NotFound", "Use_RequestNotFound");

    public static ProblemHttpResult FundNotFound() =>
        ProblemText.Problem(StatusCodes.Status404NotFound, "Title_NotFound", "Use_FundAddressNotFound");

    /// <summary>The same answer for a mistyped, unknown or purged case code.</summary>
    public static ProblemHttpResult CaseNotFound() =>
        TypedResults.Problem(
            title: "Not found",
            detail: "No request matches this case code. Check the code and try again.",
            statusCode: StatusCodes.Status404NotFound
        );

    /// <summary>A shredded case keeps no sensitive field: nothing can be written into it (409).</summary>
    public static ProblemHttpResult Shredded() =>
        TypedResults.Problem(
            title: ProblemText.T("Title_Shredded"),
            detail: ProblemText.T("Use_CaseShredded"),
            statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["code"] = "case_shredded" }
        );

    public static ProblemHttpResult Unprocessable(string field, string message) =>
        TypedResults.Problem(
            title: "The request is not valid.",
            detail: message,
            statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?> { ["field"] = field }
        );
}
