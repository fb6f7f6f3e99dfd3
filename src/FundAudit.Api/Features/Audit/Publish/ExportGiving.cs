using System.Text;
using System.Text.Json.Nodes;
using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit.Publish;

/// <summary>
/// GET /api/audit/export/360giving.json and .csv: the portfolio of a period (the mix's filters) published back as a
/// 360Giving JSON package or flat CSV that validate against the 360Giving schema, with FundAudit's classification as
/// <c>classifications</c> and <c>locationScope</c>; grants marked sensitive anonymised (<see
/// cref="GivingGrantBuilder.Anonymised"/>). The answer says how many it anonymised (header
/// <c>X-FundAudit-Anonymised-Grants</c>, and the package's <c>fundAudit.anonymisedGrants</c>).
/// </summary>
internal static class ExportGiving
{
    /// <summary>The header that says how many grants of the export are anonymised.</summary>
    public const string AnonymisedHeader = "X-FundAudit-Anonymised-Grants";

    /// <summary>The 360Giving schema version the export follows.</summary>
    public const string SchemaVersion = "1.4";

    public sealed record Request : IMixFilter
    {
        /// <summary>First award date (YYYY-MM-DD), with to.</summary>
        public DateOnly? From { get; init; }

        /// <summary>Last award date (YYYY-MM-DD), inclusive.</summary>
        public DateOnly? To { get; init; }

        /// <summary>Instead of from/to: the fiscal year starting in that calendar year.</summary>
        public int? FiscalYear { get; init; }

        /// <summary>Only grants of this programme title.</summary>
        public string? Programme { get; init; }

        /// <summary>Only recipients in this world region (UN M49 name, e.g. Africa).</summary>
        public string? Region { get; init; }

        /// <summary>Only recipients in this country (ISO code or name).</summary>
        public string? Country { get; init; }

        /// <summary>Only grants whose purpose came from explicit data or a rule, or that a person corrected
        /// (manual).</summary>
        public string? Source { get; init; }

        string? IMixFilter.Currency => null;
    }

    /// <summary>What FundAudit says about the package it wrote.</summary>
    /// <param name="Grants">How many grants the package holds.</param>
    /// <param name="AnonymisedGrants">How many of them were marked sensitive and are anonymised.</param>
    /// <param name="Anonymisation">What an anonymised grant loses.</param>
    public sealed record ExportInfo(long Grants, long AnonymisedGrants, string Anonymisation);

    /// <summary>A 360Giving publisher.</summary>
    /// <param name="Name">The funder's name.</param>
    public sealed record Publisher(string Name);

    /// <summary>A 360Giving JSON package (the standard's package schema), streamed grant by grant.</summary>
    /// <param name="Version">The 360Giving schema version.</param>
    /// <param name="Title">What the package holds.</param>
    /// <param name="Issued">When it was written (YYYY-MM-DD).</param>
    /// <param name="Publisher">The funder.</param>
    /// <param name="Grants">The grants, each a 360Giving grant.</param>
    /// <param name="FundAudit">How many grants, and how many anonymised.</param>
    public sealed record Package(
        string Version,
        string Title,
        string Issued,
        Publisher Publisher,
        IAsyncEnumerable<JsonObject> Grants,
        ExportInfo FundAudit
    );

    private const string Anonymisation =
        "Grants marked sensitive: recipient replaced by 'Anonymous grantee' (country kept), identifiers, addresses, "
        + "postcodes and URLs removed, places kept as countries or world regions only, title made generic, "
        + "description withheld, programme dropped, grant id replaced by a stable non-reversible id. Grants to "
        + "individuals: recipientIndividual named 'Individual Recipient' under a stable non-reversible id; the "
        + "person's name, identifier and toIndividualsDetails are never published.";

    public static async Task<Results<Ok<Package>, ProblemHttpResult>> JsonAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] GivingExportStore store,
        [FromServices] GrantAnonymiser anonymiser,
        [FromServices] Microsoft.Extensions.Options.IOptions<AuditOptions> options,
        [FromServices] TimeProvider clock,
        HttpContext http
    )
    {
        var ct = http.RequestAborted;
        var (export, empty) = await OpenAsync(request, user, store, anonymiser, options.Value, ct);
        if (export is null)
        {
            return empty!;
        }

        var (q, funder, count) = (export.Query, export.Funder, export.Count);
        Headers(http, count, $"{FileName(q)}.json");
        return TypedResults.Ok(
            new Package(
                SchemaVersion,
                $"{funder}: grants awarded {Iso(q.Period.From)} to {Iso(q.Period.To)}",
                Iso(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)),
                new Publisher(funder),
                export.GrantsAsync(store, ct),
                new ExportInfo(count.Grants, count.Sensitive, Anonymisation)
            )
        );
    }

    public static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> CsvAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] GivingExportStore store,
        [FromServices] GrantAnonymiser anonymiser,
        [FromServices] Microsoft.Extensions.Options.IOptions<AuditOptions> options,
        HttpContext http
    )
    {
        var ct = http.RequestAborted;
        var (export, empty) = await OpenAsync(request, user, store, anonymiser, options.Value, ct);
        if (export is null)
        {
            return empty!;
        }

        Headers(http, export.Count, null);
        return TypedResults.Stream(
            async body =>
            {
                // Two passes over the grants (memory stays flat): the first finds the longest lists for the header.
                var widths = new GivingCsv.ListWidths();
                await foreach (var g in export.GrantsAsync(store, ct))
                {
                    widths.Add(g);
                }

                await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
                await writer.WriteAsync(CsvCell.Line(GivingCsv.Header(widths)));
                await foreach (var g in export.GrantsAsync(store, ct))
                {
                    await writer.WriteAsync(CsvCell.Line(GivingCsv.Cells(g, widths)));
                }
            },
            "text/csv; charset=utf-8",
            $"{FileName(export.Query)}.csv"
        );
    }

    /// <summary>An export that has grants to publish: its funder, query, counts and the funder's anonymiser.</summary>
    private sealed record Export(
        long FunderId,
        MixQuery Query,
        GivingExportCount Count,
        string Funder,
        Func<string, string> Anonymise
    )
    {
        /// <summary>The export's grants as 360Giving grants, the sensitive ones anonymised.</summary>
        public async IAsyncEnumerable<JsonObject> GrantsAsync(
            GivingExportStore store,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct
        )
        {
            await foreach (var row in store.GrantsAsync(FunderId, Query, ct))
            {
                yield return row.Sensitive
                    ? GivingGrantBuilder.Anonymised(row, Anonymise(row.PjIdentifier), Funder)
                    : GivingGrantBuilder.Published(row, Funder, Anonymise);
            }
        }
    }

    /// <summary>What both exports (JSON, CSV) start from: the request's query counted, the funder's name and
    /// anonymiser; or the 404 of an empty period.</summary>
    private static async Task<(Export? Export, ProblemHttpResult? Empty)> OpenAsync(
        Request request,
        ClaimsPrincipal user,
        GivingExportStore store,
        GrantAnonymiser anonymiser,
        AuditOptions options,
        CancellationToken ct
    )
    {
        var (funderId, q) = (user.FunderId(), QueryOf(request, options));
        var count = await store.CountAsync(funderId, q, ct);
        if (count.Grants == 0)
        {
            return (null, Empty(q));
        }

        var funder = await store.FunderNameAsync(funderId, ct);
        var anonymise = await anonymiser.ForFunderAsync(funderId, ct);
        return (new Export(funderId, q, count, funder, anonymise), null);
    }

    private static void Headers(HttpContext http, GivingExportCount count, string? fileName)
    {
        http.Response.Headers[AnonymisedHeader] = count.Sensitive.ToString(CultureInfo.InvariantCulture);
        if (fileName is not null)
        {
            http.Response.Headers.ContentDisposition = $"attachment; filename={fileName}";
        }
    }

    /// <summary>The 360Giving package schema needs at least one grant: an empty period is a 404 saying so.</summary>
    private static ProblemHttpResult Empty(MixQuery q) =>
        ProblemText.Problem(
            StatusCodes.Status404NotFound,
            "Title_NothingToPublish",
            "Use_NothingToPublish",
            Iso(q.Period.From),
            Iso(q.Period.To)
        );

    private static MixQuery QueryOf(Request r, AuditOptions options) =>
        new(
            AuditViews.PeriodOf(r.From, r.To, r.FiscalYear, options.FiscalYearStartMonth)!.Value,
            "",
            [],
            string.IsNullOrWhiteSpace(r.Programme) ? null : r.Programme.Trim(),
            AuditViews.RegionOf(r.Region),
            AuditViews.CountryOf(r.Country),
            r.Source?.Trim().ToLowerInvariant(),
            options.FiscalYearStartMonth
        );

    private static string FileName(MixQuery q) => $"360giving-{q.Period.From:yyyyMMdd}-{q.Period.To:yyyyMMdd}";

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            AuditViews.PeriodRules(this, r => r.From, r => r.To, r => r.FiscalYear);
            AuditViews.FilterRules(this);
        }
    }
}
