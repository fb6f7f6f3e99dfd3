using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.Pages.Components;

namespace FundAudit.Api.Features.Pages;

/// <summary>The trend page: its form as typed, the trend (or why not), its chart and its downloads' query.</summary>
internal sealed record TrendData(
    FormState Form,
    GetTrend.Response? Trend,
    string? Chart,
    string? Problem,
    string Query
);

/// <summary>The downloads page: the period and currency as typed and the query every link carries.</summary>
internal sealed record DownloadsData(
    FormState Form,
    string Query,
    string CompareQuery,
    IReadOnlyList<BaselineView> Baselines
);

/// <summary>
/// The console's trend (/app/trend: the mix year by year as a chart and a table, through GET /api/audit/trend's use
/// case and validator) and its downloads page (/app/downloads: every export of the portfolio, served under /app by the
/// API's own handlers so that the session opens them).
/// </summary>
internal static class ConsoleTrend
{
    public static readonly string[] Fields = ["from", "to", "currency", "years"];

    public static async Task<IResult> ShowAsync(
        [AsParameters] AuditPageServices s,
        [FromServices] IValidator<GetTrend.Request> validator,
        CancellationToken ct
    )
    {
        var http = s.Http;
        var form = FormState.Of(await QueryAsync(http.Request.Query, -4, s, ct));
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var request = new GetTrend.Request
        {
            From = ConsoleForms.Date(form, "from", errors),
            To = ConsoleForms.Date(form, "to", errors),
            Currency = ConsoleForms.Blank(form.Value("currency")),
            Years = ConsoleForms.Blank(form.Value("years")),
        };
        await ConsoleForms.ValidateAsync(validator, request, errors, ct);
        var query = QueryOf(form);
        if (errors.Count > 0)
        {
            return ConsoleRender.Page<ConsoleTrendPage>(
                http,
                ConsoleText.T("Trend_Title"),
                "trend",
                new TrendData(form with { Errors = errors }, null, null, null, query),
                ConsoleText.T("Problem_CheckFields"),
                true,
                StatusCodes.Status400BadRequest
            );
        }

        var (trend, problem) = await s.Audit.TrendAsync(request, s.User, ct);
        var data = trend is null
            ? new TrendData(form, null, null, ConsoleForms.Detail(problem!), query)
            : new TrendData(
                form,
                trend,
                GetTrend.Chart(trend, "trend", ConsoleFormat.Chart()).RenderInline(),
                null,
                query
            );
        return ConsoleRender.Page<ConsoleTrendPage>(http, ConsoleText.T("Trend_Title"), "trend", data);
    }

    public static async Task<IResult> DownloadsAsync([AsParameters] AuditPageServices s, CancellationToken ct)
    {
        var http = s.Http;
        var form = FormState.Of(await QueryAsync(http.Request.Query, 0, s, ct));
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var from = ConsoleForms.Date(form, "from", errors);
        var to = ConsoleForms.Date(form, "to", errors);
        if (from is { } f && to is { } t && t < f)
        {
            errors["to"] = ConsoleText.T("Problem_ToBeforeFrom");
        }

        foreach (var (field, day) in new[] { ("from", from), ("to", to) })
        {
            if (day is { } d && !DayRules.InRange(d)) // the links name the same days a year earlier
            {
                errors[field] = DayRules.Problem();
            }
        }

        var baselines = await s.Audit.ListBaselinesAsync(s.User, ct);
        if (errors.Count > 0)
        {
            return ConsoleRender.Page<ConsoleDownloadsPage>(
                http,
                ConsoleText.T("Downloads_Title"),
                "downloads",
                new DownloadsData(form with { Errors = errors }, "", "", baselines),
                ConsoleText.T("Problem_CheckFields"),
                true,
                StatusCodes.Status400BadRequest
            );
        }

        // The comparison sets the period beside the same dates one year earlier.
        var compare =
            $"thenFrom={ConsolePortfolio.Day(from!.Value.AddYears(-1))}"
            + $"&thenTo={ConsolePortfolio.Day(to!.Value.AddYears(-1))}"
            + $"&nowFrom={ConsolePortfolio.Day(from.Value)}&nowTo={ConsolePortfolio.Day(to.Value)}"
            + $"&currency={Uri.EscapeDataString(form.Value("currency"))}";
        var data = new DownloadsData(form, QueryOf(form), compare, baselines);
        return ConsoleRender.Page<ConsoleDownloadsPage>(http, ConsoleText.T("Downloads_Title"), "downloads", data);
    }

    /// <summary>from, to, currency and years as the links carry them (years only when asked).</summary>
    private static string QueryOf(FormState form) =>
        $"from={Uri.EscapeDataString(form.Value("from"))}&to={Uri.EscapeDataString(form.Value("to"))}"
        + $"&currency={Uri.EscapeDataString(form.Value("currency"))}"
        + (form.Value("years").Length > 0 ? $"&years={Uri.EscapeDataString(form.Value("years"))}" : "");

    /// <summary>The query as asked; blank fields: from the first day of <paramref name="yearsBack"/> years ago to the
    /// end of this year, in the funder's most used currency.</summary>
    private static async Task<Dictionary<string, string>> QueryAsync(
        IQueryCollection query,
        int yearsBack,
        AuditPageServices s,
        CancellationToken ct
    )
    {
        var values = ConsoleForms.Read(query, Fields);
        var year = s.ThisYear();
        if (values["from"].Length == 0)
        {
            values["from"] = $"{year + yearsBack:D4}-01-01";
        }

        if (values["to"].Length == 0)
        {
            values["to"] = $"{year:D4}-12-31";
        }

        if (values["currency"].Length == 0)
        {
            values["currency"] = await s.FirstCurrencyAsync(ct);
        }

        values["currency"] = values["currency"].ToUpperInvariant();
        return values;
    }
}
