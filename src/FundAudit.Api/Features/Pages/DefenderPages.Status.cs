using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Features.Pages.Components;
using Microsoft.Extensions.Localization;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The defender's status page: checking a case by its code, answering the fund's question, withdrawing.
/// </summary>
internal static partial class DefenderPages
{
    public static IResult ShowStatus(HttpContext http)
    {
        var fund = FundOf(http);
        return RenderStatus(http, fund, StatusOf(http, fund));
    }

    public static Task<IResult> CheckStatusAsync(
        HttpContext http,
        [FromServices] ApplicantCaseReader reader,
        CancellationToken ct
    ) => ShowCaseAsync(http, FundOf(http), CodeOf(http), reader, new(), ct);

    public static async Task<IResult> AnswerAsync(
        HttpContext http,
        [FromServices] ApplicantCaseReader reader,
        [FromServices] IValidator<AnswerQuestion.Request> validator,
        CancellationToken ct
    )
    {
        var fund = FundOf(http);

        var code = CodeOf(http);
        var request = new AnswerQuestion.Request(code, http.Request.Form["answer"].ToString());
        if (!(await validator.ValidateAsync(request, ct)).IsValid)
        {
            var shown = new CaseShown(AnswerError: "Answer_Required", TypedAnswer: request.Answer ?? "");
            return await ShowCaseAsync(http, fund, code, reader, shown, ct);
        }

        try
        {
            var result = await AnswerQuestion.HandleAsync(request, reader, ct);
            return await AfterActionAsync(http, fund, code, result.Result, "Answer_Sent", reader, ct);
        }
        catch (Exception ex) when (DatabaseBusy.Is(ex))
        {
            return await BusyAsync(http, fund, code, reader, request.Answer ?? "", ct);
        }
    }

    public static async Task<IResult> WithdrawAsync(
        HttpContext http,
        [FromServices] ApplicantCaseReader reader,
        CancellationToken ct
    )
    {
        var fund = FundOf(http);

        var code = CodeOf(http);
        if (http.Request.Form["confirm"] != "yes")
        {
            return await ShowCaseAsync(http, fund, code, reader, new(WithdrawError: "Withdraw_NeedConfirm"), ct);
        }

        try
        {
            var request = new WithdrawRequest.Request(code);
            var result = await WithdrawRequest.HandleAsync(request, reader, ct);
            return await AfterActionAsync(http, fund, code, result.Result, "Withdraw_Done", reader, ct);
        }
        catch (Exception ex) when (DatabaseBusy.Is(ex))
        {
            return await BusyAsync(http, fund, code, reader, "", ct);
        }
    }

    /// <summary>
    /// The database was busy: the case page again (503 with Retry-After) with the typed answer and "try again in a
    /// minute"; nothing was changed. When the case itself cannot be read (its access-log entry waits on the same
    /// lock, as when SQLite's rapid-response file is locked), the status form with that message instead.
    /// </summary>
    private static async Task<IResult> BusyAsync(
        HttpContext http,
        FundRow fund,
        string code,
        ApplicantCaseReader reader,
        string typedAnswer,
        CancellationToken ct
    )
    {
        var seconds = http.RequestServices.GetRequiredService<DatabaseOptions>().BusyRetryAfterSeconds;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        const int Status = StatusCodes.Status503ServiceUnavailable;
        try
        {
            var shown = new CaseShown("Error_Busy", true, TypedAnswer: typedAnswer, Status: Status);
            return await ShowCaseAsync(http, fund, code, reader, shown, ct);
        }
        catch (Exception ex) when (DatabaseBusy.Is(ex))
        {
            // Reading the case writes the access log, which waits on the same lock: the status form with the message.
            var model = StatusOf(http, fund) with { Notice = "Error_Busy", NoticeIsError = true };
            return RenderStatus(http, fund, model, Status);
        }
    }

    private static async Task<IResult> AfterActionAsync(
        HttpContext http,
        FundRow fund,
        string code,
        IResult result,
        string doneKey,
        ApplicantCaseReader reader,
        CancellationToken ct
    )
    {
        if (result is Ok<CheckRequestStatus.Response> ok)
        {
            return CaseOrNotFound(http, fund, code, ok, new(doneKey));
        }

        var refused = new CaseShown("Action_Refused", true, Status: StatusCodes.Status409Conflict);
        return await ShowCaseAsync(http, fund, code, reader, refused, ct);
    }

    /// <summary>How the case page shows: a notice (an error or not), a form's error, the answer as typed, the status
    /// (400 when a form has an error).</summary>
    private sealed record CaseShown(
        string? Notice = null,
        bool NoticeIsError = false,
        string? AnswerError = null,
        string? WithdrawError = null,
        string TypedAnswer = "",
        int Status = StatusCodes.Status200OK
    );

    /// <summary>The case read again (<see cref="CaseAsync"/>) and shown as <paramref name="shown"/> says, or "not
    /// found".</summary>
    private static async Task<IResult> ShowCaseAsync(
        HttpContext http,
        FundRow fund,
        string code,
        ApplicantCaseReader reader,
        CaseShown shown,
        CancellationToken ct
    ) => CaseOrNotFound(http, fund, code, await CaseAsync(code, reader, ct), shown);

    private static IResult CaseOrNotFound(
        HttpContext http,
        FundRow fund,
        string code,
        Ok<CheckRequestStatus.Response>? found,
        CaseShown shown
    )
    {
        var model = StatusOf(http, fund);
        if (found?.Value is not { } c)
        {
            var notFound = model with { Notice = "Status_NotFound", NoticeIsError = true };
            return RenderStatus(http, fund, notFound, StatusCodes.Status404NotFound);
        }

        return RenderStatus(
            http,
            fund,
            model with
            {
                CaseCode = code,
                Case = new DefenderCaseModel(
                    c.Reference,
                    c.Status,
                    c.Question,
                    c.SubmittedAt,
                    c.CanAnswer,
                    c.CanWithdraw
                ),
                Notice = shown.Notice,
                NoticeIsError = shown.NoticeIsError,
                AnswerError = shown.AnswerError,
                WithdrawError = shown.WithdrawError,
                TypedAnswer = shown.TypedAnswer,
            },
            shown.AnswerError is null && shown.WithdrawError is null ? shown.Status : StatusCodes.Status400BadRequest
        );
    }

    /// <summary>The status page of <paramref name="fund"/> with its form token: the code form, nothing else yet.
    /// </summary>
    private static DefenderStatusModel StatusOf(HttpContext http, FundRow fund) =>
        new()
        {
            Slug = fund.Slug,
            FundName = fund.Name,
            Token = PageSecurity.Token(http),
        };

    private static IResult RenderStatus(
        HttpContext http,
        FundRow fund,
        DefenderStatusModel model,
        int status = StatusCodes.Status200OK
    )
    {
        var text = http.RequestServices.GetRequiredService<IStringLocalizer<PageText>>();
        var chrome = PageChrome.For(
            text["Status_Title"],
            fund.Name,
            $"/f/{fund.Slug}/status",
            PageLanguage.OfferedFor(http)
        );
        return PageLanguage.InCurrentCulture(
            PageResult.Render<DefenderStatus>(new { Chrome = chrome, Model = model }, status)
        );
    }

    /// <summary>The case as its applicant sees it now, or null for an unknown code (the API's status use
    /// case).</summary>
    private static async Task<Ok<CheckRequestStatus.Response>?> CaseAsync(
        string code,
        ApplicantCaseReader reader,
        CancellationToken ct
    ) =>
        (await CheckRequestStatus.HandleAsync(new CheckRequestStatus.Request(code), reader, ct)).Result
        as Ok<CheckRequestStatus.Response>;

    private static string CodeOf(HttpContext http) => http.Request.Form["code"].ToString().Trim();
}
