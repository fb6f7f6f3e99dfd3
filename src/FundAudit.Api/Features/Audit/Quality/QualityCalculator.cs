using FundAudit.Core.Audit;
using FundAudit.Core.Money;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Features.Audit.Quality;

/// <summary>One grant that fails a check: why, and its amount in the report currency (null: no rate).</summary>
internal sealed record QualityHit(QualityRow Grant, string Detail, long? ConvertedMinor);

/// <summary>One check's figures: the grants that fail it, their converted money, how many of them have no rate, and
/// (for the unclassified check) how many grants give each kind of reason.</summary>
internal sealed class QualityTally
{
    public long Grants { get; private set; }

    public long AmountMinor { get; private set; }

    public long Unconverted { get; private set; }

    public Dictionary<string, long> Reasons { get; } = new(StringComparer.Ordinal);

    /// <summary>Counts <paramref name="grants"/> grants that fail the check with <paramref name="detail"/> (null:
    /// why is counted apart, <see cref="AddReasons"/>), their money converted (null: no rate).</summary>
    public void Add(QualityCheck check, long grants, long? convertedMinor, string? detail)
    {
        Grants += grants;
        AmountMinor += convertedMinor ?? 0;
        Unconverted += convertedMinor is null ? grants : 0;
        if (check.Code == "unclassified" && detail is not null)
        {
            AddReasons(grants, detail);
        }
    }

    /// <summary>Counts the kinds of reason in <paramref name="detail"/> (the unclassified check's) for
    /// <paramref name="grants"/> grants.</summary>
    public void AddReasons(long grants, string detail)
    {
        foreach (var reason in detail.Split("; "))
        {
            var kind = QualityCalculator.Kind(reason);
            Reasons[kind] = Reasons.GetValueOrDefault(kind) + grants;
        }
    }
}

/// <summary>
/// The checks over the filtered grants: the totals and, per check in order, its figures and (from
/// <see cref="QualityCalculator.ComputeAsync"/> only) the grants that fail it. A report of one check only may have
/// read only that check's candidates: its totals are then theirs, not the query's.
/// </summary>
internal sealed record QualityReport(
    MixQuery Query,
    long Grants,
    long ConvertedMinor,
    long UnconvertedGrants,
    IReadOnlyList<(QualityCheck Check, QualityTally Tally, List<QualityHit> Hits)> Checks
);

/// <summary>
/// Runs the quality checks over the grants the mix would count. The report (<see cref="ReportAsync"/>) sums the
/// grants by their stored flags (migration 0018), currency and award date, and converts each such sum at its day's
/// rate (the mix's rate book and window), rounded once, as the mix converts its day totals; a grant list
/// (<see cref="ComputeAsync"/>) converts each grant on its own. A grant without a rate is counted, and named by the
/// no_exchange_rate check, but its money is left out of the money shares (never guessed). The report counts
/// same_id_in_two_imports apart, with one narrow read of the grants failing it
/// (<see cref="QualityStore.ReimportedAsync"/>).
/// </summary>
internal sealed class QualityCalculator(
    QualityStore store,
    QualityTotalsStore totals,
    RateStore rates,
    IOptions<AuditOptions> options,
    TimeProvider time
)
{
    private static readonly QualityCheck FarFuture = QualityChecks.Find("far_future_dates")!;
    private static readonly QualityCheck Unclassified = QualityChecks.Find("unclassified")!;
    private static readonly QualityCheck Reimported = QualityChecks.Find("same_id_in_two_imports")!;

    public AuditOptions Options => options.Value;

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>The report of <paramref name="q"/> (every check's figures, no grant lists); with
    /// <paramref name="importId"/>, over that import's grants only (those it wrote last). Reads the sums of the grants
    /// with stored flags and, only when there are any, the grants written without them one by one.</summary>
    public async Task<QualityReport> ReportAsync(long funderId, MixQuery q, long? importId, CancellationToken ct)
    {
        var today = Today;
        var groups = await GroupsAsync(funderId, q, importId, today, ct);
        IReadOnlyList<QualityRow> rows = groups.Any(g => g.Flags is null)
            ? await store.RowsAsync(funderId, q, null, importId, unflagged: true, ct)
            : [];
        groups = [.. groups.Where(g => g.Flags is not null)];
        var reimported = await store.ReimportedAsync(funderId, q, importId, ct);
        var days = groups
            .Concat(reimported)
            .Select(g => (g.Currency, g.AwardDate))
            .Concat(rows.Select(r => (r.Currency, r.AwardDate)));
        var context = new QualityContext(today, q.Currency, await BookAsync(funderId, q.Currency, [.. days], ct));
        var checks = Empty(null);
        long grants = 0,
            converted = 0,
            unconverted = 0;
        foreach (var g in groups)
        {
            var minor = context.Rates.Convert(g.Amount, g.Currency, q.Currency, g.AwardDate);
            grants += g.Grants;
            converted += minor ?? 0;
            unconverted += minor is null ? g.Grants : 0;
            var row = new QualityRow
            {
                Currency = g.Currency,
                AwardDate = g.AwardDate,
                Level = g.LevelUnplaced == 1 ? "unclassified" : "placed",
                Purpose = g.PurposeUnplaced == 1 ? "unclassified" : "placed",
                LevelEvidence = g.LevelEvidence,
                PurposeEvidence = g.PurposeEvidence,
            };
            foreach (var (check, tally, _) in checks)
            {
                var detail =
                    check.Bit is not null ? (QualityFlags.Has((int)g.Flags!.Value, check) ? "" : null)
                    : check == Reimported ? null // counted apart, below
                    : check == FarFuture ? (g.FarFuture == 1 ? "" : null)
                    : check == Unclassified && g.FromTotals ? Reasons(g)
                    : check.Fails(row, context);
                if (detail is not null)
                {
                    tally.Add(check, g.Grants, minor, detail);
                }
            }
        }

        var (n, c, u) = AddRows(rows, context, checks, keepHits: false);
        var tallied = checks.Single(x => x.Check == Reimported).Tally;
        foreach (var g in reimported)
        {
            tallied.Add(Reimported, g.Grants, context.Rates.Convert(g.Amount, g.Currency, q.Currency, g.AwardDate), "");
        }

        return new QualityReport(q, grants + n, converted + c, unconverted + u, checks);
    }

    /// <summary>The unclassified check's detail of a group read from the stored totals, from its kinds of reason;
    /// null when both dimensions are placed.</summary>
    private static string? Reasons(QualityGroup g) =>
        (g.LevelReason.Length > 0, g.PurposeReason.Length > 0) switch
        {
            (true, true) => $"level: {g.LevelReason}; purpose: {g.PurposeReason}",
            (true, false) => "level: " + g.LevelReason,
            (false, true) => "purpose: " + g.PurposeReason,
            _ => null,
        };

    /// <summary>
    /// The sums of the report's grants with stored flags (and groups with null flags for those without): from the
    /// stored totals when the filters allow (and the days they leave to the grants, the next five years), else from
    /// the grants.
    /// </summary>
    private async Task<List<QualityGroup>> GroupsAsync(
        long funderId,
        MixQuery q,
        long? importId,
        DateOnly today,
        CancellationToken ct
    )
    {
        var after = QualityChecks.FarFutureAfter(today);
        if (!QualityTotalsStore.Reads(q, importId))
        {
            return [.. await store.GroupsAsync(funderId, q, importId, after, null, ct)];
        }

        var stored = await totals.GroupsAsync(funderId, q, today, after, ct);
        var soon = await store.GroupsAsync(funderId, q, null, after, today, ct);
        return [.. stored, .. soon];
    }

    /// <summary>The grants failing the checks, one by one: with <paramref name="only"/> one check's code, that check
    /// only; with <paramref name="importId"/>, over that import's grants only (those it wrote last).</summary>
    public async Task<QualityReport> ComputeAsync(
        long funderId,
        MixQuery q,
        string? only,
        long? importId,
        CancellationToken ct
    )
    {
        var rows = await store.RowsAsync(funderId, q, only, importId, unflagged: false, ct);
        var days = rows.Select(r => (r.Currency, r.AwardDate)).ToList();
        var context = new QualityContext(Today, q.Currency, await BookAsync(funderId, q.Currency, days, ct));
        var checks = Empty(only);
        var (grants, converted, unconverted) = AddRows(rows, context, checks, keepHits: true);
        return new QualityReport(q, grants, converted, unconverted, checks);
    }

    private static List<(QualityCheck Check, QualityTally Tally, List<QualityHit> Hits)> Empty(string? only) =>
        [
            .. QualityChecks
                .All.Where(c => only is null || c.Code == only)
                .Select(c => (c, new QualityTally(), new List<QualityHit>())),
        ];

    /// <summary>Each grant converted on its own at its award date's rate and tested by every check.</summary>
    private static (long Grants, long Converted, long Unconverted) AddRows(
        IReadOnlyList<QualityRow> rows,
        QualityContext context,
        List<(QualityCheck Check, QualityTally Tally, List<QualityHit> Hits)> checks,
        bool keepHits
    )
    {
        long converted = 0,
            unconverted = 0;
        foreach (var row in rows)
        {
            var minor = context.Rates.Convert(row.Amount, row.Currency, context.Currency, row.AwardDate);
            converted += minor ?? 0;
            unconverted += minor is null ? 1 : 0;
            foreach (var (check, tally, hits) in checks)
            {
                if (!keepHits && check == Reimported)
                {
                    continue; // the report counts it apart, through its index (QualityStore.ReimportedAsync)
                }

                if (check.Fails(row, context) is { } detail)
                {
                    tally.Add(check, 1, minor, detail);
                    if (keepHits)
                    {
                        hits.Add(new QualityHit(row, detail, minor));
                    }
                }
            }
        }

        return (rows.Count, converted, unconverted);
    }

    /// <summary>The award-date span of the grants one import wrote last (the console's default period for that
    /// import's checks); null when it wrote none.</summary>
    public Task<(DateOnly From, DateOnly To)?> ImportPeriodAsync(long funderId, long importId, CancellationToken ct) =>
        store.ImportPeriodAsync(funderId, importId, ct);

    private async Task<RateBook> BookAsync(
        long funderId,
        string target,
        IReadOnlyList<(string Currency, DateOnly AwardDate)> days,
        CancellationToken ct
    )
    {
        var window = options.Value.RateWindowDays;
        var currencies = days.Select(r => r.Currency).Append(target).ToHashSet(StringComparer.Ordinal);
        if (days.Count == 0 || currencies.Count == 1)
        {
            return new RateBook([], window);
        }

        var min = days.Min(r => r.AwardDate);
        var max = days.Max(r => r.AwardDate);
        var found = await rates.RatesAsync(funderId, currencies, min.AddDays(-window), max, ct);
        return new RateBook(found, window);
    }

    /// <summary>The kinds of reasons of the unclassified check ("level: no place known"), most grants first.</summary>
    public static IReadOnlyList<(string Reason, long Grants)> ReasonKinds(QualityTally tally) =>
        [
            .. tally
                .Reasons.Select(r => (r.Key, r.Value))
                .OrderByDescending(g => g.Value)
                .ThenBy(g => g.Key, StringComparer.Ordinal),
        ];

    /// <summary>"level: unclassified: no place known: no beneficiary location, …" → "level: no place known";
    /// "purpose: low confidence 0.32 (…)" → "purpose: low confidence".</summary>
    internal static string Kind(string reason)
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
