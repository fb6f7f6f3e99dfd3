using FundAudit.Core.Audit;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.Audit;

/// <summary>The mix's prices: the rate pair of every (currency, award day) its groups convert with, or what is
/// missing.</summary>
internal sealed partial class MixCalculator
{
    /// <summary>One rate pair per (currency, award day), looked up once; every group of that day converts with
    /// it.</summary>
    private static Dictionary<(string Currency, DateOnly Date), (decimal Source, decimal Target)> Pairs(
        RateBook book,
        HashSet<(string Currency, DateOnly Date)> distinct,
        string target
    )
    {
        var pairs = new Dictionary<(string Currency, DateOnly Date), (decimal Source, decimal Target)>(distinct.Count);
        foreach (var (currency, date) in distinct)
        {
            pairs[(currency, date)] = book.Pair(currency, target, date)!.Value;
        }

        return pairs;
    }

    /// <summary>The distinct (currency, award day) pairs of the rows.</summary>
    private static HashSet<(string Currency, DateOnly Date)> DistinctDays(IReadOnlyList<MixRow> rows)
    {
        var distinct = new HashSet<(string Currency, DateOnly Date)>();
        var last = (Currency: (string?)null, Date: default(DateOnly));
        foreach (var r in rows)
        {
            if (!ReferenceEquals(r.Currency, last.Currency) || r.AwardDate != last.Date)
            {
                last = (r.Currency, r.AwardDate);
                distinct.Add((r.Currency, r.AwardDate));
            }
        }

        return distinct;
    }

    /// <summary>The funder's rate book for the (currency, award day) pairs <paramref name="distinct"/>, or what is
    /// missing (which stops the report).</summary>
    private async Task<(RateBook Book, MissingRates? Missing)> PriceDaysAsync(
        long funderId,
        string target,
        HashSet<(string Currency, DateOnly Date)> distinct,
        CancellationToken ct
    )
    {
        var currencies = new HashSet<string>(StringComparer.Ordinal) { target };
        var min = DateOnly.MaxValue;
        var max = DateOnly.MinValue;
        foreach (var (currency, date) in distinct)
        {
            currencies.Add(currency);
            min = date < min ? date : min;
            max = date > max ? date : max;
        }

        var window = options.Value.RateWindowDays;
        IReadOnlyList<ExchangeRate> found = [];
        if (distinct.Count > 0 && currencies.Count > 1)
        {
            found = await rates.RatesAsync(funderId, currencies, min.AddDays(-window), max, ct);
        }

        var book = new RateBook(found, window);
        var missing = distinct
            .Where(x => book.Pair(x.Currency, target, x.Date) is null)
            .Select(x => new MissingRate(x.Currency, x.Date))
            .OrderBy(m => m.Currency, StringComparer.Ordinal)
            .ThenBy(m => m.Date)
            .ToList();
        return (book, missing.Count == 0 ? null : new MissingRates(target, missing));
    }
}
