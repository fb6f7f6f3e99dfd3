using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.Pages.Components;

namespace FundAudit.Api.Features.Pages;

/// <summary>The baselines and targets page: what it lists, its forms as typed, and a refused target edit.</summary>
internal sealed record AuditPageData(
    IReadOnlyList<BaselineView> Baselines,
    IReadOnlyList<TargetView>? Targets,
    string? TargetsProblem,
    IReadOnlyList<string> Currencies,
    bool CanWrite,
    FormState Baseline,
    FormState NewTarget,
    long? EditedTargetId,
    FormState? EditedTarget
);

/// <summary>
/// The console's baselines and targets (/app/audit): freeze a baseline of a period, set a target, change or remove
/// one. Every write goes through the audit's own use case after the API's own validator (CreateBaseline.Validator,
/// CreateTarget.Validator), so the page stores exactly what the API would and refuses what it refuses.
/// </summary>
internal static class ConsoleAudit
{
    public static readonly string[] BaselineFields = ["name", "from", "to", "currency"];
    public static readonly string[] TargetFields = ["metric", "direction", "targetpercent", "by", "baselineid"];

    /// <summary>The metrics a target may measure, in the order the form offers them.</summary>
    public static readonly string[] Metrics =
    [
        "local",
        "flexible",
        "prevention_collective",
        .. ConsoleReview.Levels.Select(l => "level:" + l),
        .. ConsoleReview.Purposes.Select(p => "purpose:" + p),
    ];

    public static async Task<IResult> ShowAsync([AsParameters] AuditPageServices s, CancellationToken ct) =>
        await RenderAsync(s, await DefaultsAsync(s, ct), null, false, 200, ct);

    public static async Task<IResult> FreezeAsync(
        [AsParameters] AuditPageServices s,
        [FromServices] IValidator<CreateBaseline.Request> validator,
        CancellationToken ct
    )
    {
        var form = FormState.Of(ConsoleForms.Read(s.Http.Request.Form, BaselineFields));
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var request = new CreateBaseline.Request(
            ConsoleForms.Blank(form.Value("name")),
            ConsoleForms.Date(form, "from", errors),
            ConsoleForms.Date(form, "to", errors),
            null,
            ConsoleForms.Blank(form.Value("currency"))
        );
        await ConsoleForms.ValidateAsync(validator, request, errors, ct);
        var data = await DefaultsAsync(s, ct);
        var status = StatusCodes.Status400BadRequest;
        if (errors.Count == 0)
        {
            switch ((await s.Audit.CreateBaselineAsync(request, s.User, ct)).Result)
            {
                case Created<BaselineView> { Value: { } b }:
                    var notice = ConsoleText.T(
                        "Audit_Frozen",
                        b.Name,
                        ConsolePortfolio.Period(b.Period.From, b.Period.To),
                        ConsolePortfolio.Money(b.Totals.Amount),
                        b.Currency,
                        ConsolePortfolio.Grants(b.Grants)
                    );
                    return await RenderAsync(s, data, notice, false, 200, ct);
                case ProblemHttpResult { StatusCode: StatusCodes.Status409Conflict } conflict:
                    errors["name"] = ConsoleForms.Detail(conflict);
                    status = conflict.StatusCode;
                    break;
                case ProblemHttpResult problem:
                    data = data with { Baseline = form };
                    return await RenderAsync(s, data, ConsoleForms.Detail(problem), true, problem.StatusCode, ct);
            }
        }

        data = data with { Baseline = form with { Errors = errors } };
        return await RenderAsync(s, data, ConsoleText.T("Audit_NotFrozen"), true, status, ct);
    }

    public static Task<IResult> AddTargetAsync(
        [AsParameters] AuditPageServices s,
        [FromServices] IValidator<CreateTarget.Request> validator,
        CancellationToken ct
    ) => WriteTargetAsync(s, null, validator, ct);

    public static Task<IResult> EditTargetAsync(
        long id,
        [AsParameters] AuditPageServices s,
        [FromServices] IValidator<CreateTarget.Request> validator,
        CancellationToken ct
    ) => WriteTargetAsync(s, id, validator, ct);

    public static async Task<IResult> DeleteTargetAsync(
        long id,
        [AsParameters] AuditPageServices s,
        CancellationToken ct
    )
    {
        var data = await DefaultsAsync(s, ct);
        return (await s.Audit.DeleteTargetAsync(id, s.User, ct)).Result is ProblemHttpResult problem
            ? await RenderAsync(s, data, ConsoleForms.Detail(problem), true, problem.StatusCode, ct)
            : await RenderAsync(s, data, ConsoleText.T("Audit_TargetRemoved", id), false, 200, ct);
    }

    /// <summary>A new target (no <paramref name="id"/>) or a change to one; refused beside its form.</summary>
    private static async Task<IResult> WriteTargetAsync(
        AuditPageServices s,
        long? id,
        IValidator<CreateTarget.Request> validator,
        CancellationToken ct
    )
    {
        var (audit, user) = (s.Audit, s.User);
        var form = FormState.Of(ConsoleForms.Read(s.Http.Request.Form, TargetFields));
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var request = new CreateTarget.Request(
            ConsoleForms.Blank(form.Value("metric")),
            ConsoleForms.Blank(form.Value("direction")),
            ConsoleForms.Number(form, "targetpercent", errors),
            ConsoleForms.Date(form, "by", errors),
            ConsoleForms.Id(form, "baselineid", errors)
        );
        await ConsoleForms.ValidateAsync(validator, request, errors, ct);
        var data = await DefaultsAsync(s, ct);
        var status = StatusCodes.Status400BadRequest;
        var notice = ConsoleText.T("Audit_TargetNotSaved");
        if (errors.Count == 0)
        {
            var result = id is { } existing
                ? (await audit.EditTargetAsync(existing, request, user, ct)).Result
                : (await audit.CreateTargetAsync(request, user, ct)).Result;
            if (result is not ProblemHttpResult problem)
            {
                var saved = id is null ? ConsoleText.T("Audit_TargetSet") : ConsoleText.T("Audit_TargetChanged", id);
                return await RenderAsync(s, data, saved, false, 200, ct);
            }

            status = problem.StatusCode;
            notice = ConsoleForms.Detail(problem);
            if (problem.ProblemDetails.Title == ProblemText.T("Title_BaselineNotFound"))
            {
                errors["baselineid"] = notice;
            }
        }

        var refused = form with { Errors = errors };
        data = id is null
            ? data with
            {
                NewTarget = refused,
            }
            : data with
            {
                EditedTargetId = id,
                EditedTarget = refused,
            };
        return await RenderAsync(s, data, notice, true, status, ct);
    }

    /// <summary>The page's lists and its forms with their defaults (last year, newest baseline).</summary>
    private static async Task<AuditPageData> DefaultsAsync(AuditPageServices s, CancellationToken ct)
    {
        var year = s.ThisYear();
        var currencies = await s.CurrenciesAsync(ct);
        var baselines = await s.Audit.ListBaselinesAsync(s.User, ct);
        var latest = baselines.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id).FirstOrDefault();
        var baseline = FormState.Of(
            new Dictionary<string, string>
            {
                ["name"] = "",
                ["from"] = $"{year - 1:D4}-01-01",
                ["to"] = $"{year - 1:D4}-12-31",
                ["currency"] = ConsolePortfolio.FirstCurrency(currencies),
            }
        );
        var target = FormState.Of(
            new Dictionary<string, string>
            {
                ["metric"] = "local",
                ["direction"] = "at_least",
                ["targetpercent"] = "",
                ["by"] = $"{year + 1:D4}-12-31",
                ["baselineid"] = latest?.Id.ToString(CultureInfo.InvariantCulture) ?? "",
            }
        );
        return new AuditPageData(
            baselines,
            null,
            null,
            currencies,
            ConsoleReview.CanCorrect(s.User),
            baseline,
            target,
            null,
            null
        );
    }

    private static async Task<IResult> RenderAsync(
        AuditPageServices s,
        AuditPageData data,
        string? notice,
        bool noticeIsError,
        int status,
        CancellationToken ct
    )
    {
        data = data with { Baselines = await s.Audit.ListBaselinesAsync(s.User, ct) };
        switch ((await s.Audit.ListTargetsAsync(new ListTargets.Request(null, null, null), s.User, ct)).Result)
        {
            case Ok<IReadOnlyList<TargetView>> { Value: { } t }:
                data = data with { Targets = t };
                break;
            case ProblemHttpResult p:
                data = data with { TargetsProblem = ConsoleForms.Detail(p) };
                break;
        }

        return ConsoleRender.Page<ConsoleAuditPage>(
            s.Http,
            ConsoleText.T("Audit_Title"),
            "audit",
            data,
            notice,
            noticeIsError,
            status
        );
    }

    /// <summary>A target's form as it stands: the refused edit as typed, else the stored target.</summary>
    public static FormState FormOf(AuditPageData data, TargetView t) =>
        data.EditedTargetId == t.Id && data.EditedTarget is { } typed
            ? typed
            : FormState.Of(
                new Dictionary<string, string>
                {
                    ["metric"] = t.Metric,
                    ["direction"] = t.Direction,
                    ["targetpercent"] = t.TargetPercent.ToString("0.##", CultureInfo.InvariantCulture),
                    ["by"] = ConsolePortfolio.Day(t.By),
                    ["baselineid"] = t.BaselineId.ToString(CultureInfo.InvariantCulture),
                }
            );
}
