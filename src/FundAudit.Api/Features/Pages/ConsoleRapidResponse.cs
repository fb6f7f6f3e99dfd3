using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Features.Pages.Components;
using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.Pages;

internal sealed record RequestListData(
    IReadOnlyList<FundView> Funds,
    ListRequests.Request Filter,
    IReadOnlyList<RequestSummary> Items,
    long? Next
);

internal sealed record RequestPageData(
    GetRequestSummary.Response Summary,
    IReadOnlyList<ListRequestEvents.Item> Events,
    GetRequest.Response? Revealed,
    string SubmissionKey
);

/// <summary>What the request page's handlers are given: the request, the case's reference (from the route), the
/// signed-in person, and the rapid-response use cases (the workflow's summary read too).</summary>
internal sealed record RequestPage(
    HttpContext Http,
    [FromRoute] string Reference,
    ClaimsPrincipal User,
    [FromServices] RequestWorkflow Workflow,
    [FromServices] EmergencyRequestsUseCases RapidResponse
);

/// <summary>
/// The console's rapid-response pages: the response-time dashboard, the request list and the request page with its
/// actions. Every read and every action goes through the rapid-response use cases, so the same rules as the API hold.
/// </summary>
internal static partial class ConsoleRapidResponse
{
    /// <summary>The goals an officer is measured on, in order, with their names on the page.</summary>
    public static IReadOnlyList<(string Key, string Name)> Goals =>
        [
            ("time_to_acknowledge", ConsoleText.T("Goal_time_to_acknowledge")),
            ("time_to_decision", ConsoleText.T("Goal_time_to_decision")),
            ("time_to_disbursement", ConsoleText.T("Goal_time_to_disbursement")),
        ];

    public static async Task<IResult> ListAsync(
        HttpContext http,
        string? fund,
        string? state,
        string? tier,
        string? sla,
        long? cursor,
        ClaimsPrincipal user,
        [FromServices] EmergencyRequestsUseCases rapidResponse,
        CancellationToken ct
    )
    {
        var funds = await rapidResponse.ListFundsAsync(user, ct);
        var filter = new ListRequests.Request
        {
            Fund = ConsoleForms.Blank(fund),
            State = Known<RequestState>(state),
            Tier = Known<UrgencyTier>(tier),
            Sla = sla is "at_risk" or "breached" ? sla : null,
            Limit = 50,
            Cursor = cursor,
        };
        var result = await rapidResponse.ListRequestsAsync(filter, user, ct);
        var page = (result.Result as Ok<ListRequests.Response>)?.Value;
        return ConsoleRender.Page<ConsoleRequests>(
            http,
            ConsoleText.T("Requests_Title"),
            "requests",
            new RequestListData(funds, filter, page?.Items ?? [], page?.Next),
            notice: page is null ? ConsoleText.T("Requests_NoFund") : null,
            noticeIsError: page is null
        );
    }

    public static Task<IResult> ShowAsync([AsParameters] RequestPage page, CancellationToken ct) =>
        RenderRequestAsync(page, null, false, null, ct);

    /// <summary>The deliberate click that opens the sensitive fields: the use case writes it to the access
    /// log.</summary>
    public static async Task<IResult> RevealAsync([AsParameters] RequestPage page, CancellationToken ct)
    {
        var request = page.Http.Request;
        var purpose = request.HasFormContentType ? request.Form["purpose"].ToString() : null;
        var revealed = (await page.RapidResponse.GetRequestAsync(page.Reference, purpose, page.User, ct)).Result;
        if (revealed is ProblemHttpResult { StatusCode: StatusCodes.Status403Forbidden } refused)
        {
            var detail = refused.ProblemDetails.Detail;
            return await RenderRequestAsync(page, detail, true, null, ct, refused.StatusCode);
        }

        var value = (revealed as Ok<GetRequest.Response>)?.Value;
        return await RenderRequestAsync(page, null, false, value, ct);
    }

    public static async Task<IResult> ActAsync([AsParameters] RequestPage page, string action, CancellationToken ct)
    {
        Task<IResult> Render(string? notice, bool noticeIsError, int status = StatusCodes.Status200OK) =>
            RenderRequestAsync(page, notice, noticeIsError, null, ct, status);

        var form = page.Http.Request.Form;
        int? version = int.TryParse(form["version"], NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : null;
        if (version is null)
        {
            return await Render(ConsoleText.T("Request_Incomplete"), true);
        }

        var result = await ActionResultAsync(form, page, action, version, ct);
        if (result is ProblemHttpResult problem)
        {
            var detail = problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title;
            return await Render(detail, true, problem.StatusCode);
        }

        return await Render(ConsoleText.T("Request_Done", action.Replace('-', ' ')), false);
    }

    /// <summary>Runs the form's action through its use case (the same as the API's).</summary>
    private static async Task<IResult> ActionResultAsync(
        IFormCollection form,
        RequestPage page,
        string action,
        int? version,
        CancellationToken ct
    )
    {
        var (reference, user) = (page.Reference, page.User);
        string? Text(string name) => form[name].ToString() is { Length: > 0 } t ? t : null;
        async Task<IResult> Run<TTransition, TBody>(TBody body)
            where TTransition : IStaffTransition<TBody>
            where TBody : IVersionedBody =>
            (await StaffTransition<TTransition, TBody>.HandleAsync(reference, body, user, page.Workflow, ct)).Result;

        return action switch
        {
            "acknowledge" => await Run<AcknowledgeRequest, Decisions.VersionedRequest>(new(version)),
            "ask" when Text("question") is { Length: <= 4000 } q => await Run<AskApplicant, Decisions.AskRequest>(
                new(version, q)
            ),
            "approve" when Text("amount") is null || Amount(Text("amount")) is not null => await Run<
                ApproveRequest,
                Decisions.ApproveRequest
            >(new(version, Amount(Text("amount")))),
            "approve" => TypedResults.Problem(
                title: ConsoleText.T("Request_AmountTitle"),
                detail: ConsoleText.T("Request_AmountProblem"),
                statusCode: StatusCodes.Status422UnprocessableEntity
            ),
            "decline" when Text("reason") is { Length: <= 4000 } r => await Run<
                DeclineRequest,
                Decisions.DeclineRequest
            >(new(version, r)),
            "close" => await Run<CloseRequest, Decisions.VersionedRequest>(new(version)),
            "payment-details" when Text("details") is { Length: <= 2000 } d => await Run<
                RecordPaymentDetails,
                RecordPaymentDetails.Request
            >(new(version, d)),
            "disburse"
                when Text("method") is { Length: <= 64 } m && Text("submission") is { Length: >= 16 and <= 64 } key => (
                await page.RapidResponse.RecordDisbursementAsync(
                    reference,
                    new(version, m, Text("reference") is { Length: <= 200 } pr ? pr : null),
                    "console:" + key,
                    user,
                    ct
                )
            ).Result,
            _ => TypedResults.Problem(
                title: ConsoleText.T("Shred_Missing_Title"),
                detail: ConsoleText.T("Request_Missing"),
                statusCode: StatusCodes.Status422UnprocessableEntity
            ),
        };
    }

    private static async Task<IResult> RenderRequestAsync(
        RequestPage page,
        string? notice,
        bool noticeIsError,
        GetRequest.Response? revealed,
        CancellationToken ct,
        int status = StatusCodes.Status200OK
    )
    {
        var (http, reference, user) = (page.Http, page.Reference, page.User);
        if (await GetRequestSummary.HandleAsync(reference, user, page.Workflow, ct) is not { } summary)
        {
            return ConsoleRender.Message(
                http,
                ConsoleText.T("NotFound_Title"),
                ConsoleText.T("Shred_NoRequest"),
                StatusCodes.Status404NotFound
            );
        }

        var events =
            (await page.RapidResponse.ListRequestEventsAsync(reference, user, ct)).Result
            as Ok<ListRequestEvents.Response>;
        var submissionKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        return ConsoleRender.Page<ConsoleRequest>(
            http,
            ConsoleText.T("Request_Title", summary.Request.Reference),
            "requests",
            new RequestPageData(summary, events?.Value?.Items ?? [], revealed, submissionKey),
            notice,
            noticeIsError,
            status
        );
    }

    /// <summary>The running goal that falls due first (paused, met and cancelled goals wait on nobody).</summary>
    public static GoalView? NextGoal(RequestSummary request) =>
        request.Goals.Where(g => g.Status is "running" or "at_risk" or "breached").MinBy(g => g.RemainingSeconds);

    /// <summary>"3 h 20 min", "−45 min" (overdue), "2 d 4 h".</summary>
    public static string Duration(long seconds)
    {
        var sign = seconds < 0 ? "−" : "";
        var span = TimeSpan.FromSeconds(Math.Abs(seconds));
        return sign
            + (
                span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
                : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
                : $"{span.Minutes} min"
            );
    }

    public static string Hours(long? seconds) => seconds is { } s ? ConsoleFormat.Number(s / 3600m, "0.0") + " h" : "—";

    public static string Percent(double? share) =>
        share is { } s ? ConsoleFormat.Number((decimal)(s * 100), "0") + " %" : "—";

    private static decimal? Amount(string? typed) =>
        TypedAmount.TryParse(PageLanguage.NormalizeNumber(typed ?? ""), out var a) ? a : null;

    private static string? Known<TEnum>(string? value)
        where TEnum : struct, Enum => WireName.TryParse<TEnum>(value, out _) ? value!.Trim().ToLowerInvariant() : null;
}
