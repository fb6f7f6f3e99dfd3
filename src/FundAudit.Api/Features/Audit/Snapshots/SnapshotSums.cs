using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit.Snapshots;

/// <summary>
/// A funder's report summed from its grants held in memory (<see cref="GrantSnapshot"/>) straight into its cells and
/// headline, with no row per group. The groups are those the database scan sums (<see cref="MixGrantScan"/>): the
/// (day, currency, level, purpose, flexible) of each grant, with its place and programme when the report groups by
/// them. The grants being in award-date order, each day's groups are summed in a table emptied at the day's end, where
/// each group is converted once with its (currency, day) rate pair (<see cref="CurrencyConversion"/>: one rounding per
/// group) and added to its cell and to the headline; the report's own currency is summed over the whole period under
/// its first day instead, unless grouped by year (converting a currency to itself is the identity on any day, as the
/// scan files it too). Same groups, so the same cells, headline and medians to the cent. The rates are needed before
/// the sums: <see cref="Days"/> first, then <see cref="Sum"/>. The snapshot of a mixed-currency funder made nearly a
/// group a grant (half a million at 1M grants grouped by country), each a <see cref="MixRow"/> keyed by strings.
/// </summary>
internal sealed partial class SnapshotSums
{
    private const int NotGrouped = int.MinValue;

    private readonly GrantSnapshot _s;
    private readonly MixQuery _q;
    private readonly int _start;
    private readonly int _end;
    private readonly int _programme;
    private readonly bool _byProgramme;
    private readonly bool _byYear;
    private readonly int _periodCurrency;

    /// <summary>Each recipient country text's place (at its number + 1; 0 for none), −1 where the report's region or
    /// country filter leaves it out; null when the report reads no place (every grant at place 0).</summary>
    private readonly int[]? _placeOfText;

    /// <summary>The places by number: the region and country the report groups by (null where it does not).</summary>
    private readonly (string? Region, string? Country)[] _places;

    private readonly List<Slot> _slots = [];
    private readonly Dictionary<SlotKey, int> _slotOf = [];
    private readonly Dictionary<CellKey, int> _cellOf = [];
    private readonly List<MixRow> _cells = [];
    private readonly Dictionary<(int Level, int Purpose, int Flexible), int> _headlineOf = [];
    private readonly List<MixRow> _headline = [];
    private MixMedians? _medians;

    private SnapshotSums(
        GrantSnapshot s,
        MixQuery q,
        (int Start, int End) range,
        int[]? placeOfText,
        (string? Region, string? Country)[] places
    )
    {
        (_s, _q, _start, _end, _placeOfText, _places) = (s, q, range.Start, range.End, placeOfText, places);
        _programme = q.Programme is null ? -1 : s.Find(q.Programme);
        if (q.Programme is not null && _programme < 0)
        {
            _end = _start;
        }

        _byProgramme = q.GroupBy.Contains("programme");
        _byYear = q.GroupBy.Contains("year");
        _periodCurrency = _byYear ? -1 : s.Find(q.Currency);
    }

    /// <summary>One group: the snapshot's text numbers (−1 for none), flexible 1, 0 or −1, its place.</summary>
    private readonly record struct SlotKey(
        int Currency,
        int Level,
        int Purpose,
        int Flexible,
        int Place,
        int Programme
    );

    /// <summary>A cell: the grouped dimensions' numbers (<see cref="NotGrouped"/> for the others) and the fiscal
    /// year (0 when not grouped by year).</summary>
    private readonly record struct CellKey(int Level, int Purpose, int Flexible, int Place, int Programme, int Year);

    /// <summary>A group's sums of the day (or of the period) and where it goes: its row's texts, its headline row, and
    /// its cell and the medians' cell of the fiscal year last seen.</summary>
    private struct Slot
    {
        public SlotKey Key;
        public MixRow Row;
        public int Headline;
        public long DayAmount;
        public long DayGrants;
        public long PeriodAmount;
        public long PeriodGrants;
        public int CellYear;
        public int Cell;
        public int MedianYear;
        public int MedianCell;
        public int MedianCurrency;
    }

    /// <summary>
    /// The report <paramref name="q"/> over <paramref name="s"/>: the period's grants, their recipient countries
    /// resolved by <paramref name="resolve"/> (the database's country_regions, as the scan's join) when the report
    /// groups or filters by place.
    /// </summary>
    public static async Task<SnapshotSums> StartAsync(
        GrantSnapshot s,
        MixQuery q,
        Func<IReadOnlyList<string>, CancellationToken, Task<(string? Alpha2, string? Region)[]>> resolve,
        CancellationToken ct
    )
    {
        var range = s.Range(q.Period.From, q.Period.To);
        if (!MixFilter.GroupsByPlace(q) && q.Region is null && q.Country is null)
        {
            return new SnapshotSums(s, q, range, null, [(null, null)]);
        }

        var texts = CountryTexts(s, range);
        var resolved = await resolve([.. texts.Select(t => s.Texts[t])], ct);
        var places = new Interned<(string? Region, string? Country)>();
        var placeOfText = new int[s.Texts.Count + 1];
        foreach (var (text, i) in texts.Select((t, i) => (t, i)).Append((-1, -1)))
        {
            var (kept, region, country) = CountryPlaces.Place(
                q,
                text >= 0 ? s.Texts[text] : null,
                i >= 0 ? resolved[i] : default
            );
            placeOfText[text + 1] = kept ? places.IdOf((region, country)) : -1;
        }

        return new SnapshotSums(s, q, range, placeOfText, [.. places.Values]);
    }

    /// <summary>The distinct recipient country texts (numbers) of the grants at <paramref name="range"/>.</summary>
    private static List<int> CountryTexts(GrantSnapshot s, (int Start, int End) range)
    {
        var seen = new bool[s.Texts.Count];
        var texts = new List<int>();
        foreach (var text in s.Country.AsSpan(range.Start, range.End - range.Start))
        {
            if (text >= 0 && !seen[text])
            {
                seen[text] = true;
                texts.Add(text);
            }
        }

        return texts;
    }

    /// <summary>The (currency, day) of every group: the rate pairs the sums convert with.</summary>
    public HashSet<(string Currency, DateOnly Date)> Days()
    {
        var days = new HashSet<(string Currency, DateOnly Date)>();
        var lastDayOf = new int[_s.Texts.Count];
        Array.Fill(lastDayOf, int.MinValue);
        for (var i = _start; i < _end; i++)
        {
            if (Place(i) < 0)
            {
                continue;
            }

            var currency = _s.Currency[i];
            var day = currency == _periodCurrency ? _q.Period.From.DayNumber : _s.Day[i];
            if (lastDayOf[currency] != day)
            {
                lastDayOf[currency] = day;
                days.Add((_s.Texts[currency], DateOnly.FromDayNumber(day)));
            }
        }

        return days;
    }

    /// <summary>The grant's place, −1 when the report leaves it out (its programme or place filter).</summary>
    private int Place(int i)
    {
        if (_programme >= 0 && _s.Programme[i] != _programme)
        {
            return -1;
        }

        return _placeOfText is null ? 0 : _placeOfText[_s.Country[i] + 1];
    }
}
