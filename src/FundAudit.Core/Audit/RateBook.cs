namespace FundAudit.Core.Audit;

/// <summary>One published rate: on <paramref name="Date"/>, 1 unit of <paramref name="Base"/> buys <paramref
/// name="Rate"/> units of <paramref name="Currency"/>.</summary>
public sealed record ExchangeRate(DateOnly Date, string Currency, string Base, decimal Rate);

/// <summary>A currency and award date for which no rate was found within the window.</summary>
public sealed record MissingRate(string Currency, DateOnly Date);

/// <summary>
/// The rates a report may use, looked up by the nearest earlier (or same-day) published date within a window of
/// days, and crossed through their common base: S→T uses rate(T)/rate(S) against the same base; the base itself has
/// rate 1. When several bases are loaded, the first base (in ordinal order) that prices both currencies is used.
/// </summary>
public sealed class RateBook
{
    private readonly Dictionary<(string Base, string Currency), (DateOnly[] Dates, decimal[] Rates)> _series;
    private readonly string[] _bases;

    public RateBook(IEnumerable<ExchangeRate> rates, int windowDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(windowDays);
        WindowDays = windowDays;
        _series = rates
            .GroupBy(r => (Base: r.Base.ToUpperInvariant(), Currency: r.Currency.ToUpperInvariant()))
            .ToDictionary(
                g => g.Key,
                g =>
                {
                    var ordered = g.GroupBy(r => r.Date).Select(d => d.Last()).OrderBy(r => r.Date).ToArray();
                    return (ordered.Select(r => r.Date).ToArray(), ordered.Select(r => r.Rate).ToArray());
                }
            );
        _bases = [.. _series.Keys.Select(k => k.Base).Distinct().Order(StringComparer.Ordinal)];
    }

    public int WindowDays { get; }

    /// <summary>The rate of <paramref name="currency"/> against <paramref name="baseCurrency"/> on the nearest
    /// published date ≤ <paramref name="date"/> within the window.</summary>
    public decimal? RateOn(string baseCurrency, string currency, DateOnly date)
    {
        if (string.Equals(baseCurrency, currency, StringComparison.OrdinalIgnoreCase))
        {
            return 1m;
        }

        if (!_series.TryGetValue((baseCurrency.ToUpperInvariant(), currency.ToUpperInvariant()), out var s))
        {
            return null;
        }

        var i = Array.BinarySearch(s.Dates, date);
        if (i < 0)
        {
            i = ~i - 1; // the last date before
        }

        return i >= 0 && s.Dates[i].DayNumber >= date.DayNumber - WindowDays ? s.Rates[i] : null;
    }

    /// <summary>The (source rate, target rate) pair against one base, or null when no base prices both on that
    /// date.</summary>
    public (decimal Source, decimal Target)? Pair(string source, string target, DateOnly date)
    {
        if (string.Equals(source, target, StringComparison.OrdinalIgnoreCase))
        {
            return (1m, 1m);
        }

        foreach (var b in _bases)
        {
            if (RateOn(b, source, date) is { } s && RateOn(b, target, date) is { } t)
            {
                return (s, t);
            }
        }

        return null;
    }

    /// <summary>Converts an exact amount of minor units with <see cref="CurrencyConversion"/>, or null when a rate is
    /// missing.</summary>
    public long? Convert(long amountMinor, string source, string target, DateOnly date) =>
        Pair(source, target, date) is { } p
            ? CurrencyConversion.Convert(amountMinor, source, p.Source, target, p.Target)
            : null;
}
