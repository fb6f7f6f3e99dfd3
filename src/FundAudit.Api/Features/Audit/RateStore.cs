using System.Data;
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

    private const int RatesPerStatement = 100;

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
                await InsertRatesAsync(tx, funderId, now, unique, ct);
            },
            ct
        );
    }

    /// <summary>
    /// Inserts the rates <see cref="RatesPerStatement"/> to a statement through one command whose parameters are made
    /// once and given new values per chunk. (Dapper's DynamicParameters looks up every name among the command's
    /// parameters before adding it, so 1,200 parameters a statement cost 0.7 million name comparisons, and the ECB
    /// history, 210,000 rates, took 50 s on SQLite.)
    /// </summary>
    private static async Task InsertRatesAsync(
        DbTransaction tx,
        long funderId,
        DateTimeOffset now,
        IReadOnlyList<ExchangeRate> rates,
        CancellationToken ct
    )
    {
        DbCommand? command = null;
        try
        {
            foreach (var chunk in rates.Chunk(RatesPerStatement))
            {
                if (command is null || command.Parameters.Count != 2 + (4 * chunk.Length))
                {
                    if (command is not null)
                    {
                        await command.DisposeAsync();
                    }

                    command = InsertCommand(tx, chunk.Length, funderId, now);
                }

                for (var i = 0; i < chunk.Length; i++)
                {
                    command.Parameters[2 + (4 * i)].Value = chunk[i].Base;
                    command.Parameters[3 + (4 * i)].Value = chunk[i].Currency;
                    command.Parameters[4 + (4 * i)].Value = chunk[i].Date;
                    command.Parameters[5 + (4 * i)].Value = chunk[i].Rate.ToString(CultureInfo.InvariantCulture);
                }

                await command.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }
    }

    /// <summary>An INSERT of <paramref name="rows"/> rates, its parameters made once.</summary>
    private static DbCommand InsertCommand(DbTransaction tx, int rows, long funderId, DateTimeOffset now)
    {
        var command = tx.Connection!.CreateCommand();
        command.Transaction = tx;
        Add(command, "FunderId", DbType.Int64, funderId);
        Add(command, "LoadedAt", DbType.DateTimeOffset, now.ToUniversalTime());
        var values = new List<string>(rows);
        for (var i = 0; i < rows; i++)
        {
            values.Add($"(@FunderId, @B{i}, @C{i}, @D{i}, @R{i}, @LoadedAt)");
            Add(command, "B" + i, DbType.String, "");
            Add(command, "C" + i, DbType.String, "");
            Add(command, "D" + i, null, DateOnly.MinValue); // each provider binds DateOnly as its date
            Add(command, "R" + i, DbType.String, "");
        }

        command.CommandText =
            "INSERT INTO fx_rates (funder_id, base, currency, rate_date, rate, loaded_at) VALUES "
            + string.Join(", ", values);
        return command;
    }

    private static void Add(DbCommand command, string name, DbType? type, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name; // with its prefix: SQLite then finds it in one lookup, not three
        if (type is { } known)
        {
            parameter.DbType = known;
        }

        parameter.Value = value;
        command.Parameters.Add(parameter);
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
