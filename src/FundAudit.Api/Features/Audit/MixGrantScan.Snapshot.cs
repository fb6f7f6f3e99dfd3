using FundAudit.Api.Features.Audit.Snapshots;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The scan of a funder's grants held in this instance's memory (<see cref="GrantSnapshot"/>) instead of read from
/// the database: the same groups, sums and kept grants, so the same report. Every grant of the period is summed here
/// (no report-currency statement, no daily totals for the headline: the rows count in the headline too), the
/// corrections being in the snapshot already; the programme filter compares the title as the statement's
/// <c>=</c> does (ordinal); a region or country filter keeps the grants whose country the engine resolves to it
/// (<see cref="Placed"/>), as the join the place keys stand for did. The recipient countries are still resolved by the
/// database, so a place is what country_regions says now.
/// </summary>
internal sealed partial class MixGrantScan
{
    /// <summary>How many grants of a period the snapshot's scan sums on one thread; more in two side by side.</summary>
    private const int GrantsPerThread = 200_000;

    /// <summary>Each snapshot text's number among this scan's texts (null when the scan reads the database).</summary>
    private int[]? _snapshotTexts;

    /// <summary>The sums of the report over <paramref name="snapshot"/>, one <see cref="MixRow"/> per group; a
    /// connection is opened only to resolve the recipient countries, when the report groups or filters by
    /// place.</summary>
    public async Task<List<MixRow>> ReadAsync(GrantSnapshot snapshot, CancellationToken ct)
    {
        _reportCurrency = q.GroupBy.Contains("year") ? -1 : Texts.IdOf(q.Currency);
        _snapshotTexts = [.. snapshot.Texts.Select(Texts.IdOf)];
        var programme = q.Programme is null ? -1 : snapshot.Find(q.Programme);
        var (start, end) = snapshot.Range(q.Period.From, q.Period.To);
        if (q.Programme is not null && programme < 0)
        {
            end = start;
        }

        if (!twoRanges || end - start < 2 * GrantsPerThread)
        {
            SumRange(snapshot, start, end, programme);
        }
        else
        {
            var middle = start + (end - start) / 2;
            var later = Fork();
            await Task.WhenAll(
                Task.Run(() => SumRange(snapshot, start, middle, programme), ct),
                Task.Run(() => later.SumRange(snapshot, middle, end, programme), ct)
            );
            AddAll(later);
        }

        if (!ReadsCountry)
        {
            return Placed([]);
        }

        await using var connection = await db.OpenAsync(ct);
        return Placed(await ResolveAsync(connection, ct));
    }

    /// <summary>Sums the snapshot's grants at [<paramref name="start"/>, <paramref name="end"/>) into this scan's
    /// groups (those of <paramref name="programme"/> only, when not −1).</summary>
    private void SumRange(GrantSnapshot s, int start, int end, int programme)
    {
        var texts = _snapshotTexts!;
        int Text(int id) => id >= 0 ? texts[id] : -1;
        var funder = funderId!.Value;
        var firstDay = q.Period.From.DayNumber;
        var (country, title) = (ReadsCountry, ReadsProgramme);
        for (var i = start; i < end; i++)
        {
            if (programme >= 0 && s.Programme[i] != programme)
            {
                continue;
            }

            var currency = texts[s.Currency[i]];
            var key = new Key(
                funder,
                currency == _reportCurrency ? firstDay : s.Day[i],
                currency,
                Text(s.Level[i]),
                Text(s.Purpose[i]),
                s.Flexible[i],
                -1,
                country ? Text(s.Country[i]) : -1,
                title ? Text(s.Programme[i]) : -1
            );
            var amount = s.Amount[i];
            var index = AddSum(key, 1, amount);
            if (keepGrants)
            {
                _grants.Add((index, amount));
            }
        }
    }
}
