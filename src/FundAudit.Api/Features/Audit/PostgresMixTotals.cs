using FundAudit.Core.Audit;
using FundAudit.Core.Money;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// PostgreSQL: a funder's mix without medians grouped and converted by the server, so that the service reads one row
/// per cell, level, purpose and flexibility instead of every rounding group (261,002 daily rows at 1M grants). The
/// rounding groups are the same as the service's (<see cref="MixStore"/>: the daily totals when they hold the query,
/// else the grants with their corrections and country_regions), and each is converted exactly as
/// <see cref="CurrencyConversion.Convert"/> does: its sum of minor units × rate(T) × 10^e(T) ÷ (rate(S) × 10^e(S)),
/// in numeric (exact), rounded once half to even with <c>div</c> and <c>mod</c>. The rate pairs are those of
/// <see cref="RateBook.Pair"/>, made here for every priced currency and day of the period and passed as arrays;
/// a group of another currency without a pair comes back as a missing rate, which stops the report as before.
/// </summary>
internal sealed class PostgresMixTotals(Db db, IOptions<AuditOptions> options)
{
    /// <summary>More rate pairs than this (a period of decades) and the service converts instead.</summary>
    public const int MaxPairs = 250_000;

    private const string Funder = "SELECT base, currency, rate_date, rate FROM fx_rates WHERE funder_id = @FunderId";

    /// <summary>Whether the server converts the mix: on PostgreSQL, without medians (they read every grant).</summary>
    public bool Serves(bool medians) => !medians && db.Engine.Provider == DatabaseProvider.Postgres;

    /// <summary>The mix of <paramref name="q"/>, or what is missing; null when the period has too many pairs.</summary>
    public async Task<(MixResult? Mix, MissingRates? Missing)?> ComputeAsync(
        long funderId,
        MixQuery q,
        CancellationToken ct
    )
    {
        var pairs = await PairsAsync(funderId, q, ct);
        if (pairs is null)
        {
            return null;
        }

        var (sql, p, dims) = Sql(funderId, q, pairs);
        var rows = new List<MixRow>();
        var missing = new HashSet<(string Currency, DateOnly Date)>();
        await using var connection = await db.OpenAsync(ct);
        await db.Engine.ReadRowsAsync(connection, sql, p, row => Read(row, q, dims, rows, missing), ct);
        if (missing.Count > 0)
        {
            var list = missing
                .Select(m => new MissingRate(m.Currency, m.Date))
                .OrderBy(m => m.Currency, StringComparer.Ordinal)
                .ThenBy(m => m.Date)
                .ToList();
            return (null, new MissingRates(q.Currency, list));
        }

        return (MixCalculator.Build(q, rows, [], r => r.Amount), null);
    }

    /// <summary>A row: the cell's dimensions, grants and converted amount; or a (currency, day) without rate.</summary>
    private static void Read(
        IRowCursor row,
        MixQuery q,
        List<string> dims,
        List<MixRow> rows,
        HashSet<(string, DateOnly)> missing
    )
    {
        var n = dims.Count;
        if (!row.IsNull(n + 2))
        {
            missing.Add((row.Text(n + 2), row.Date(n + 3)));
            return;
        }

        string? Text(string name) => dims.IndexOf(name) is var i and >= 0 && !row.IsNull(i) ? row.Text(i) : null;
        var year = dims.IndexOf("year") is var y and >= 0 ? (int)row.Int64(y) : 0;
        var flexible = row.Int64(2);
        rows.Add(
            new MixRow
            {
                Level = Text("level") ?? "unclassified",
                Purpose = Text("purpose") ?? "unclassified",
                Flexible =
                    flexible == 1 ? true
                    : flexible == 0 ? false
                    : null,
                Region = Text("region"),
                Country = Text("country"),
                Programme = Text("programme"),
                // The first day of its fiscal year: what Build reads the year from.
                AwardDate = year == 0 ? default : new DateOnly(year, q.FiscalYearStartMonth, 1),
                Grants = row.Int64(n),
                Amount = row.Int64(n + 1),
            }
        );
    }

    /// <summary>
    /// Each priced (currency, day) of the period: (currency, day, rate(T) × 10^e(T), rate(S) × 10^e(S)) for every
    /// currency of the funder's rates but the report's; null when there would be more than <see cref="MaxPairs"/>.
    /// </summary>
    private async Task<List<(string Currency, DateOnly Day, decimal Num, decimal Den)>?> PairsAsync(
        long funderId,
        MixQuery q,
        CancellationToken ct
    )
    {
        var window = options.Value.RateWindowDays;
        var from = q.Period.From.AddDays(-window);
        var found = await db.QueryListAsync<(string Base, string Currency, DateOnly RateDate, string Rate)>(
            Funder + " AND rate_date >= @From AND rate_date <= @To",
            new
            {
                FunderId = funderId,
                From = from,
                To = q.Period.To,
            },
            ct
        );
        var book = new RateBook(
            found.Select(r => new ExchangeRate(
                r.RateDate,
                r.Currency,
                r.Base,
                decimal.Parse(r.Rate, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
            )),
            window
        );
        var currencies = found
            .SelectMany(r => new[] { r.Base.ToUpperInvariant(), r.Currency.ToUpperInvariant() })
            .Where(c => !string.Equals(c, q.Currency, StringComparison.OrdinalIgnoreCase) && Currencies.All.Contains(c))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var days = q.Period.To.DayNumber - q.Period.From.DayNumber + 1;
        if ((long)days * currencies.Count > MaxPairs)
        {
            return null;
        }

        var target = Pow10(Currencies.Exponent(q.Currency));
        var pairs = new List<(string, DateOnly, decimal, decimal)>();
        foreach (var currency in currencies)
        {
            var source = Pow10(Currencies.Exponent(currency));
            for (var day = q.Period.From; day <= q.Period.To; day = day.AddDays(1))
            {
                if (book.Pair(currency, q.Currency, day) is { } pair)
                {
                    pairs.Add((currency, day, pair.Target * target, pair.Source * source));
                }
            }
        }

        return pairs;
    }

    /// <summary>
    /// The statement: the rounding groups (the inner GROUP BY, by currency and day), each converted with its pair,
    /// summed by the query's cells with level, purpose and flexible (the headline figures need them); groups of
    /// another currency without a pair grouped apart by (currency, day), the last two columns.
    /// </summary>
    private (string Sql, Dictionary<string, object> Parameters, List<string> Dims) Sql(
        long funderId,
        MixQuery q,
        List<(string Currency, DateOnly Day, decimal Num, decimal Den)> pairs
    )
    {
        var (groups, p, places) = RoundingGroups(funderId, q);
        p["Target"] = q.Currency.ToUpperInvariant();
        p["FCurrency"] = pairs.Select(x => x.Currency).ToArray();
        p["FDay"] = pairs.Select(x => x.Day).ToArray();
        p["FNum"] = pairs.Select(x => x.Num).ToArray();
        p["FDen"] = pairs.Select(x => x.Den).ToArray();
        p[MixDimensions.ShiftMonthsParameter] = q.FiscalYearStartMonth - 1;
        var dims = new List<string> { "level", "purpose", "flexible" };
        var columns = new List<string> { "x.level", "x.purpose", "x.flexible" };
        foreach (var place in places)
        {
            dims.Add(place);
            columns.Add("x." + place);
        }

        if (q.GroupBy.Contains("year"))
        {
            dims.Add("year");
            columns.Add(db.Dialect.FiscalYearOf("x.award_date", MixDimensions.ShiftMonthsParameter));
        }

        var cells = string.Join(", ", columns);
        var sql = $"""
            SELECT {cells}, SUM(x.n)::bigint, SUM(x.converted)::bigint, x.missing_currency, x.missing_day
            FROM (
                SELECT s.*,
                       CASE WHEN upper(s.currency) = @Target THEN s.a
                            ELSE s.q + sign(s.r) * CASE WHEN 2 * abs(s.r) > s.den
                                                        OR (2 * abs(s.r) = s.den AND mod(s.q, 2) <> 0)
                                                       THEN 1 ELSE 0 END
                       END AS converted,
                       CASE WHEN s.priced OR upper(s.currency) = @Target THEN NULL ELSE s.currency END
                           AS missing_currency,
                       CASE WHEN s.priced OR upper(s.currency) = @Target THEN NULL ELSE s.award_date END
                           AS missing_day
                FROM (
                    SELECT s.*, f.den, f.den IS NOT NULL AS priced,
                           div(s.a * f.num, f.den) AS q, mod(s.a * f.num, f.den) AS r
                    FROM ({groups}) s
                    LEFT JOIN unnest(@FCurrency::text[], @FDay::date[], @FNum::numeric[], @FDen::numeric[])
                        AS f(currency, day, num, den)
                        ON f.currency = upper(s.currency) AND f.day = s.award_date
                ) s
            ) x
            GROUP BY {cells}, x.missing_currency, x.missing_day
            """;
        return (sql, p, dims);
    }

    /// <summary>
    /// The rounding groups as <see cref="MixStore"/> makes them (currency, award_date, level, purpose, flexible as
    /// 1/0/−1, the grouped places and programme; n grants, a minor units), and the place columns they carry.
    /// </summary>
    private (string Sql, Dictionary<string, object> Parameters, List<string> Places) RoundingGroups(
        long funderId,
        MixQuery q
    )
    {
        if (MixFilter.ReadsDayTotals(q))
        {
            var (where, dp) = MixFilter.OverDayTotals(funderId, q);
            return (
                $"""
                SELECT t.currency, t.award_date, t.level, t.purpose, t.flexible,
                       SUM(t.grant_count) AS n, SUM(t.amount) AS a
                FROM grant_day_totals t
                WHERE {where}
                GROUP BY t.currency, t.award_date, t.level, t.purpose, t.flexible
                """,
                dp,
                []
            );
        }

        var (grantsWhere, p) = MixFilter.OverGrants(funderId, q);
        var places = MixDimensions
            .Summed(q)
            .Where(d => d.InSums == MixSumColumn.WhenGrouped)
            .Select(d => (d.Name, Column: d.Column(db.Dialect)))
            .ToList();
        var select = string.Concat(places.Select(d => $", {d.Column} AS {d.Name}"));
        var group = string.Concat(places.Select(d => ", " + d.Column));
        const string Flexible = "CASE COALESCE(c.flexible, g.flexible) WHEN true THEN 1 WHEN false THEN 0 ELSE -1 END";
        return (
            $"""
            SELECT g.currency, g.award_date, COALESCE(c.level, g.level) AS level,
                   COALESCE(c.purpose, g.purpose) AS purpose, {Flexible} AS flexible{select},
                   COUNT(*) AS n, SUM(g.amount_awarded) AS a
            FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id{MixFilter.RegionJoin(q)}
            WHERE {grantsWhere}
            GROUP BY g.currency, g.award_date, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
                     {Flexible}{group}
            """,
            p,
            [.. places.Select(d => d.Name)]
        );
    }

    private static decimal Pow10(int exponent) => exponent == 0 ? 1m : 10m * Pow10(exponent - 1);
}
