using System.Text;
using FundAudit.Core.Audit;
using FundAudit.Core.Geography;
using static FundAudit.Api.Features.Audit.CsvNumbers;

namespace FundAudit.Api.Features.Audit.Quality;

/// <summary>GET /api/audit/quality (and .csv): the data-quality checks over the grants the mix would count.</summary>
internal static class GetQuality
{
    public sealed record Request : IMixFilter
    {
        /// <summary>First award date (YYYY-MM-DD), with to.</summary>
        public DateOnly? From { get; init; }

        /// <summary>Last award date (YYYY-MM-DD), inclusive.</summary>
        public DateOnly? To { get; init; }

        /// <summary>Instead of from/to: the fiscal year starting in that calendar year.</summary>
        public int? FiscalYear { get; init; }

        /// <summary>The report currency (ISO 4217) the money shares are in.</summary>
        public string? Currency { get; init; }

        /// <summary>Only grants of this programme title.</summary>
        public string? Programme { get; init; }

        /// <summary>Only recipients in this world region (UN M49 name, e.g. Africa).</summary>
        public string? Region { get; init; }

        /// <summary>Only recipients in this country (ISO code or name).</summary>
        public string? Country { get; init; }

        /// <summary>Only grants whose purpose came from explicit data or a rule, or that a person corrected
        /// (manual).</summary>
        public string? Source { get; init; }

        /// <summary>Only the grants that this import wrote last (created or changed; GET /api/grants/imports/{id}); an
        /// import of another funder has no grants here.</summary>
        public long? ImportId { get; init; }

        /// <summary>The grants of a period in one currency (and of one import, when given), no other filter: what the
        /// console's pages ask.</summary>
        public static Request OfPeriod(DateOnly? from, DateOnly? to, string? currency, long? importId = null) =>
            new()
            {
                From = from,
                To = to,
                Currency = currency,
                ImportId = importId,
            };
    }

    /// <summary>How many grants share one kind of reason.</summary>
    /// <param name="Reason">The kind of reason ("level: no place known", "purpose: conflicting evidence").</param>
    /// <param name="Grants">How many grants give it.</param>
    public sealed record ReasonCount(string Reason, long Grants);

    /// <summary>One check and the grants that fail it.</summary>
    /// <param name="Code">Stable code of the check.</param>
    /// <param name="Title">What it checks, in English.</param>
    /// <param name="Grants">How many grants fail it.</param>
    /// <param name="Share">Percent of the grants of the query.</param>
    /// <param name="AmountMinor">Their money in the report currency's minor units (grants without a rate left
    /// out).</param>
    /// <param name="Amount">The same in major units.</param>
    /// <param name="MoneyShare">Percent of the query's converted money.</param>
    /// <param name="UnconvertedGrants">Of these grants, how many have no rate for their date (their money is not in
    /// amount or moneyShare).</param>
    /// <param name="GrantsLink">The keyset page of these grants, with the same filters.</param>
    /// <param name="Reasons">For the unclassified check, the reasons the classifier gave, most grants first; empty for
    /// the others.</param>
    public sealed record Check(
        string Code,
        string Title,
        long Grants,
        decimal Share,
        long AmountMinor,
        decimal Amount,
        decimal MoneyShare,
        long UnconvertedGrants,
        string GrantsLink,
        IReadOnlyList<ReasonCount> Reasons
    );

    /// <param name="Period">The period.</param>
    /// <param name="Currency">The report currency.</param>
    /// <param name="Grants">Every grant of the query.</param>
    /// <param name="AmountMinor">Their converted money in minor units (grants without a rate left out).</param>
    /// <param name="Amount">The same in major units.</param>
    /// <param name="UnconvertedGrants">Grants with no rate for their date, whose money is in no share.</param>
    /// <param name="Checks">Every check, in order, with zero counts included.</param>
    public sealed record Response(
        PeriodView Period,
        string Currency,
        long Grants,
        long AmountMinor,
        decimal Amount,
        long UnconvertedGrants,
        IReadOnlyList<Check> Checks
    );

    public static async Task<Ok<Response>> HandleAsync(
        [AsParameters] Request request,
        HttpRequest http,
        ClaimsPrincipal user,
        [FromServices] QualityCalculator quality,
        CancellationToken ct
    )
    {
        return TypedResults.Ok(await ResponseAsync(request, http, user, quality, ct));
    }

    public static async Task<FileContentHttpResult> CsvAsync(
        [AsParameters] Request request,
        HttpRequest http,
        ClaimsPrincipal user,
        [FromServices] QualityCalculator quality,
        CancellationToken ct
    )
    {
        var r = await ResponseAsync(request, http, user, quality, ct);
        var sb = new StringBuilder();
        sb.Append(
            CsvCell.Line([
                "code",
                "title",
                "grants",
                "share_percent",
                "currency",
                "amount",
                "money_share_percent",
                "unconverted_grants",
                "grants_link",
            ])
        );
        foreach (var c in r.Checks)
        {
            sb.Append(
                CsvCell.Line([
                    c.Code,
                    c.Title,
                    Num(c.Grants),
                    Num(c.Share),
                    r.Currency,
                    Num(c.Amount),
                    Num(c.MoneyShare),
                    Num(c.UnconvertedGrants),
                    c.GrantsLink,
                ])
            );
        }

        return TypedResults.File(
            Encoding.UTF8.GetBytes(sb.ToString()),
            "text/csv; charset=utf-8",
            (request.ImportId is { } import ? $"quality-import-{import}-" : "quality-")
                + $"{r.Period.From:yyyyMMdd}-{r.Period.To:yyyyMMdd}.csv"
        );
    }

    public static Response ToResponse(QualityReport report, string queryString)
    {
        var q = report.Query;
        var checks = report
            .Checks.Select(x => new Check(
                x.Check.Code,
                x.Check.Title,
                x.Tally.Grants,
                AuditMaths.Share(x.Tally.Grants, report.Grants),
                x.Tally.AmountMinor,
                QualityCalculator.Major(x.Tally.AmountMinor, q.Currency),
                AuditMaths.Share(x.Tally.AmountMinor, report.ConvertedMinor),
                x.Tally.Unconverted,
                $"/api/audit/quality/{x.Check.Code}/grants{queryString}",
                x.Check.Code == "unclassified"
                    ? [.. QualityCalculator.ReasonKinds(x.Tally).Select(k => new ReasonCount(k.Reason, k.Grants))]
                    : []
            ))
            .ToList();
        return new Response(
            new PeriodView(q.Period.From, q.Period.To),
            q.Currency,
            report.Grants,
            report.ConvertedMinor,
            QualityCalculator.Major(report.ConvertedMinor, q.Currency),
            report.UnconvertedGrants,
            checks
        );
    }

    public static MixQuery ToQuery(Request r, AuditOptions options) => AuditViews.QueryOf(r, [], options);

    /// <summary>The answer of the API's JSON and CSV alike: the report, its checks' links keeping the query's filters.
    /// </summary>
    private static async Task<Response> ResponseAsync(
        Request request,
        HttpRequest http,
        ClaimsPrincipal user,
        QualityCalculator quality,
        CancellationToken ct
    ) => ToResponse(await ReportAsync(quality, user.FunderId(), request, ct), http.QueryString.Value ?? "");

    /// <summary>The report of <paramref name="request"/> (its filters and import), for the API and the console.
    /// </summary>
    public static Task<QualityReport> ReportAsync(
        QualityCalculator quality,
        long funderId,
        Request request,
        CancellationToken ct
    ) => quality.ReportAsync(funderId, ToQuery(request, quality.Options), request.ImportId, ct);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            AuditViews.PeriodRules(this, r => r.From, r => r.To, r => r.FiscalYear);
            AuditViews.CurrencyRule(this, r => r.Currency);
            AuditViews.FilterRules(this);
            RuleFor(r => r.ImportId).GreaterThan(0).WithText("Import_Id");
        }
    }
}
