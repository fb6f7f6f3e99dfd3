using System.Runtime.InteropServices;

namespace FundAudit.Api.Features.Audit;

/// <summary>The scan's read of the grants in the report's currency, summed by the database.</summary>
internal sealed partial class MixGrantScan
{
    /// <summary>The report-currency grants (<see cref="MixReportCurrency"/>) summed by the database by the report's
    /// groups, each sum filed under the period's first day (its rate pair is the identity, whatever the day), with
    /// the headline's rows and whether another currency is stored when the statement carries them; with
    /// <c>keepGrants</c>, each group's amounts (one array a group) kept for <see cref="Medians"/>. A funder's statement
    /// on an engine that reads it on one thread (SQLite, <see cref="IDbDialect.ParallelQuery"/>) runs in two award-date
    /// ranges on two connections (<see cref="InTwoRangesAsync"/>): at 1M grants level × country's statement took
    /// 0.86 s of CPU for the period and 0.41 s for each half with its own bounds, in the sqlite3 shell. So does one
    /// that sends each group's amounts (<c>keepGrants</c>) on any engine (<see cref="SplitsWithAmounts"/>).</summary>
    private async Task ReadReportCurrencyAsync(
        DbConnection connection,
        string where,
        IReadOnlyDictionary<string, object> p,
        CancellationToken ct
    )
    {
        var split = MixReportCurrency.Splits(q);
        var headline = split ? MixFilter.OverDayTotals(funderId, q).Where : null;
        var (sql, o) = MixReportCurrency.Sql(
            where,
            q,
            _corrections.Count > 0,
            headline,
            probe: true,
            keepGrants ? db.Dialect : null,
            db.Dialect.GroupsBySorting
        );
        if (twoRanges && (!db.Dialect.ParallelQuery || SplitsWithAmounts))
        {
            // Each range's statement with its own bounds, its headline and probe too (their daily totals are the
            // range's, read in the same snapshot as its grants): every grant and daily total is read once.
            await InTwoRangesAsync(
                connection,
                p,
                (scan, other, range) => scan.ReadReportCurrencyRowsAsync(other, sql, range, o, split, ct),
                ct
            );
            return;
        }

        await ReadReportCurrencyRowsAsync(connection, sql, p, o, split, ct);
    }

    /// <summary>
    /// Whether the statement sends each group's amounts and each range reads only its own grants: PostgreSQL 15 runs
    /// an aggregate without a combine function (<c>string_agg</c>, <see cref="IDbDialect.EveryValue"/>) in one process,
    /// so the place and programme medians summed a million grants on one core (level × country 589–699 ms, two ranges
    /// 372–417, measured). Not with a programme filter: the programme title is not in PostgreSQL's covering index,
    /// so each range scanned the whole table for its programme (Programme 1: 263–266 ms whole, 284–296 split).
    /// </summary>
    private bool SplitsWithAmounts => keepGrants && q.Programme is null;

    /// <summary>The rows of <see cref="MixReportCurrency.Sql"/>'s statement <paramref name="sql"/> (its optional
    /// columns at <paramref name="o"/>; grouped by the report's dimensions only when <paramref name="cellsOnly"/>) put
    /// into this scan.</summary>
    private Task ReadReportCurrencyRowsAsync(
        DbConnection connection,
        string sql,
        IReadOnlyDictionary<string, object> p,
        (int Country, int Programme, int Amounts) o,
        bool cellsOnly,
        CancellationToken ct
    )
    {
        var (day, currency) = (q.Period.From.DayNumber, Texts.IdOf(q.Currency));
        return db.Engine.ReadRowsAsync(
            connection,
            sql,
            p,
            row =>
            {
                switch ((MixReportCurrency.Part)row.Int64(0))
                {
                    case MixReportCurrency.Part.OtherCurrency:
                        _others = true;
                        return;
                    case MixReportCurrency.Part.Headline:
                        AddHeadline(row, day, currency);
                        return;
                }

                var group = AddSum(
                    new Key(
                        day,
                        currency,
                        TextId(row, 3, 1),
                        TextId(row, 4, 2),
                        MixFlexible.Of(row, 5),
                        -1,
                        o.Country >= 0 ? TextId(row, o.Country, 3) : -1,
                        o.Programme >= 0 ? TextId(row, o.Programme, 4) : -1,
                        cellsOnly
                    ),
                    row.Int64(1),
                    row.Int64(2)
                );
                if (o.Amounts >= 0)
                {
                    foreach (var amount in row.Int64s(o.Amounts))
                    {
                        _grants.Add((group, amount));
                    }
                }
            },
            ct
        );
    }

    /// <summary>
    /// A headline row of the daily totals (flexible stored as 1, 0 or −1) added to its class's: one row a class
    /// whether the statement grouped them or sent them by day (<see cref="IDbDialect.GroupsBySorting"/>).
    /// </summary>
    private void AddHeadline(IRowCursor row, int day, int currency)
    {
        var (level, purpose, flexible) = (TextId(row, 3, 1), TextId(row, 4, 2), MixFlexible.OfTotal(row.Int64(6)));
        ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(
            _headlineOf,
            (level, purpose, flexible),
            out var found
        );
        if (!found)
        {
            sum = RowOf(new Key(day, currency, level, purpose, flexible, -1, -1, -1), (0, 0));
            _headline.Add(sum);
        }

        (sum!.Grants, sum.Amount) = (sum.Grants + row.Int64(1), sum.Amount + row.Int64(2));
    }
}
