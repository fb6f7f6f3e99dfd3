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
        HttpContext http,
        string? from,
        string? to,
        ClaimsPrincipal user,
        GrantIngestUseCases grants,
        TimeProvider clock,
        IValidator<ExportGiving.Request> validator,
        IStringLocalizer<ConsoleText> text,
        CancellationToken ct
    )
    {
        var (f, t) = Period(from, to, clock);
        var errors = (await RequestAsync(f, t, validator, ct)).Errors;
        var status = errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
        return await RenderAsync(http, f, t, errors, null, user, grants, text, null, false, status, ct);
    }

    public static Task<IResult> JsonAsync(
        HttpContext http,
        string? from,
        string? to,
        ClaimsPrincipal user,
        PublishUseCases publish,
        GrantIngestUseCases grants,
        TimeProvider clock,
        IValidator<ExportGiving.Request> validator,
        IStringLocalizer<ConsoleText> text,
        CancellationToken ct
    ) =>
        DownloadAsync(
            http,
            from,
            to,
            user,
            async r => (await publish.JsonAsync(r, user, http)).Result,
            grants,
            clock,
            validator,
            text,
            ct
        );

    public static Task<IResult> CsvAsync(
        HttpContext http,
        string? from,
        string? to,
        ClaimsPrincipal user,
        PublishUseCases publish,
        GrantIngestUseCases grants,
        TimeProvider clock,
        IValidator<ExportGiving.Request> validator,
        IStringLocalizer<ConsoleText> text,
        CancellationToken ct
    ) =>
        DownloadAsync(
            http,
            from,
            to,
            user,
            async r => (await publish.CsvAsync(r, user, http)).Result,
            grants,
            clock,
            validator,
            text,
            ct
        );

    /// <summary>A download, or the page again with what is wrong (a bad period, no grant in it).</summary>
    private static async Task<IResult> DownloadAsync(
        HttpContext http,
        string? from,
        string? to,
        ClaimsPrincipal user,
        Func<ExportGiving.Request, Task<IResult>> export,
        GrantIngestUseCases grants,
        TimeProvider clock,
        IValidator<ExportGiving.Request> validator,
        IStringLocalizer<ConsoleText> text,
        CancellationToken ct
    )
    {
        var (f, t) = Period(from, to, clock);
        var (request, errors) = await RequestAsync(f, t, validator, ct);
        if (errors.Count > 0)
        {
            return await RenderAsync(http, f, t, errors, null, user, grants, text, null, false, 400, ct);
        }

        var result = await export(request);
        if (result is ProblemHttpResult problem)
        {
            var notice = text["Publish_Empty", f, t];
            return await RenderAsync(
                http,
                f,
                t,
                errors,
                null,
                user,
                grants,
                text,
                notice,
                true,
                problem.StatusCode,
                ct
            );
        }

        return result;
    }

    public static async Task<IResult> MarkAsync(
        HttpContext http,
        ClaimsPrincipal user,
        GrantIngestUseCases grants,
        TimeProvider clock,
        IStringLocalizer<ConsoleText> text,
        CancellationToken ct
    )
    {
        var form = http.Request.Form;
        var (f, t) = Period(form["from"], form["to"], clock);
        var id = form["id"].ToString().Trim();
        var sensitive = form["sensitive"].ToString() == "true";
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (id.Length == 0 || id.Length > 400)
        {
            errors["id"] = text["Publish_NoId"];
            return await RenderAsync(http, f, t, errors, id, user, grants, text, null, false, 400, ct);
        }

        if ((await grants.SetSensitiveAsync(id, sensitive, user, ct)).Result is ProblemHttpResult problem)
        {
            errors["id"] = text["Publish_NoId"];
            return await RenderAsync(http, f, t, errors, id, user, grants, text, null, false, problem.StatusCode, ct);
        }

        var notice = text[sensitive ? "Publish_Marked" : "Publish_Unmarked", id];
        return await RenderAsync(http, f, t, errors, null, user, grants, text, notice, false, 200, ct);
    }

    private static async Task<IResult> RenderAsync(
        HttpContext http,
        string from,
        string to,
        IReadOnlyDictionary<string, string> errors,
        string? typedId,
        ClaimsPrincipal user,
        GrantIngestUseCases grants,
        IStringLocalizer<ConsoleText> text,
        string? notice,
        bool noticeIsError,
        int status,
        CancellationToken ct
    )
    {
        var sensitive = await grants.ListSensitiveAsync(new ListSensitiveGrants.Request(500, null), user, ct);
        var canWrite = user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Analyst);
        var data = new PublishPageData(from, to, errors, sensitive.Items, canWrite, typedId);
        return ConsoleRender.Page<ConsolePublishPage>(
            http,
            text["Publish_Title"],
            "portfolio",
            data,
            notice,
            noticeIsError,
            status
        );
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
        DateOnly? f = null,
            t = null;
        if (DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var fd))
        {
            f = fd;
        }
        else
        {
            errors["from"] = ConsoleText.T("Problem_Date");
        }

        if (DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var td))
        {
            t = td;
        }
        else
        {
            errors["to"] = ConsoleText.T("Problem_Date");
        }

        var request = new ExportGiving.Request(f, t, null, null, null, null, null);
        if (errors.Count == 0)
        {
            foreach (var failure in (await validator.ValidateAsync(request, ct)).Errors)
            {
                errors.TryAdd(failure.PropertyName.ToLowerInvariant(), failure.ErrorMessage);
            }
        }

        return (request, errors);
    }
}
