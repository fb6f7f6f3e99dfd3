namespace FundAudit.Api.Features.Audit.Quality;

/// <summary>
/// The quality report's stored aggregate, grant_quality_totals (migration 0019, kept by triggers as grant_day_totals
/// is): the funder's grants per award day, currency, stored flags, far date, kind of reason for an unclassified level
/// and purpose (computed from the evidence by its triggers as <see cref="QualityFlags.ReasonKind"/> does), and
/// source. It answers a report unless a filter needs place, programme or one import (<see cref="Reads"/>), for every
/// award day but those in the next five years (today, today + 5 years], whose far-future test needs each grant's
/// planned dates: the report reads those days from the grants (<see cref="QualityStore.GroupsAsync"/>).
/// </summary>
internal sealed class QualityTotalsStore(Db db)
{
    /// <summary>Whether the stored totals can answer the report of <paramref name="q"/>: they hold funder, day,
    /// currency and source, not place, programme or the import that wrote a grant.</summary>
    public static bool Reads(MixQuery q, long? importId) =>
        importId is null && q.Programme is null && q.Region is null && q.Country is null;

    /// <summary>
    /// The stored totals of <paramref name="q"/> summed as <see cref="QualityStore.GroupsAsync"/> sums the grants (with
    /// kinds of reason instead of evidence), for the award days up to <paramref name="today"/> and after
    /// <paramref name="farFutureAfter"/>. Far-future: a far date (never before the award date) after
    /// <paramref name="farFutureAfter"/>. Groups of grants stored without flags have null flags.
    /// </summary>
    public async Task<IReadOnlyList<QualityGroup>> GroupsAsync(
        long funderId,
        MixQuery q,
        DateOnly today,
        DateOnly farFutureAfter,
        CancellationToken ct
    )
    {
        var (where, p) = MixFilter.OverDayTotals(funderId, q);
        p["Today"] = today;
        p["FarFutureAfter"] = farFutureAfter;
        var sql = $"""
            SELECT CASE WHEN x.Flags < 0 THEN NULL ELSE x.Flags END AS Flags, x.Currency, x.AwardDate, x.FarFuture,
                   CASE WHEN x.LevelReason = '' THEN 0 ELSE 1 END AS LevelUnplaced, x.LevelReason,
                   CASE WHEN x.PurposeReason = '' THEN 0 ELSE 1 END AS PurposeUnplaced, x.PurposeReason,
                   SUM(x.Grants) AS Grants, SUM(x.Amount) AS Amount
            FROM (
              SELECT t.flags AS Flags, t.currency AS Currency, t.award_date AS AwardDate,
                     CASE WHEN t.far_date > @FarFutureAfter THEN 1 ELSE 0 END AS FarFuture,
                     t.level_reason AS LevelReason, t.purpose_reason AS PurposeReason,
                     t.grant_count AS Grants, t.amount AS Amount
              FROM grant_quality_totals t
              WHERE {where} AND (t.award_date <= @Today OR t.award_date > @FarFutureAfter)
            ) x
            GROUP BY x.Flags, x.Currency, x.AwardDate, x.FarFuture, x.LevelReason, x.PurposeReason
            HAVING SUM(x.Grants) <> 0
            """;
        var groups = await db.QueryListAsync<QualityGroup>(sql, new DynamicParameters(p), ct);
        foreach (var g in groups)
        {
            g.FromTotals = true;
        }

        return groups;
    }
}
