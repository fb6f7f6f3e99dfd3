using FundAudit.Api.Features.Audit.Snapshots;
using FundAudit.Core.Audit;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// Computes the mix: the database sums by (currency, award date, level, purpose, flexible[, region, country, programme
/// when grouped by them]); each group is converted exactly (<see cref="CurrencyConversion"/>, rounded once per group,
/// with the rate pair of its (currency, day) looked up once) and added into its cell. Without a region, country or
/// programme in the query the sums come from the stored daily totals (grant_day_totals, migration 0008) rather than
/// from the grants: the same groups, so the same figures. When this instance holds the funder's grants in memory as
/// they are stored now (<see cref="GrantSnapshots"/>), the same groups are summed from them instead. A missing rate
/// stops the whole report: never a silently partial total.
/// </summary>
internal sealed partial class MixCalculator(
    MixStore sums,
    RateStore rates,
    GrantSnapshots snapshots,
    IOptions<AuditOptions> options
)
{
    public static readonly string[] Levels = ["global", "regional", "national", "local", "unclassified"];
    public static readonly string[] Purposes =
    [
        "prevention",
        "collective",
        "emergency",
        "campaign",
        "other",
        "unclassified",
    ];

    /// <summary>The four protection purposes (TAXONOMY.md): the first four of <see cref="Purposes"/>.</summary>
    public static readonly string[] ProtectionPurposes = ["prevention", "collective", "emergency", "campaign"];

    public AuditOptions Options => options.Value;

    /// <summary>
    /// The level × purpose mix of <paramref name="period"/> in <paramref name="currency"/>, without medians: what a
    /// baseline freezes, and what its comparison and the targets measure now.
    /// </summary>
    public Task<(MixResult? Mix, MissingRates? Missing)> LevelByPurposeAsync(
        long funderId,
        AuditPeriod period,
        string currency,
        CancellationToken ct
    ) => ComputeAsync(funderId, MixQuery.LevelByPurpose(period, currency, Options.FiscalYearStartMonth), false, ct);

    /// <summary>
    /// The funder's mix: the grouped sums, their prices (or what is missing, which stops the report), then, with
    /// <paramref name="medians"/>, each cell's median grant over the grants converted alike (read beside the sums).
    /// </summary>
    public async Task<(MixResult? Mix, MissingRates? Missing)> ComputeAsync(
        long funderId,
        MixQuery q,
        bool medians,
        CancellationToken ct
    )
    {
        try
        {
            return await ComputeOnceAsync(funderId, q, medians, ct);
        }
        catch (ReadChangedException)
        {
            // A grant written between the sums' read and the medians' read: read both again, once (a second
            // disagreement is a 503 with Retry-After, DatabaseBusy).
            return await ComputeOnceAsync(funderId, q, medians, ct);
        }
    }

    private async Task<(MixResult? Mix, MissingRates? Missing)> ComputeOnceAsync(
        long funderId,
        MixQuery q,
        bool medians,
        CancellationToken ct
    )
    {
        if (ReadsSnapshot(q) && await snapshots.FreshAsync(funderId, ct) is { } snapshot)
        {
            return await FromSnapshotAsync(snapshot, q, medians, ct);
        }

        await using var grants = MedianGrantsRead.Start(sums, funderId, q, medians, ct);
        var (rows, scan) = await sums.SumsAsync(funderId, q, grants.SumsKeepGrants, ct);
        var distinct = DistinctDays(rows);
        var (book, missing) = await PriceDaysAsync(funderId, q.Currency, distinct, ct);
        if (missing is not null)
        {
            return (null, missing);
        }

        var pairs = Pairs(book, distinct, q.Currency);
        var headline = scan?.Headline ?? [];
        foreach (var h in headline)
        {
            pairs.TryAdd((h.Currency, h.AwardDate), book.Pair(h.Currency, q.Currency, h.AwardDate)!.Value);
        }

        IReadOnlyList<MedianRow> medianRows =
            !medians || rows.Count == 0 ? []
            : grants.SumsKeepGrants ? scan!.Medians(MixFactors.Of(pairs, q.Currency))
            : await grants.RowsAsync(MixFactors.Of(pairs, q.Currency), q.Currency);
        var lastKey = (Currency: "", Date: default(DateOnly));
        var lastPair = (Source: 1m, Target: 1m);
        return (Build(q, rows, headline, medianRows, row =>
            {
                if (!ReferenceEquals(row.Currency, lastKey.Currency) || row.AwardDate != lastKey.Date)
                {
                    lastKey = (row.Currency, row.AwardDate);
                    lastPair = pairs[lastKey];
                }

                return CurrencyConversion.Convert(
                    row.Amount,
                    row.Currency,
                    lastPair.Source,
                    q.Currency,
                    lastPair.Target
                );
            }) with { HasMedians = medians }, null);
    }

    /// <summary>
    /// The report from the funder's grants held in memory: summed straight into cells and headline
    /// (<see cref="SnapshotSums"/>), priced first, the medians from the grants it keeps.
    /// </summary>
    private async Task<(MixResult? Mix, MissingRates? Missing)> FromSnapshotAsync(
        GrantSnapshot snapshot,
        MixQuery q,
        bool medians,
        CancellationToken ct
    )
    {
        var read = await SnapshotSums.StartAsync(snapshot, q, sums.ResolveCountriesAsync, ct);
        var distinct = read.Days();
        var (book, missing) = await PriceDaysAsync(snapshot.FunderId, q.Currency, distinct, ct);
        if (missing is not null)
        {
            return (null, missing);
        }

        var pairs = Pairs(book, distinct, q.Currency);
        var kept = medians ? new MixMedians([.. q.GroupBy]) : null;
        var (cells, headline) = read.Sum(pairs, kept);
        IReadOnlyList<MedianRow> medianRows = kept is null ? [] : kept.Rows(MixFactors.Of(pairs, q.Currency));
        return (Build(q, cells, headline, medianRows, row => row.Amount) with { HasMedians = medians }, null);
    }

    /// <summary>
    /// Whether the report is one to answer from the funder's grants held in memory when they are fresh
    /// (<see cref="GrantSnapshots"/>): every report but one filtered by source (the snapshot keeps no source). Also
    /// those the stored daily totals answer: summing the snapshot is faster than reading them (level × purpose at 1M
    /// grants: one currency 126 ms from the daily totals, three currencies 598 ms; measured in README, Performance).
    /// </summary>
    private static bool ReadsSnapshot(MixQuery q) => q.Source is null;

    /// <summary>A cell's identity: the values of the grouped dimensions (null or 0 for the others).</summary>
    private readonly record struct CellKey(
        string? Level,
        string? Purpose,
        string? Flexible,
        int Year,
        string? Region,
        string? Country,
        string? Programme
    );

    /// <summary>
    /// The mix from its rows: each converted once into its cell and the headline, except that a row counting in the
    /// cells only (<see cref="MixRow.CellsOnly"/>) leaves the headline to <paramref name="headlineRows"/>.
    /// </summary>
    public static MixResult Build(
        MixQuery q,
        IReadOnlyList<MixRow> rows,
        IReadOnlyList<MixRow> headlineRows,
        IReadOnlyList<MedianRow> medianRows,
        Func<MixRow, long> convert
    )
    {
        var cells = new Dictionary<CellKey, (long Amount, long Grants)>();
        var headline = new Headline(Levels.Length, Purposes.Length);
        var byYear = q.GroupBy.Contains("year");
        var lastDate = default(DateOnly);
        var lastYear = 0;
        foreach (var row in rows)
        {
            var amount = convert(row);
            if (byYear && row.AwardDate != lastDate)
            {
                lastDate = row.AwardDate;
                lastYear = AuditPeriod.FiscalYearOf(row.AwardDate, q.FiscalYearStartMonth);
            }

            var key = KeyOf(q, row.Level, row.Purpose, row.Flexible, lastYear, row.Region, row.Country, row.Programme);
            ref var cell = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(
                cells,
                key,
                out _
            );
            cell.Amount += amount;
            cell.Grants += row.Grants;
            if (!row.CellsOnly)
            {
                headline.Add(row, amount);
            }
        }

        foreach (var row in headlineRows)
        {
            headline.Add(row, convert(row));
        }

        return Result(q, cells, medianRows, headline);
    }

    /// <summary>The mix from its summed cells and headline, with the cells' medians, in display order.</summary>
    private static MixResult Result(
        MixQuery q,
        Dictionary<CellKey, (long Amount, long Grants)> cells,
        IReadOnlyList<MedianRow> medianRows,
        in Headline h
    )
    {
        var medians = MediansByCell(q, medianRows);
        var ordered = cells
            .Select(kv => new MixCell(
                Display(q, kv.Key),
                kv.Value.Amount,
                kv.Value.Grants,
                medians.GetValueOrDefault(kv.Key)
            ))
            .OrderBy(c => Order(c.Key))
            .ToList();
        var levels = h.LevelMinor;
        var purposes = h.PurposeMinor;
        return new MixResult(
            q.Period,
            q.Currency,
            q.GroupBy,
            ordered,
            h.Total,
            h.Grants,
            h.PrevColl,
            h.Flexible,
            h.Local,
            h.Unclassified,
            h.UnclassifiedGrants,
            Levels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => levels[x.i]),
            Purposes.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => purposes[x.i])
        );
    }

    /// <summary>Each cell's median in minor units: the mean of its one or two middle grants, rounded once.</summary>
    private static Dictionary<CellKey, long> MediansByCell(MixQuery q, IReadOnlyList<MedianRow> medianRows) =>
        medianRows
            .GroupBy(m => KeyOf(q, m.Level, m.Purpose, m.Flexible, m.Year ?? 0, m.Region, m.Country, m.Programme))
            .ToDictionary(g => g.Key, g => CurrencyConversion.RoundMinor(g.Average(m => m.X)));

    private static CellKey KeyOf(
        MixQuery q,
        string? level,
        string? purpose,
        bool? flexible,
        int year,
        string? region,
        string? country,
        string? programme
    )
    {
        string? l = null,
            p = null,
            f = null,
            r = null,
            c = null,
            g = null;
        var y = 0;
        foreach (var dim in q.GroupBy)
        {
            switch (dim)
            {
                case "level":
                    l = level ?? "unclassified";
                    break;
                case "purpose":
                    p = purpose ?? "unclassified";
                    break;
                case "flexible":
                    f = flexible switch
                    {
                        true => "true",
                        false => "false",
                        null => "unclassified",
                    };
                    break;
                case "year":
                    y = year;
                    break;
                case "region":
                    r = region ?? "unknown";
                    break;
                case "country":
                    c = country ?? "unknown";
                    break;
                default:
                    g = programme ?? "none";
                    break;
            }
        }

        return new CellKey(l, p, f, y, r, c, g);
    }

    private static Dictionary<string, string> Display(MixQuery q, CellKey k)
    {
        var key = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dim in q.GroupBy)
        {
            key[dim] = dim switch
            {
                "level" => k.Level!,
                "purpose" => k.Purpose!,
                "flexible" => k.Flexible!,
                "year" => k.Year.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "region" => k.Region!,
                "country" => k.Country!,
                _ => k.Programme!,
            };
        }

        return key;
    }

    /// <summary>Cells in the taxonomy's order (levels from global to local, then purposes), then by name.</summary>
    private static string Order(IReadOnlyDictionary<string, string> key) =>
        string.Join(
            "|",
            key.Select(kv =>
                kv.Key switch
                {
                    "level" => Array
                        .IndexOf(Levels, kv.Value)
                        .ToString("00", System.Globalization.CultureInfo.InvariantCulture),
                    "purpose" => Array
                        .IndexOf(Purposes, kv.Value)
                        .ToString("00", System.Globalization.CultureInfo.InvariantCulture),
                    _ => kv.Value,
                }
            )
        );
}
