using System.Runtime.InteropServices;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The grouped sums of a mix that groups or filters by region, country or programme (which the stored daily totals
/// do not hold), without a GROUP BY in the database: the period's grants are read once, narrow (day, currency, level,
/// purpose, flexible, amount, recipient country and programme when the query needs them: on SQLite the covering index
/// ix_grants_funder_mix, which holds the programme title since migration 0031), through the engine's row reader, and
/// summed here by (day, currency, effective level, purpose, flexible, region, country, programme): the GROUP
/// BY's groups. Corrections are read first (few) and win over the grant's own classification, as COALESCE(c.…, g.…)
/// did; the recipient country is resolved once per distinct text by the engine itself (the same <c>upper()</c> join
/// on country_regions), so a grant lands in the same region and country as before. Grouped by day and currency these
/// sums number nearly as many as the grants, and the database's own GROUP BY of them (a sort or a hash of every
/// grant, a correction probe per grant) cost two to four times its plain scan.
/// </summary>
/// <param name="db">The database.</param>
/// <param name="funderId">The funder.</param>
/// <param name="q">The query.</param>
/// <param name="keepGrants">Whether to keep every grant's group and amount for <see cref="Medians"/>.</param>
/// <param name="twoRanges">Whether a scan that keeps the grants reads them in two award-date ranges on two connections
/// (<see cref="SplitDay"/>), and so does a funder's report-currency statement on an engine that reads one statement
/// on one thread (<see cref="IDbDialect.ParallelQuery"/>); false reads them in one, as the other half of such a read
/// does.</param>
internal sealed partial class MixGrantScan(
    Db db,
    long funderId,
    MixQuery q,
    bool keepGrants = false,
    bool twoRanges = true
)
{
    private readonly Interned<Key> _keys = new();
    private readonly List<(long Grants, long Amount)> _sums = [];
    private readonly List<(int Group, long Amount)> _grants = [];
    private MixRow?[] _rowOfGroup = [];
    private readonly GrantCorrections _corrections = new();
    private readonly RowTexts _rowTexts = new(5);
    private readonly List<MixRow> _headline = [];
    private readonly Dictionary<(int Level, int Purpose, int Flexible), MixRow> _headlineOf = [];
    private bool _others;

    /// <summary>
    /// The report currency's text id when its grants are grouped without their day (−1 when not): converting a sum of
    /// the report's currency to itself is the identity whatever the day (<see cref="MixReportCurrency"/>), so the scan
    /// files them under the period's first day, as the database's statement does, unless grouped by year (whose bucket
    /// is the day's). A few groups instead of one per day: the medians' scan on SQLite summed nearly a group a grant.
    /// </summary>
    private int _reportCurrency = -1;

    /// <summary>
    /// The headline's rows read from the stored daily totals when the report-currency grants were grouped by the
    /// report's dimensions only (<see cref="MixReportCurrency.Splits"/>; their rows then count in the cells only,
    /// <see cref="MixRow.CellsOnly"/>); else none.
    /// </summary>
    public IReadOnlyList<MixRow> Headline => _headline;

    /// <summary>
    /// One group: the day, then texts as their index in <see cref="Texts"/> (−1 for none), flexible as
    /// 1, 0 or −1 (unclassified).
    /// </summary>
    private readonly record struct Key(
        int Day,
        int Currency,
        int Level,
        int Purpose,
        int Flexible,
        int Region,
        int Country,
        int Programme,
        bool CellsOnly = false
    );

    /// <summary>Whether the scan answers <paramref name="query"/>: every query but one filtered by source.</summary>
    public static bool Serves(MixQuery query) => query.Source is null;

    /// <summary>
    /// Whether the recipient country is read and resolved: to group by region or country. A place filter alone is the
    /// statement's own (<see cref="MixFilter.PlaceKeys"/>), so its grants need no country in their groups and no
    /// resolving statement.
    /// </summary>
    private bool ReadsCountry => MixFilter.GroupsByPlace(q);

    private bool ReadsProgramme => q.GroupBy.Contains("programme");

    /// <summary>The sums, one <see cref="MixRow"/> per group, in the order the grants were read.</summary>
    public async Task<List<MixRow>> ReadAsync(DbConnection connection, CancellationToken ct)
    {
        var (where, p) = MixFilter.OverGrants(funderId, q with { Region = null, Country = null, Source = null });
        await ReadCorrectionsAsync(connection, where, p, ct);
        where += MixFilter.PlaceKeys(q, p, db.Dialect);
        _others = true;
        if (await SumsReportCurrencyAsync(connection, ct))
        {
            // A funder whose period has no grant in another currency needs no scan: the report-currency statement
            // says whether a daily total is in another.
            _others = false;
            p[MixReportCurrency.Parameter] = q.Currency;
            await ReadReportCurrencyAsync(connection, where, p, ct);
            where += $" AND NOT ({MixReportCurrency.Condition})";
        }

        if (_others)
        {
            _reportCurrency = q.GroupBy.Contains("year") ? -1 : Texts.IdOf(q.Currency);
            await ScanAsync(connection, where, p, ct);
        }

        Dictionary<int, (string? Alpha2, string? Region)> places = ReadsCountry
            ? await ResolveAsync(connection, ct)
            : [];
        return Placed(places);
    }

    /// <summary>
    /// Whether the report-currency grants are summed by the database (<see cref="MixReportCurrency.Applies"/>); for a
    /// filtered report with medians only when no daily total of the period is in another currency: else the others'
    /// scan reads the table a second time, where one scan of the filter's grants served both (a mixed-currency filter
    /// with medians took 1.4 to 1.8 times as long, measured).
    /// </summary>
    private async Task<bool> SumsReportCurrencyAsync(DbConnection connection, CancellationToken ct)
    {
        if (!MixReportCurrency.Applies(q, keepGrants, db.Dialect))
        {
            return false;
        }

        if (!keepGrants || MixReportCurrency.Splits(q))
        {
            return true;
        }

        // The funder's period as the daily totals are read (@FunderId, @From, @To).
        var (_, p) = MixFilter.OverDayTotals(funderId, q);
        p[MixReportCurrency.Parameter] = q.Currency;
        var others = false;
        var sql = $"SELECT 1 WHERE {MixReportCurrency.OtherCurrencyStored}";
        await db.Engine.ReadRowsAsync(connection, sql, p, _ => others = true, ct);
        return !others;
    }

    /// <summary>The corrections of the period's grants: few, so read into memory instead of joined per grant.</summary>
    private async Task ReadCorrectionsAsync(
        DbConnection connection,
        string where,
        IReadOnlyDictionary<string, object> p,
        CancellationToken ct
    )
    {
        await db.Engine.ReadRowsAsync(
            connection,
            CorrectionsSql(where),
            p,
            row => _corrections.Add(row, _rowTexts, 2, 3),
            ct
        );
        _rowTexts.Forget();
    }

    /// <summary>
    /// The corrections of the grants <paramref name="where"/> keeps, read from the corrections: a funder has few, so
    /// each finds its grant by id. <c>CROSS JOIN</c> keeps that order on SQLite, whose planner otherwise walked the
    /// period's grants in the covering index and probed for a correction of each (0.2 s at 1M grants, none
    /// corrected); PostgreSQL and SQL Server read it as the inner join it is.
    /// </summary>
    internal static string CorrectionsSql(string where) =>
        $"""
            SELECT g.id, c.level, c.purpose, c.flexible
            FROM grant_corrections c CROSS JOIN grants g
            WHERE g.id = c.grant_id AND ({where})
            """;

    private int AddSum(Key key, long grants, long amount)
    {
        var index = _keys.IdOf(key);
        if (index == _sums.Count)
        {
            _sums.Add((0, 0));
        }

        CollectionsMarshal.AsSpan(_sums)[index] = (_sums[index].Grants + grants, _sums[index].Amount + amount);
        return index;
    }

    /// <summary>
    /// The groups, with each recipient country resolved when grouped by place: filtered again by region or country
    /// when asked, and merged where several texts name one place (one group a row otherwise, without the merge's
    /// dictionary: a group per grant and day in other currencies, half a million at 1M grants).
    /// </summary>
    private List<MixRow> Placed(Dictionary<int, (string? Alpha2, string? Region)> places)
    {
        _rowOfGroup = new MixRow?[_keys.Count];
        if (!ReadsCountry)
        {
            for (var i = 0; i < _keys.Count; i++)
            {
                _rowOfGroup[i] = RowOf(_keys[i], _sums[i]);
            }

            return [.. _rowOfGroup.Select(r => r!)];
        }

        var (placeOf, merges) = PlacesOfTexts(places);
        var merged = merges ? new Dictionary<Key, MixRow>() : null;
        var rows = new List<MixRow>();
        for (var i = 0; i < _keys.Count; i++)
        {
            var key = _keys[i];
            var (kept, region, country) = placeOf[key.Country + 1]
                ?? throw new InvalidOperationException($"Recipient country text {key.Country} was not resolved.");
            if (!kept)
            {
                continue;
            }

            var placed = key with { Region = region, Country = country };
            if (merged is null)
            {
                rows.Add(_rowOfGroup[i] = RowOf(placed, _sums[i]));
                continue;
            }

            ref var row = ref CollectionsMarshal.GetValueRefOrAddDefault(merged, placed, out var exists);
            if (exists)
            {
                row!.Grants += _sums[i].Grants;
                row.Amount += _sums[i].Amount;
            }
            else
            {
                row = RowOf(placed, _sums[i]);
            }

            _rowOfGroup[i] = row;
        }

        return merged is null ? rows : [.. merged.Values];
    }

    /// <summary>
    /// What each recipient country text read becomes in the report, at its text id + 1 (0 for no country): whether its
    /// grants pass the region and country filters, and the region and country (text ids, −1 when not grouped by) its
    /// groups fall under (null for every other text: the resolving statement answers each country text it is given, so
    /// a group whose country is null here is a fault, not a grant to leave out); and whether two kept texts fall under
    /// the same place, so that their groups must be merged.
    /// </summary>
    private ((bool Kept, int Region, int Country)?[] PlaceOf, bool Merges) PlacesOfTexts(
        Dictionary<int, (string? Alpha2, string? Region)> places
    )
    {
        var resolved = new Dictionary<int, (bool Kept, int Region, int Country)>();
        foreach (var id in places.Keys.Append(-1))
        {
            var (kept, region, country) = CountryPlaces.Place(
                q,
                id >= 0 ? Texts[id] : null,
                id >= 0 ? places[id] : default
            );
            resolved[id] = (
                kept,
                region is not null ? Texts.IdOf(region) : -1,
                country is not null ? Texts.IdOf(country) : -1
            );
        }

        var placeOf = new (bool Kept, int Region, int Country)?[Texts.Count + 1];
        foreach (var (id, place) in resolved)
        {
            placeOf[id + 1] = place;
        }

        var keptPlaces = resolved.Values.Where(p => p.Kept).ToList();
        return (placeOf, keptPlaces.DistinctBy(p => (p.Region, p.Country)).Count() < keptPlaces.Count);
    }

    /// <summary>
    /// The median grant of each cell, exact, from the grants kept by the read (<c>keepGrants</c>) instead of a second
    /// read: each grant's amount converted with its group's (currency, day) factor and filed under its group's cell,
    /// as <see cref="MixMedians"/> does for the rows it reads.
    /// </summary>
    public IReadOnlyList<MedianRow> Medians(IReadOnlyDictionary<(string Currency, DateOnly Date), decimal> factors)
    {
        var medians = new MixMedians([.. q.GroupBy], factors);
        foreach (var (group, amount) in _grants)
        {
            if (_rowOfGroup[group] is { } row)
            {
                medians.Add(row, q.FiscalYearStartMonth, amount);
            }
        }

        return medians.Rows();
    }

    /// <summary>
    /// Each distinct recipient country text read, resolved by the engine as the join did
    /// (<c>country_regions.country_key = upper(recipient_country)</c>): its ISO code and region, or none.
    /// </summary>
    private async Task<Dictionary<int, (string? Alpha2, string? Region)>> ResolveAsync(
        DbConnection connection,
        CancellationToken ct
    )
    {
        var ids = _keys.Values.Select(k => k.Country).Where(id => id >= 0).Distinct().ToList();
        var resolved = await CountryPlaces.ResolveAsync(db, connection, [.. ids.Select(id => Texts[id])], ct);
        return ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => resolved[x.i]);
    }

    private MixRow RowOf(Key key, (long Grants, long Amount) sum) =>
        new()
        {
            FunderId = funderId,
            AwardDate = DateOnly.FromDayNumber(key.Day),
            Currency = Texts[key.Currency],
            Level = key.Level >= 0 ? Texts[key.Level] : "unclassified",
            Purpose = key.Purpose >= 0 ? Texts[key.Purpose] : "unclassified",
            Flexible = MixFlexible.Flag(key.Flexible),
            Region = key.Region >= 0 ? Texts[key.Region] : null,
            Country = key.Country >= 0 ? Texts[key.Country] : null,
            Programme = key.Programme >= 0 ? Texts[key.Programme] : null,
            Grants = sum.Grants,
            Amount = sum.Amount,
            CellsOnly = key.CellsOnly,
        };

    private Interned<string> Texts => _rowTexts.Texts;

    /// <summary>The column's text as its index in <see cref="Texts"/> (−1 for NULL).</summary>
    private int TextId(IRowCursor row, int ordinal, int slot) => _rowTexts.IdOf(row, ordinal, slot);
}
