using System.Security.Cryptography;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Features.Pages.Components;
using FundAudit.Core.Money;
using Microsoft.Extensions.Localization;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The defender's pages at /f/{slug}: the form, the answer with the case code, and the status page. Anonymous, no
/// script, no cookie but the antiforgery one. Every action goes through the rapid-response use cases the JSON API uses
/// (same validator, same idempotency, same state machine); these handlers only turn forms into requests and answers
/// into pages.
/// </summary>
internal static class DefenderPages
{
    /// <summary>The form's fields, by the JSON API's names (the validator's property names).</summary>
    private static readonly string[] Fields =
    [
        "alias",
        "contact.channel",
        "contact.handle",
        "country",
        "urgency",
        "situation",
        "need",
        "amount",
        "currency",
        "endorser",
        "language",
    ];

    public static async Task<IResult> ShowFormAsync(
        string slug,
        HttpContext http,
        CaseLookup cases,
        EmergencyOptions options,
        CancellationToken ct
    )
    {
        if (await cases.FindFundAsync(slug, ct) is not { } fund)
        {
            return FundNotFound(http);
        }

        PageLanguage.Apply(http, fund.Languages);
        return RenderForm(
            http,
            fund,
            options,
            new Dictionary<string, string> { ["currency"] = fund.Currency },
            new Dictionary<string, string>(),
            NewSubmissionKey(),
            null,
            StatusCodes.Status200OK
        );
    }

    public static async Task<IResult> SubmitFormAsync(
        string slug,
        HttpContext http,
        CaseLookup cases,
        RequestIntake intake,
        IValidator<SubmitRequest.Request> validator,
        EmergencyOptions options,
        IStringLocalizer<PageText> text,
        CancellationToken ct
    )
    {
        if (await cases.FindFundAsync(slug, ct) is not { } fund)
        {
            return FundNotFound(http);
        }

        PageLanguage.Apply(http, fund.Languages);

        var form = http.Request.Form;
        var values = Fields.ToDictionary(f => f, f => (string?)form[f] ?? "");
        var submission = form["submission"].ToString() is { Length: >= 16 and <= 64 } k ? k : NewSubmissionKey();
        var amountTyped = PageLanguage.NormalizeNumber(values["amount"]); // "١٢٠٠٫٥٠" → "1200.50"
        decimal? amount = TryParseAmount(amountTyped, out var parsed) ? parsed : null;
        var request = new SubmitRequest.Request(
            values["alias"],
            new ContactDetails(values["contact.channel"], values["contact.handle"]),
            values["country"],
            values["urgency"],
            values["situation"],
            values["need"],
            amount,
            values["currency"],
            values["language"],
            values["endorser"]
        );

        var errors = new Dictionary<string, string>();
        if (amount is null && amountTyped.Length > 0)
        {
            errors["amount"] = text["Error_amount"];
        }

        foreach (var failure in (await validator.ValidateAsync(request, ct)).Errors)
        {
            var field = failure.PropertyName.Replace("Contact.", "contact.", StringComparison.Ordinal);
            if (Fields.Contains(field) && !errors.ContainsKey(field))
            {
                errors[field] =
                    field == "situation"
                        ? text["Error_situation", options.MaxSituationLength]
                        : text["Error_" + field.Replace('.', '_')];
            }
        }

        if (errors.Count > 0)
        {
            return RenderForm(http, fund, options, values, errors, submission, null, StatusCodes.Status400BadRequest);
        }

        var result = await intake.SubmitAsync(fund.Slug, request, "form:" + submission, ct);
        return result.Result switch
        {
            Created<SubmitRequest.Response> { Value: { } created } => PageLanguage.InCurrentCulture(
                PageResult.Render<DefenderSent>(
                    new
                    {
                        Chrome = PageChrome.For(
                            text["Sent_Title"],
                            fund.Name,
                            $"/f/{fund.Slug}/status",
                            PageLanguage.OfferedFor(http)
                        ),
                        Model = new DefenderSentModel(fund.Slug, fund.Name, created.Reference, created.CaseCode),
                    }
                )
            ),

            // The same submission key with other answers: the first request stands; ask for a fresh form.
            ProblemHttpResult { StatusCode: StatusCodes.Status422UnprocessableEntity } => RenderForm(
                http,
                fund,
                options,
                values,
                errors,
                NewSubmissionKey(),
                "Error_Retry",
                StatusCodes.Status409Conflict
            ),
            _ => FundNotFound(http),
        };
    }

    public static async Task<IResult> ShowStatusAsync(
        string slug,
        HttpContext http,
        CaseLookup cases,
        CancellationToken ct
    )
    {
        if (await cases.FindFundAsync(slug, ct) is not { } fund)
        {
            return FundNotFound(http);
        }

        PageLanguage.Apply(http, fund.Languages);
        return RenderStatus(
            http,
            fund,
            new DefenderStatusModel
            {
                Slug = fund.Slug,
                FundName = fund.Name,
                Token = PageSecurity.Token(http),
            }
        );
    }

    public static async Task<IResult> CheckStatusAsync(
        string slug,
        HttpContext http,
        CaseLookup cases,
        ApplicantCaseReader reader,
        CancellationToken ct
    )
    {
        if (await cases.FindFundAsync(slug, ct) is not { } fund)
        {
            return FundNotFound(http);
        }

        PageLanguage.Apply(http, fund.Languages);

        var code = CodeOf(http);
        var result = await CaseAsync(code, cases, reader, ct);
        return CaseOrNotFound(http, fund, code, result, null, false);
    }

    public static async Task<IResult> AnswerAsync(
        string slug,
        HttpContext http,
        CaseLookup cases,
        RequestWorkflow workflow,
        ApplicantCaseReader reader,
        SensitiveFields sensitive,
        IValidator<AnswerQuestion.Request> validator,
        CancellationToken ct
    )
    {
        if (await cases.FindFundAsync(slug, ct) is not { } fund)
        {
            return FundNotFound(http);
        }

        PageLanguage.Apply(http, fund.Languages);

        var code = CodeOf(http);
        var request = new AnswerQuestion.Request(code, http.Request.Form["answer"].ToString());
        if (!(await validator.ValidateAsync(request, ct)).IsValid)
        {
            var current = await CaseAsync(code, cases, reader, ct);
            return CaseOrNotFound(
                http,
                fund,
                code,
                current,
                null,
                false,
                answerError: "Answer_Required",
                typedAnswer: request.Answer ?? ""
            );
        }

        var result = await AnswerQuestion.HandleAsync(request, cases, workflow, reader, sensitive, ct);
        return await AfterActionAsync(http, fund, code, result.Result, "Answer_Sent", cases, reader, ct);
    }

    public static async Task<IResult> WithdrawAsync(
        string slug,
        HttpContext http,
        CaseLookup cases,
        RequestWorkflow workflow,
        ApplicantCaseReader reader,
        CancellationToken ct
    )
    {
        if (await cases.FindFundAsync(slug, ct) is not { } fund)
        {
            return FundNotFound(http);
        }

        PageLanguage.Apply(http, fund.Languages);

        var code = CodeOf(http);
        if (http.Request.Form["confirm"] != "yes")
        {
            var current = await CaseAsync(code, cases, reader, ct);
            return CaseOrNotFound(http, fund, code, current, null, false, withdrawError: "Withdraw_NeedConfirm");
        }

        var result = await WithdrawRequest.HandleAsync(new WithdrawRequest.Request(code), cases, workflow, reader, ct);
        return await AfterActionAsync(http, fund, code, result.Result, "Withdraw_Done", cases, reader, ct);
    }

    /// <summary>A short page (not found, expired form, too many attempts) in the request's language.</summary>
    public static IResult Message(HttpContext http, string titleKey, string textKey, string? slug, int status)
    {
        var text = http.RequestServices.GetRequiredService<IStringLocalizer<PageText>>();
        return PageResult.Render<DefenderMessage>(
            new
            {
                Chrome = PageChrome.For(text[titleKey], "FundAudit", http.Request.Path),
                Model = new DefenderMessageModel(titleKey, textKey, slug),
            },
            status
        );
    }

    private static async Task<IResult> AfterActionAsync(
        HttpContext http,
        FundRow fund,
        string code,
        IResult result,
        string doneKey,
        CaseLookup cases,
        ApplicantCaseReader reader,
        CancellationToken ct
    )
    {
        if (result is Ok<CheckRequestStatus.Response> ok)
        {
            return CaseOrNotFound(http, fund, code, ok, doneKey, false);
        }

        var current = await CaseAsync(code, cases, reader, ct);
        return CaseOrNotFound(http, fund, code, current, "Action_Refused", true, status: StatusCodes.Status409Conflict);
    }

    private static IResult CaseOrNotFound(
        HttpContext http,
        FundRow fund,
        string code,
        Ok<CheckRequestStatus.Response>? found,
        string? notice,
        bool noticeIsError,
        string? answerError = null,
        string? withdrawError = null,
        string typedAnswer = "",
        int status = StatusCodes.Status200OK
    )
    {
        var token = PageSecurity.Token(http);
        if (found?.Value is not { } c)
        {
            return RenderStatus(
                http,
                fund,
                new DefenderStatusModel
                {
                    Slug = fund.Slug,
                    FundName = fund.Name,
                    Token = token,
                    Notice = "Status_NotFound",
                    NoticeIsError = true,
                },
                StatusCodes.Status404NotFound
            );
        }

        return RenderStatus(
            http,
            fund,
            new DefenderStatusModel
            {
                Slug = fund.Slug,
                FundName = fund.Name,
                Token = token,
                CaseCode = code,
                Case = new DefenderCaseModel(
                    c.Reference,
                    c.Status,
                    c.Question,
                    c.SubmittedAt,
                    c.CanAnswer,
                    c.CanWithdraw
                ),
                Notice = notice,
                NoticeIsError = noticeIsError,
                AnswerError = answerError,
                WithdrawError = withdrawError,
                TypedAnswer = typedAnswer,
            },
            answerError is null && withdrawError is null ? status : StatusCodes.Status400BadRequest
        );
    }

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

    private static IResult RenderForm(
        HttpContext http,
        FundRow fund,
        EmergencyOptions options,
        IReadOnlyDictionary<string, string> values,
        IReadOnlyDictionary<string, string> errors,
        string submission,
        string? formError,
        int status
    )
    {
        var text = http.RequestServices.GetRequiredService<IStringLocalizer<PageText>>();
        var culture = CultureInfo.CurrentCulture;
        var max =
            PageLanguage.Digits(
                MinorUnits
                    .ToDecimal(fund.MaxAmount, fund.Currency)
                    .ToString("N" + Currencies.Exponent(fund.Currency), culture),
                culture
            )
            + " "
            + fund.Currency;
        return PageLanguage.InCurrentCulture(
            PageResult.Render<DefenderForm>(
                new
                {
                    Chrome = PageChrome.For(
                        text["Form_Title", fund.Name],
                        fund.Name,
                        $"/f/{fund.Slug}",
                        PageLanguage.OfferedFor(http)
                    ),
                    Model = new DefenderFormModel
                    {
                        Slug = fund.Slug,
                        FundName = fund.Name,
                        MaxAmount = max,
                        Token = PageSecurity.Token(http),
                        SubmissionKey = submission,
                        MaxSituationLength = options.MaxSituationLength,
                        Values = values,
                        Errors = errors,
                        FormError = formError,
                    },
                },
                status
            )
        );
    }

    /// <summary>
    /// Dot or comma as the decimal separator ("1500.50", "1500,50"), after <see cref="PageLanguage.NormalizeNumber"/>
    /// (other digits, the Arabic separators, spaces); thousands separators are not guessed.
    /// </summary>
    private static bool TryParseAmount(string typed, out decimal amount)
    {
        var normalized = typed.Contains('.', StringComparison.Ordinal) ? typed : typed.Replace(',', '.');
        return decimal.TryParse(normalized, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount);
    }

    private static IResult FundNotFound(HttpContext http) =>
        Message(http, "NotFound_Title", "NotFound_Text", null, StatusCodes.Status404NotFound);

    /// <summary>The case as its applicant sees it now, or null for an unknown code (the API's status use
    /// case).</summary>
    private static async Task<Ok<CheckRequestStatus.Response>?> CaseAsync(
        string code,
        CaseLookup cases,
        ApplicantCaseReader reader,
        CancellationToken ct
    ) =>
        (await CheckRequestStatus.HandleAsync(new CheckRequestStatus.Request(code), cases, reader, ct)).Result
        as Ok<CheckRequestStatus.Response>;

    private static string CodeOf(HttpContext http) => http.Request.Form["code"].ToString().Trim();

    private static string NewSubmissionKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
