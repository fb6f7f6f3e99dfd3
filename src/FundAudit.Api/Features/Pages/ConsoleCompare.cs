using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.Pages.Components;

namespace FundAudit.Api.Features.Pages;

/// <summary>The comparison page: its form as typed, and the two mixes side by side (or why not).</summary>
internal sealed record CompareData(
    FormState Form,
    IReadOnlyList<BaselineView> Baselines,
    string? ThenLabel,
    string? NowLabel,
    string? Currency,
    MixComparison.Lines? Lines,
    string? Note,
    string? Chart,
    string? Problem,
    string? DownloadPath,
    string? DownloadQuery
);

/// <summary>
/// The console's comparison (/app/compare): two periods side by side (GET /api/audit/compare), or a frozen baseline
/// beside a period (GET /api/audit/baselines/{id}/compare), through the audit's use cases and the API's validators.
/// </summary>
internal static class ConsoleCompare
{
    public static readonly string[] Fields = ["baseline", "thenfrom", "thento", "nowfrom", "nowto", "currency"];

    public static async Task<IResult> ShowAsync(
        [AsParameters] AuditPageServices s,
        [FromServices] IValidator<ComparePeriods.Request> periodsValidator,
        [FromServices] IValidator<CompareBaseline.Request> baselineValidator,
        CancellationToken ct
    )
    {
        var (http, user, audit) = (s.Http, s.User, s.Audit);
        var form = FormState.Of(await QueryAsync(http.Request.Query, s, ct));
        var baselines = await audit.ListBaselinesAsync(user, ct);
        var data = new CompareData(form, baselines, null, null, null, null, null, null, null, null, null);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var now = (From: ConsoleForms.Date(form, "nowfrom", errors), To: ConsoleForms.Date(form, "nowto", errors));
        data =
            form.Value("baseline").Length > 0
                ? await WithBaselineAsync(data, now, errors, user, audit, baselineValidator, ct)
                : await WithPeriodsAsync(data, now, errors, user, audit, periodsValidator, ct);
        if (errors.Count > 0)
        {
            data = data with { Form = form with { Errors = errors } };
            return ConsoleRender.Page<ConsoleComparePage>(
                http,
                ConsoleText.T("Compare_Title"),
                "audit",
                data,
                ConsoleText.T("Problem_CheckFields"),
                true,
                StatusCodes.Status400BadRequest
            );
        }

        return ConsoleRender.Page<ConsoleComparePage>(http, ConsoleText.T("Compare_Title"), "audit", data);
    }

    private static async Task<CompareData> WithBaselineAsync(
        CompareData data,
        (DateOnly? From, DateOnly? To) now,
        Dictionary<string, string> errors,
        ClaimsPrincipal user,
        AuditUseCases audit,
        IValidator<CompareBaseline.Request> validator,
        CancellationToken ct
    )
    {
        var id = ConsoleForms.Id(data.Form, "baseline", errors);
        var request = new CompareBaseline.Request(now.From, now.To, null);
        await ConsoleForms.ValidateAsync(validator, request, errors, "now", ct);

        if (errors.Count > 0 || id is null)
        {
            return data;
        }

        var (c, chart, problem) = await audit.CompareWithChartAsync(
            id.Value,
            request,
            user,
            "compare",
            ConsoleFormat.Chart(),
            ct
        );
        if (problem is not null)
        {
            if (problem.StatusCode == StatusCodes.Status404NotFound)
            {
                errors["baseline"] = ConsoleText.T("Problem_NoBaseline", id);
            }

            return data with
            {
                Problem = ConsoleForms.Detail(problem),
            };
        }

        return data with
        {
            ThenLabel = $"{c!.Baseline.Name} ({Period(c.Baseline.Period)})",
            NowLabel = Period(c.Period),
            Currency = c.Currency,
            Lines = MixComparison.Lines.Of(c),
            Note = c.Note,
            Chart = chart,
            DownloadPath = $"/app/downloads/baselines/{id}/compare",
            DownloadQuery = $"from={Day(c.Period.From)}&to={Day(c.Period.To)}",
        };
    }

    private static async Task<CompareData> WithPeriodsAsync(
        CompareData data,
        (DateOnly? From, DateOnly? To) now,
        Dictionary<string, string> errors,
        ClaimsPrincipal user,
        AuditUseCases audit,
        IValidator<ComparePeriods.Request> validator,
        CancellationToken ct
    )
    {
        var request = new ComparePeriods.Request
        {
            ThenFrom = ConsoleForms.Date(data.Form, "thenfrom", errors),
            ThenTo = ConsoleForms.Date(data.Form, "thento", errors),
            NowFrom = now.From,
            NowTo = now.To,
            Currency = ConsoleForms.Blank(data.Form.Value("currency")),
        };
        await ConsoleForms.ValidateAsync(validator, request, errors, ct);
        if (errors.Count > 0)
        {
            return data;
        }

        var (c, chart, problem) = await audit.ComparePeriodsWithChartAsync(
            request,
            user,
            "compare",
            ConsoleFormat.Chart(),
            ct
        );
        if (problem is not null)
        {
            return data with { Problem = ConsoleForms.Detail(problem) };
        }

        var query =
            $"thenFrom={Day(c!.Then.From)}&thenTo={Day(c.Then.To)}&nowFrom={Day(c.Now.From)}&nowTo={Day(c.Now.To)}"
            + $"&currency={c.Currency}";
        return data with
        {
            ThenLabel = Period(c.Then),
            NowLabel = Period(c.Now),
            Currency = c.Currency,
            Lines = MixComparison.Lines.Of(c),
            Note = c.Note,
            Chart = chart,
            DownloadPath = "/app/downloads/compare",
            DownloadQuery = query,
        };
    }

    /// <summary>The query as asked; blank: last year beside this one, in the first currency.</summary>
    private static async Task<Dictionary<string, string>> QueryAsync(
        IQueryCollection query,
        AuditPageServices s,
        CancellationToken ct
    )
    {
        var values = ConsoleForms.Read(query, Fields);
        var year = s.ThisYear();
        Default(values, "thenfrom", $"{year - 1:D4}-01-01");
        Default(values, "thento", $"{year - 1:D4}-12-31");
        Default(values, "nowfrom", $"{year:D4}-01-01");
        Default(values, "nowto", $"{year:D4}-12-31");
        if (values["currency"].Length == 0)
        {
            values["currency"] = await s.FirstCurrencyAsync(ct);
        }

        return values;
    }

    private static void Default(Dictionary<string, string> values, string field, string value)
    {
        if (values[field].Length == 0)
        {
            values[field] = value;
        }
    }

    private static string Period(PeriodView p) => ConsolePortfolio.Period(p.From, p.To);

    private static string Day(DateOnly d) => ConsolePortfolio.Day(d);
}
