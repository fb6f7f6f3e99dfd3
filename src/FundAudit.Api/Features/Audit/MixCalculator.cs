using FundAudit.Core.Audit;
using FundAudit.Core.Money;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Features.Audit;

/// <summary>The value of one dimension of a cell: level, purpose, flexible, year, region, country or programme.</summary>
internal sealed record MixCell(IReadOnlyDictionary<string, string> Key, long AmountMinor, long Grants, long MedianMinor);

/// <summary>
/// The mix in one currency: cells, totals and the headline amounts. Every share is of <see cref="TotalMinor"/>, the
/// whole period (unclassified grants included), so nothing is dropped silently.
/// </summary>
internal sealed record MixResult(
    AuditPeriod Period,
    string Currency,
    IReadOnlyList<string> GroupBy,
    IReadOnlyList<MixCell> Cells,
    long TotalMinor,
    long Grants,
    long PreventionCollectiveMinor,
    long FlexibleMinor,
    long LocalMinor,
    long UnclassifiedMinor,
    long UnclassifiedGrants,
    IReadOnlyDictionary<string, long> LevelMinor,
    IReadOnlyDictionary<string, long> PurposeMinor)
{
    /// <summary>Whether the cells' medians were computed (includeMedian=true); otherwise MedianMinor is 0 and not shown.</summary>
    public bool HasMedians { get; init; }
}

/// <summary>What a report lacks: the currencies and award dates without a rate in the window.</summary>
internal sealed record MissingRates(string Currency, IReadOnlyList<MissingRate> Missing);

/// <summary>
/// Computes the mix: the database groups and sums by (currency, award date, cell); each group is converted exactly
/// (<see cref="CurrencyConversion"/>, rounded once per group) and added into its cell. A missing rate stops the whole
/// report: never a silently partial total.
/// </summary>
internal sealed class MixCalculator(AuditStore store, IOptions<AuditOptions> options)
{
    public static readonly string[] Levels = ["global", "regional", "national", "local", "unclassified"];
    public static readonly string[] Purposes = ["prevention", "collective", "emergency", "campaign", "unclassified"];

    public AuditOptions Options => options.Value;

    public async Task<(MixResult? Mix, MissingRates? Missing)> ComputeAsync(long funderId, MixQuery q, bool medians, CancellationToken ct)
    {
        RateBook? book = null;
        MissingRates? missing = null;
        var factors = new Dictionary<(string, DateOnly), decimal>();
        var result = await store.MixAsync(funderId, q, medians, async rows =>
        {
            (book, missing) = await PriceAsync(funderId, q.Currency, rows, ct);
            if (missing is not null)
            {
                return null;
            }

            var targetExponent = Pow10(Currencies.Exponent(q.Currency));
            foreach (var (currency, date) in rows.Select(r => (r.Currency, r.AwardDate)).Distinct())
            {
                var pair = book!.Pair(currency, q.Currency, date)!.Value;
                factors[(currency, date)] = pair.Target * targetExponent / (pair.Source * Pow10(Currencies.Exponent(currency)));
            }

            return factors;
        }, ct);

        if (result is null)
        {
            return (null, missing);
        }

        return (Build(q, result.Value.Rows, result.Value.Medians, (row) => book!.Convert(row.Amount, row.Currency, q.Currency, row.AwardDate)!.Value) with { HasMedians = medians }, null);
    }

    /// <summary>The funder's rate book for the rows' currencies and dates, or what is missing.</summary>
    public async Task<(RateBook Book, MissingRates? Missing)> PriceAsync(long funderId, string target, IReadOnlyList<MixRow> rows, CancellationToken ct)
    {
        var currencies = rows.Select(r => r.Currency).Append(target).Distinct(StringComparer.Ordinal).ToList();
        var window = options.Value.RateWindowDays;
        IReadOnlyList<ExchangeRate> rates = [];
        if (rows.Count > 0 && currencies.Count > 1)
        {
            var min = rows.Min(r => r.AwardDate).AddDays(-window);
            var max = rows.Max(r => r.AwardDate);
            rates = await store.RatesAsync(funderId, currencies, min, max, ct);
        }

        var book = new RateBook(rates, window);
        var missing = rows.Select(r => (r.Currency, r.AwardDate)).Distinct()
            .Where(x => book.Pair(x.Currency, target, x.AwardDate) is null)
            .Select(x => new MissingRate(x.Currency, x.AwardDate))
            .OrderBy(m => m.Currency, StringComparer.Ordinal).ThenBy(m => m.Date)
            .ToList();
        return (book, missing.Count == 0 ? null : new MissingRates(target, missing));
    }

    public static MixResult Build(MixQuery q, IReadOnlyList<MixRow> rows, IReadOnlyList<MedianRow> medianRows, Func<MixRow, long> convert)
    {
        var cells = new Dictionary<string, (Dictionary<string, string> Key, long Amount, long Grants)>(StringComparer.Ordinal);
        long total = 0, grants = 0, prevColl = 0, flexible = 0, local = 0, unclassified = 0, unclassifiedGrants = 0;
        var levels = Levels.ToDictionary(l => l, _ => 0L);
        var purposes = Purposes.ToDictionary(p => p, _ => 0L);
        foreach (var row in rows)
        {
            var amount = convert(row);
            var key = KeyOf(q, row.Level, row.Purpose, row.Flexible, AuditPeriod.FiscalYearOf(row.AwardDate, q.FiscalYearStartMonth), row.Region, row.Country, row.Programme);
            var id = string.Join("|", key.Values);
            cells[id] = cells.TryGetValue(id, out var c) ? (c.Key, c.Amount + amount, c.Grants + row.Grants) : (key, amount, row.Grants);
            total += amount;
            grants += row.Grants;
            if (row.Purpose is "prevention" or "collective")
            {
                prevColl += amount;
            }

            if (row.Flexible == true)
            {
                flexible += amount;
            }

            if (row.Level == "local")
            {
                local += amount;
            }

            if (row.Level == "unclassified" || row.Purpose == "unclassified")
            {
                unclassified += amount;
                unclassifiedGrants += row.Grants;
            }

            levels[levels.ContainsKey(row.Level) ? row.Level : "unclassified"] += amount;
            purposes[purposes.ContainsKey(row.Purpose) ? row.Purpose : "unclassified"] += amount;
        }

        var medians = medianRows
            .GroupBy(m => string.Join("|", KeyOf(q, m.Level, m.Purpose, m.Flexible, m.Year ?? 0, m.Region, m.Country, m.Programme).Values))
            .ToDictionary(g => g.Key, g => CurrencyConversion.RoundMinor(g.Average(m => m.X)), StringComparer.Ordinal);
        var ordered = cells
            .Select(kv => new MixCell(kv.Value.Key, kv.Value.Amount, kv.Value.Grants, medians.GetValueOrDefault(kv.Key)))
            .OrderBy(c => Order(c.Key))
            .ToList();
        return new MixResult(q.Period, q.Currency, q.GroupBy, ordered, total, grants, prevColl, flexible, local, unclassified, unclassifiedGrants, levels, purposes);
    }

    private static Dictionary<string, string> KeyOf(MixQuery q, string? level, string? purpose, bool? flexible, int year, string? region, string? country, string? programme)
    {
        var key = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dim in q.GroupBy)
        {
            key[dim] = dim switch
            {
                "level" => level ?? "unclassified",
                "purpose" => purpose ?? "unclassified",
                "flexible" => flexible switch { true => "true", false => "false", null => "unclassified" },
                "year" => year.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "region" => region ?? "unknown",
                "country" => country ?? "unknown",
                _ => programme ?? "none",
            };
        }

        return key;
    }

    /// <summary>Cells in the taxonomy's order (levels from global to local, then purposes), then by name.</summary>
    private static string Order(IReadOnlyDictionary<string, string> key) => string.Join("|", key.Select(kv => kv.Key switch
    {
        "level" => Array.IndexOf(Levels, kv.Value).ToString("00", System.Globalization.CultureInfo.InvariantCulture),
        "purpose" => Array.IndexOf(Purposes, kv.Value).ToString("00", System.Globalization.CultureInfo.InvariantCulture),
        _ => kv.Value,
    }));

    private static decimal Pow10(int exponent)
    {
        var r = 1m;
        for (var i = 0; i < exponent; i++)
        {
            r *= 10m;
        }

        return r;
    }
}
