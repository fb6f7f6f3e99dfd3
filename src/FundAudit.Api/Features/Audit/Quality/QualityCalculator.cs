using FundAudit.Core.Audit;
using FundAudit.Core.Money;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Features.Audit.Quality;

/// <summary>One grant that fails a check: why, and its amount in the report currency (null: no rate).</summary>
internal sealed record QualityHit(QualityRow Grant, string Detail, long? ConvertedMinor);

/// <summary>
/// The checks over the filtered grants: the totals and, per check in order, the grants that fail it. A report of one
/// check only may have read only that check's candidates: its totals are then theirs, not the query's.
/// </summary>
internal sealed record QualityReport(
    MixQuery Query,
    long Grants,
    long ConvertedMinor,
    long UnconvertedGrants,
    IReadOnlyList<(QualityCheck Check, List<QualityHit> Hits)> Checks
);

/// <summary>
/// Runs the quality checks over the grants the mix would count. Each grant is converted on its own at its award
/// date's rate (the mix's rate book and window) and rounded once; a grant without a rate is counted, and named by
/// the no_exchange_rate check, but its money is left out of the money shares (never guessed).
/// </summary>
internal sealed class QualityCalculator(
    QualityStore store,
    RateStore rates,
    IOptions<AuditOptions> options,
    TimeProvider time
)
{
    public AuditOptions Options => options.Value;

    /// <summary>The report of <paramref name="q"/>; with <paramref name="importId"/>, over that import's grants
    /// only (those it wrote last).</summary>
    public async Task<QualityReport> ComputeAsync(
        long funderId,
        MixQuery q,
        string? only,
        long? importId,
        CancellationToken ct
    )
    {
        var rows = await store.RowsAsync(funderId, q, only, importId, ct);
        var book = await BookAsync(funderId, q.Currency, rows, ct);
        var context = new QualityContext(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), q.Currency, book);
        var checks = QualityChecks
            .All.Where(c => only is null || c.Code == only)
            .Select(c => (c, new List<QualityHit>()))
            .ToList();
        long converted = 0,
            unconverted = 0;
        foreach (var row in rows)
        {
            var minor = book.Convert(row.Amount, row.Currency, q.Currency, row.AwardDate);
            converted += minor ?? 0;
            unconverted += minor is null ? 1 : 0;
            foreach (var (check, hits) in checks)
            {
                if (check.Fails(row, context) is { } detail)
                {
                    hits.Add(new QualityHit(row, detail, minor));
                }
            }
        }

        return new QualityReport(q, rows.Count, converted, unconverted, checks);
    }

    /// <summary>The award-date span of the grants one import wrote last (the console's default period for that
    /// import's checks); null when it wrote none.</summary>
    public Task<(DateOnly From, DateOnly To)?> ImportPeriodAsync(long funderId, long importId, CancellationToken ct) =>
        store.ImportPeriodAsync(funderId, importId, ct);

    private async Task<RateBook> BookAsync(
        long funderId,
        string target,
        IReadOnlyList<QualityRow> rows,
        CancellationToken ct
    )
    {
        var window = options.Value.RateWindowDays;
        var currencies = rows.Select(r => r.Currency).Append(target).ToHashSet(StringComparer.Ordinal);
        if (rows.Count == 0 || currencies.Count == 1)
        {
            return new RateBook([], window);
        }

        var min = rows.Min(r => r.AwardDate);
        var max = rows.Max(r => r.AwardDate);
        var found = await rates.RatesAsync(funderId, currencies, min.AddDays(-window), max, ct);
        return new RateBook(found, window);
    }

    /// <summary>The kinds of reasons of the unclassified check ("level: no place known"), most grants first.</summary>
    public static IReadOnlyList<(string Reason, long Grants)> ReasonKinds(IEnumerable<QualityHit> hits) =>
        [
            .. hits.SelectMany(h => h.Detail.Split("; "))
                .Select(Kind)
                .GroupBy(k => k, StringComparer.Ordinal)
                .Select(g => (g.Key, (long)g.Count()))
                .OrderByDescending(g => g.Item2)
                .ThenBy(g => g.Key, StringComparer.Ordinal),
        ];

    /// <summary>"level: unclassified: no place known: no beneficiary location, …" → "level: no place known";
    /// "purpose: low confidence 0.32 (…)" → "purpose: low confidence".</summary>
    private static string Kind(string reason)
    {
        var colon = reason.IndexOf(": ", StringComparison.Ordinal);
        var dimension = colon < 0 ? "" : reason[..colon];
        var why = colon < 0 ? reason : reason[(colon + 2)..];
        if (why.StartsWith("unclassified: ", StringComparison.Ordinal))
        {
            why = why["unclassified: ".Length..];
        }

        var end = why.IndexOfAny([':', '(']);
        why = (end < 0 ? why : why[..end]).Trim();
        if (why.StartsWith("low confidence", StringComparison.Ordinal))
        {
            why = "low confidence";
        }

        return dimension.Length == 0 ? why : $"{dimension}: {why}";
    }

    /// <summary>The report currency's minor units as a decimal amount.</summary>
    public static decimal Major(long minor, string currency) => MinorUnits.ToDecimal(minor, currency);
}
