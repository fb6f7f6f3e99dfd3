using FundAudit.Api.Features.Audit.Publish;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.Pages.Components;
using Microsoft.Extensions.Localization;

namespace FundAudit.Api.Features.Pages;

/// <summary>The publish page: the period of the downloads (as typed), the sensitive grants, the form's
/// problems.</summary>
internal sealed record PublishPageData(
    string From,
    string To,
    IReadOnlyDictionary<string, string> Errors,
    IReadOnlyList<ListSensitiveGrants.Item> Sensitive,
    bool CanWrite,
    string? TypedId
)
{
    /// <summary>The period as a query string, for the download links and the forms' way back.</summary>
    public string QueryString => $"?from={Uri.EscapeDataString(From)}&to={Uri.EscapeDataString(To)}";
}

/// <summary>What every handler of the publish page is given: the request and its person, the grants' use cases, the
/// clock (for the default period), the console's text and the exports' validator (a period of the page checked as the
/// API checks the export's).</summary>
internal sealed record PublishPageServices(
    HttpContext Http,
    ClaimsPrincipal User,
    [FromServices] GrantIngestUseCases Grants,
    [FromServices] TimeProvider Clock,
    [FromServices] IStringLocalizer<ConsoleText> Text,
    [FromServices] IValidator<ExportGiving.Request> Validator
);

/// <summary>
/// The console's publish page (/app/publish): the 360Giving downloads of a period (the API's exports, under the console
/// session) and the sensitive grants, which administrators and analysts mark and unmark (the API's PUT
/// /api/grants/by-id/{id}/sensitive). The portfolio page links it with its own period.
/// </summary>
internal static class ConsolePublish
{
    public static void MapPublishPages(this RouteGroupBuilder portfolio)
    {
        portfolio.MapGet("/publish", ShowAsync).WithName("ConsolePublishPage");
        portfolio.MapGet("/publish/360giving.json", JsonAsync).WithName("ConsolePublishJson");
        portfolio.MapGet("/publish/360giving.csv", CsvAsync).WithName("ConsolePublishCsv");
        portfolio
            .MapForms("/publish")
            .RequirePortfolioWrite()
            .MapPost("/sensitive", MarkAsync)
            .WithName("ConsoleMarkSensitive");
    }

    public static async Task<IResult> ShowAsync(
        string? from,
        string? to,
        [AsParameters] PublishPageServices s,
        CancellationToken ct
    )
    {
        var (f, t) = Period(from, to, s.Clock);
        var errors = (await RequestAsync(f, t, s.Validator, ct)).Errors;
        var status = errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
        return await RenderAsync(s, f, t, errors, null, null, false, status, ct);
    }

    public static Task<IResult> JsonAsync(
        string? from,
        string? to,
        [AsParameters] PublishPageServices s,
        [FromServices] PublishUseCases publish,
        CancellationToken ct
    ) => DownloadAsync(from, to, s, async r => (await publish.JsonAsync(r, s.User, s.Http)).Result, ct);

    public static Task<IResult> CsvAsync(
        string? from,
        string? to,
        [AsParameters] PublishPageServices s,
        [FromServices] PublishUseCases publish,
        CancellationToken ct
    ) => DownloadAsync(from, to, s, async r => (await publish.CsvAsync(r, s.User, s.Http)).Result, ct);

    /// <summary>A download, or the page again with what is wrong (a bad period, no grant in it).</summary>
    private static async Task<IResult> DownloadAsync(
        string? from,
        string? to,
        PublishPageServices s,
        Func<ExportGiving.Request, Task<IResult>> export,
        CancellationToken ct
    )
    {
        var (f, t) = Period(from, to, s.Clock);
        var (request, errors) = await RequestAsync(f, t, s.Validator, ct);
        if (errors.Count > 0)
        {
            return await RenderAsync(s, f, t, errors, null, null, false, 400, ct);
        }

        var result = await export(request);
        if (result is ProblemHttpResult problem)
        {
            var notice = s.Text["Publish_Empty", f, t];
            return await RenderAsync(s, f, t, errors, null, notice, true, problem.StatusCode, ct);
        }

        return result;
    }

    public static async Task<IResult> MarkAsync([AsParameters] PublishPageServices s, CancellationToken ct)
    {
        var form = s.Http.Request.Form;
        var (f, t) = Period(form["from"], form["to"], s.Clock);
        var id = form["id"].ToString().Trim();
        var sensitive = form["sensitive"].ToString() == "true";
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (id.Length == 0 || id.Length > 400)
        {
            errors["id"] = s.Text["Publish_NoId"];
            return await RenderAsync(s, f, t, errors, id, null, false, 400, ct);
        }

        if ((await s.Grants.SetSensitiveAsync(id, sensitive, s.User, ct)).Result is ProblemHttpResult problem)
        {
            errors["id"] = s.Text["Publish_NoId"];
            return await RenderAsync(s, f, t, errors, id, null, false, problem.StatusCode, ct);
        }

        var notice = s.Text[sensitive ? "Publish_Marked" : "Publish_Unmarked", id];
        return await RenderAsync(s, f, t, errors, null, notice, false, 200, ct);
    }

    private static async Task<IResult> RenderAsync(
        PublishPageServices s,
        string from,
        string to,
        IReadOnlyDictionary<string, string> errors,
        string? typedId,
        string? notice,
        bool noticeIsError,
        int status,
        CancellationToken ct
    )
    {
        var sensitive = await s.Grants.ListSensitiveAsync(new ListSensitiveGrants.Request(500, null), s.User, ct);
        var canWrite = s.User.IsInRole(Roles.Admin) || s.User.IsInRole(Roles.Analyst);
        var data = new PublishPageData(from, to, errors, sensitive.Items, canWrite, typedId);
        var title = s.Text["Publish_Title"];
        return ConsoleRender.Page<ConsolePublishPage>(s.Http, title, "portfolio", data, notice, noticeIsError, status);
    }

    /// <summary>The period as typed; the current calendar year when none is given.</summary>
    private static (string From, string To) Period(string? from, string? to, TimeProvider clock)
    {
        var year = clock.GetUtcNow().Year.ToString(CultureInfo.InvariantCulture);
        return (
            string.IsNullOrWhiteSpace(from) ? year + "-01-01" : from.Trim(),
            string.IsNullOrWhiteSpace(to) ? year + "-12-31" : to.Trim()
        );
    }

    private static async Task<(ExportGiving.Request Request, Dictionary<string, string> Errors)> RequestAsync(
        string from,
        string to,
        IValidator<ExportGiving.Request> validator,
        CancellationToken ct
    )
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var (f, t) = ConsoleForms.RequiredPeriod(from, to, errors);
        var request = new ExportGiving.Request { From = f, To = t };
        await ConsoleForms.ValidateIfReadAsync(validator, request, errors, ct);

        return (request, errors);
    }
}
