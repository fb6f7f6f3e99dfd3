using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit;

/// <summary>One loaded rate series of a funder: how many rates of a currency against a base, and their dates.</summary>
internal sealed class RateSeriesRow
{
    public string Base { get; init; } = "";

    public string Currency { get; init; } = "";

    public long Rates { get; init; }

    public DateOnly First { get; init; }

    public DateOnly Last { get; init; }
}

/// <summary>The funder's exchange rates (fx_rates): loaded by POST /api/audit/rates, read to price the mix.</summary>
internal sealed class RateStore(Db db)
{
    private const string DeleteRatesSql = """
        DELETE FROM fx_rates
        WHERE funder_id = @FunderId AND base = @Base AND currency = @Currency
          AND rate_date >= @First AND rate_date <= @Last
        """;
    private const string SelectRates = """
        SELECT base, currency, rate_date, rate FROM fx_rates
        WHERE funder_id = @FunderId AND rate_date >= @From AND rate_date <= @To
        """;
    private const string SelectRateSeries = """
        SELECT base, currency, COUNT(*) AS rates, MIN(rate_date) AS first, MAX(rate_date) AS last FROM fx_rates
        WHERE funder_id = @FunderId GROUP BY base, currency ORDER BY base, currency
        """;

    private const int RatesPerStatement = 300;

    /// <summary>
    /// Replaces the funder's rates for each (base, currency) over the loaded date range, in one transaction.
    /// </summary>
    public async Task StoreRatesAsync(
        long funderId,
        IReadOnlyList<ExchangeRate> rates,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        await db.InTransactionAsync(
            async tx =>
            {
                foreach (var series in rates.GroupBy(r => (r.Base, r.Currency)))
                {
                    var args = new
                    {
                        FunderId = funderId,
                        series.Key.Base,
                        series.Key.Currency,
                        First = series.Min(r => r.Date),
                        Last = series.Max(r => r.Date),
                    };
                    await tx.ExecuteAsync(DeleteRatesSql, args, ct);
                }

                var unique = rates.GroupBy(r => (r.Base, r.Currency, r.Date)).Select(g => g.Last()).ToList();
                foreach (var chunk in unique.Chunk(RatesPerStatement))
                {
                    var p = new DynamicParameters();
                    p.Add("FunderId", funderId);
                    p.Add("LoadedAt", now);
                    var values = new List<string>(chunk.Length);
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        values.Add($"(@FunderId, @B{i}, @C{i}, @D{i}, @R{i}, @LoadedAt)");
                        p.Add("B" + i, chunk[i].Base);
                        p.Add("C" + i, chunk[i].Currency);
                        p.Add("D" + i, chunk[i].Date);
                        p.Add("R" + i, chunk[i].Rate.ToString(CultureInfo.InvariantCulture));
                    }

                    var insert =
                        "INSERT INTO fx_rates (funder_id, base, currency, rate_date, rate, loaded_at) VALUES "
                        + string.Join(", ", values);
                    await tx.ExecuteAsync(insert, p, ct);
                }
            },
            ct
        );
    }

    /// <summary>The funder's rate series, by base and currency.</summary>
    public async Task<IReadOnlyList<RateSeriesRow>> RateSeriesAsync(long funderId, CancellationToken ct) =>
        await db.QueryListAsync<RateSeriesRow>(SelectRateSeries, new { FunderId = funderId }, ct);

    /// <summary>
    /// The funder's rates of <paramref name="currencies"/> published from <paramref name="from"/> to
    /// <paramref name="to"/>.
    /// </summary>
    public async Task<IReadOnlyList<ExchangeRate>> RatesAsync(
        long funderId,
        IReadOnlyCollection<string> currencies,
        DateOnly from,
        DateOnly to,
        CancellationToken ct
    )
    {
        var args = new
        {
            FunderId = funderId,
            From = from,
            To = to,
            Currencies = currencies.ToArray(),
        };
        var sql = SelectRates + " AND " + db.Dialect.InList("currency", "Currencies");
        var rows = await db.QueryListAsync<(string Base, string Currency, DateOnly RateDate, string Rate)>(
            sql,
            args,
            ct
        );
        return rows.Select(r => new ExchangeRate(
                r.RateDate,
                r.Currency,
                r.Base,
                decimal.Parse(r.Rate, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
            ))
            .ToList();
    }
}
