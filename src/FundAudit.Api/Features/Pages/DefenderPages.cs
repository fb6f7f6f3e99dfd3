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
internal static partial class DefenderPages
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

    public static IResult ShowForm(HttpContext http, [FromServices] EmergencyOptions options)
    {
        var fund = FundOf(http);
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
        HttpContext http,
        [FromServices] RequestIntake intake,
        [FromServices] IValidator<SubmitRequest.Request> validator,
        [FromServices] EmergencyOptions options,
        [FromServices] IStringLocalizer<PageText> text,
        CancellationToken ct
    )
    {
        var fund = FundOf(http);

        var form = http.Request.Form;
        var values = Fields.ToDictionary(f => f, f => (string?)form[f] ?? "");
        var submission = form["submission"].ToString() is { Length: >= 16 and <= 64 } k ? k : NewSubmissionKey();
        var amountTyped = PageLanguage.NormalizeNumber(values["amount"]); // "١٢٠٠٫٥٠" → "1200.50"
        decimal? amount = TypedAmount.TryParse(amountTyped, out var parsed) ? parsed : null;
        var request = ToRequest(values, amount);

        var errors = await FormErrorsAsync(
            request,
            amount is null && amountTyped.Length > 0,
            validator,
            options,
            text,
            ct
        );
        if (errors.Count > 0)
        {
            return RenderForm(http, fund, options, values, errors, submission, null, StatusCodes.Status400BadRequest);
        }

        Results<Created<SubmitRequest.Response>, ProblemHttpResult> result;
        try
        {
            result = await intake.SubmitAsync(fund.Slug, request, "form:" + submission, ct);
        }
        catch (Exception ex) when (DatabaseBusy.Is(ex))
        {
            // Nothing was stored: the same form again, with everything typed and the same submission key.
            return Busy(http, fund, options, values, submission);
        }

        return result.Result switch
        {
            Created<SubmitRequest.Response> { Value: { } created } => RenderSent(http, fund, created, text),

            // 422, the same submission key with other answers: the first request stands, so a fresh form. 409, its
            // first send is still being processed: the same form, to send again in a moment.
            ProblemHttpResult { StatusCode: var code and (StatusCodes.Status409Conflict or 422) } => RenderForm(
                http,
                fund,
                options,
                values,
                errors,
                code == StatusCodes.Status409Conflict ? submission : NewSubmissionKey(),
                code == StatusCodes.Status409Conflict ? "TooMany_Text" : "Error_Retry",
                StatusCodes.Status409Conflict
            ),
            _ => FundNotFound(http),
        };
    }

    private static SubmitRequest.Request ToRequest(Dictionary<string, string> values, decimal? amount) =>
        new(
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

    /// <summary>
    /// The database was busy: the form again (503 with Retry-After) with what was typed, the same submission key (so a
    /// second send that reaches a request stored meanwhile answers that one) and "try again in a minute".
    /// </summary>
    private static IResult Busy(
        HttpContext http,
        FundRow fund,
        EmergencyOptions options,
        IReadOnlyDictionary<string, string> values,
        string submission
    )
    {
        var seconds = http.RequestServices.GetRequiredService<DatabaseOptions>().BusyRetryAfterSeconds;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var empty = new Dictionary<string, string>();
        return RenderForm(
            http,
            fund,
            options,
            values,
            empty,
            submission,
            "Error_Busy",
            StatusCodes.Status503ServiceUnavailable
        );
    }

    /// <summary>
    /// The form's errors by field: the amount that is not a number, then the API validator's problems in the page's
    /// language (the first for each field).
    /// </summary>
    private static async Task<Dictionary<string, string>> FormErrorsAsync(
        SubmitRequest.Request request,
        bool amountUnreadable,
        IValidator<SubmitRequest.Request> validator,
        EmergencyOptions options,
        IStringLocalizer<PageText> text,
        CancellationToken ct
    )
    {
        var errors = new Dictionary<string, string>();
        if (amountUnreadable)
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

        return errors;
    }

    /// <summary>The answer to a sent form: the request's reference and the case code to check its status.</summary>
    private static IResult RenderSent(
        HttpContext http,
        FundRow fund,
        SubmitRequest.Response created,
        IStringLocalizer<PageText> text
    ) =>
        PageLanguage.InCurrentCulture(
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
        );

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

    private static IResult FundNotFound(HttpContext http) =>
        Message(http, "NotFound_Title", "NotFound_Text", null, StatusCodes.Status404NotFound);

    private static string NewSubmissionKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
