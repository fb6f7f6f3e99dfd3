using FundAudit.Api.Infrastructure.Data;
using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The exact median grant of each cell, from the grants read through <see cref="IDbEngine.ReadRowsAsync"/> (or kept
/// by <see cref="MixGrantScan"/>): every row (the cell's grouped dimensions, then currency, award date and amount) is
/// kept as it is read (its cell, currency and day as small numbers, its amount), so that reading needs no factors
/// and two reads can run side by side (<see cref="AddAll"/>). Then each grant is converted with its (currency, day)
/// factor and rounded to 6 decimals, half away from zero, as the SQL ranking did (<c>ROUND(amount * factor, 6)</c>),
/// in integers (<see cref="ExactFactor"/>: millionths of a report minor unit, equal to the decimal path's), each
/// cell's values are laid out side by side, and its one or two middle values are found by selection (expected
/// linear time, no sort of the cell). The answer is what the ranking answered: per cell, the value at 1-based rank
/// (n + 1) / 2 and, when n is even, the one at (n + 2) / 2.
/// </summary>
/// <param name="dimensions">The grouped dimensions' names, in the order the SQL selects them.</param>
/// <param name="factors">Report minor units per source minor unit, for every currency and award date read; null
/// when they are given later, to
/// <see cref="Rows(IReadOnlyDictionary{ValueTuple{string, DateOnly}, decimal}, string)"/>.</param>
internal sealed partial class MixMedians(
    IReadOnlyList<string> dimensions,
    IReadOnlyDictionary<(string Currency, DateOnly Date), decimal>? factors = null
)
{
    private readonly Interned<Cell> _cells = new();
    private readonly Interned<string> _currencies = new(StringComparer.Ordinal);
    private Grant[] _grants = new Grant[256];
    private int _count;
    private int _firstDay = int.MaxValue;
    private int _lastDay = int.MinValue;
    private readonly string?[] _texts = new string?[dimensions.Count + 1];
    private string? _lastCurrency;
    private int _lastCurrencyId;
    private Cell _lastCell;
    private int _lastCellId = -1;
    private readonly bool _byLevel = dimensions.Contains("level");
    private readonly bool _byPurpose = dimensions.Contains("purpose");
    private readonly bool _byFlexible = dimensions.Contains("flexible");
    private readonly bool _byYear = dimensions.Contains("year");
    private readonly bool _byRegion = dimensions.Contains("region");
    private readonly bool _byCountry = dimensions.Contains("country");
    private readonly bool _byProgramme = dimensions.Contains("programme");

    /// <summary>One cell of the mix: the grouped dimensions' values, null where not grouped.</summary>
    private readonly record struct Cell(
        string? Level,
        string? Purpose,
        bool? Flexible,
        int? Year,
        string? Region,
        string? Country,
        string? Programme
    );

    /// <summary>One grant as read: its cell's and currency's numbers here, its award day number, its amount.</summary>
    private readonly record struct Grant(int Cell, int Currency, int Day, long Amount);

    /// <summary>How many grants have been read.</summary>
    public int Count => _count;

    /// <summary>Adds the current row: converts its amount and files it under its cell.</summary>
    public void Add(IRowCursor row)
    {
        var n = dimensions.Count;
        File(CellAt(row), TextAt(row, n)!, row.Date(n + 1), row.Int64(n + 2));
    }

    /// <summary>Adds every amount of the row's array (the cell's grouped dimensions, then the array of
    /// <see cref="IDbDialect.EveryValue"/>): grants in the report's currency, at 1 on any day, so each is filed under
    /// one <paramref name="date"/>, converted by <see cref="Rows(IReadOnlyDictionary{ValueTuple{string, DateOnly},
    /// decimal}, string)"/> given <paramref name="currency"/> as its identity.</summary>
    public void AddAtPar(IRowCursor row, string currency, DateOnly date)
    {
        var amounts = row.Int64s(dimensions.Count);
        Reserve(CellAt(row), currency, date, amounts.Length);
        foreach (var amount in amounts)
        {
            _grants[_count++] = new Grant(_lastCellId, _lastCurrencyId, date.DayNumber, amount);
        }
    }

    /// <summary>The cell of the current row: its first columns are the grouped dimensions.</summary>
    private Cell CellAt(IRowCursor row)
    {
        string? level = null,
            purpose = null,
            region = null,
            country = null,
            programme = null;
        bool? flexible = null;
        int? year = null;
        for (var i = 0; i < dimensions.Count; i++)
        {
            switch (dimensions[i])
            {
                case "level":
                    level = TextAt(row, i);
                    break;
                case "purpose":
                    purpose = TextAt(row, i);
                    break;
                case "flexible":
                    flexible = row.IsNull(i) ? null : row.Int64(i) != 0;
                    break;
                case "year":
                    year = row.IsNull(i) ? null : (int)row.Int64(i);
                    break;
                case "region":
                    region = TextAt(row, i);
                    break;
                case "country":
                    country = TextAt(row, i);
                    break;
                default:
                    programme = TextAt(row, i);
                    break;
            }
        }

        return new Cell(level, purpose, flexible, year, region, country, programme);
    }

    /// <summary>
    /// Adds one grant of the sums' group <paramref name="group"/> (<see cref="MixGrantScan"/>): its cell is the
    /// group's values of the grouped dimensions, the fiscal year from the group's award day.
    /// </summary>
    public void Add(MixRow group, int fiscalYearStartMonth, long amount) =>
        File(CellKey(group, group.AwardDate, fiscalYearStartMonth), group.Currency, group.AwardDate, amount);

    /// <summary>
    /// The number of the cell of a grant of the group <paramref name="group"/> awarded on <paramref name="date"/>, for
    /// <see cref="Add(int, int, int, long)"/> (<see cref="Snapshots.SnapshotSums"/>).
    /// </summary>
    public int CellOf(MixRow group, DateOnly date, int fiscalYearStartMonth) =>
        _cells.IdOf(CellKey(group, date, fiscalYearStartMonth));

    /// <summary>The number of <paramref name="currency"/>, for <see cref="Add(int, int, int, long)"/>.</summary>
    public int CurrencyOf(string currency) => _currencies.IdOf(currency);

    /// <summary>Adds one grant of the cell and currency numbered by <see cref="CellOf"/> and
    /// <see cref="CurrencyOf"/>, converted with the factor of its currency on <paramref name="day"/>.</summary>
    public void Add(int cell, int currency, int day, long amount)
    {
        _firstDay = Math.Min(_firstDay, day);
        _lastDay = Math.Max(_lastDay, day);
        if (_count == _grants.Length)
        {
            Array.Resize(ref _grants, _count * 2);
        }

        _grants[_count++] = new Grant(cell, currency, day, amount);
    }

    /// <summary>The cell of a grant of <paramref name="group"/> awarded on <paramref name="date"/>: the group's
    /// values of the grouped dimensions, the fiscal year from the date.</summary>
    private Cell CellKey(MixRow group, DateOnly date, int fiscalYearStartMonth) =>
        new(
            _byLevel ? group.Level : null,
            _byPurpose ? group.Purpose : null,
            _byFlexible ? group.Flexible : null,
            _byYear ? AuditPeriod.FiscalYearOf(date, fiscalYearStartMonth) : null,
            _byRegion ? group.Region : null,
            _byCountry ? group.Country : null,
            _byProgramme ? group.Programme : null
        );

    /// <summary>Keeps one grant: its cell's and currency's numbers, its award day and its amount.</summary>
    private void File(Cell cell, string currency, DateOnly date, long amount)
    {
        Reserve(cell, currency, date, 1);
        _grants[_count++] = new Grant(_lastCellId, _lastCurrencyId, date.DayNumber, amount);
    }

    /// <summary>Makes room for <paramref name="count"/> grants of one cell, currency and day: their cell's number
    /// (the previous row's when the cell is the same) and currency's number.</summary>
    private void Reserve(Cell cell, string currency, DateOnly date, int count)
    {
        if (_lastCellId < 0 || cell != _lastCell)
        {
            _lastCellId = _cells.IdOf(cell);
            _lastCell = cell;
        }

        if (!ReferenceEquals(currency, _lastCurrency))
        {
            _lastCurrency = currency;
            _lastCurrencyId = _currencies.IdOf(currency);
        }

        var day = date.DayNumber;
        _firstDay = Math.Min(_firstDay, day);
        _lastDay = Math.Max(_lastDay, day);
        if (_count + count > _grants.Length)
        {
            Array.Resize(ref _grants, Math.Max(_count * 2, _count + count));
        }
    }

    /// <summary>Adds every grant <paramref name="other"/> read (another range of the same query) to these.</summary>
    public void AddAll(MixMedians other)
    {
        var cells = other._cells.Values.Select(_cells.IdOf).ToArray();
        var currencies = other._currencies.Values.Select(_currencies.IdOf).ToArray();
        if (other._count > 0)
        {
            _firstDay = Math.Min(_firstDay, other._firstDay);
            _lastDay = Math.Max(_lastDay, other._lastDay);
        }

        if (_count + other._count > _grants.Length)
        {
            Array.Resize(ref _grants, _count + other._count);
        }

        foreach (var g in other._grants.AsSpan(0, other._count))
        {
            _grants[_count++] = new Grant(cells[g.Cell], currencies[g.Currency], g.Day, g.Amount);
        }

        _lastCellId = -1;
    }

    /// <summary>The one or two middle values of every cell read (the cell's median is their mean), with the factors
    /// given to the constructor.</summary>
    public IReadOnlyList<MedianRow> Rows() =>
        Rows(factors ?? throw new InvalidOperationException("No factors were given to convert with."));

    /// <summary>
    /// The one or two middle values of every cell read (the cell's median is their mean): every grant converted
    /// with its (currency, day) factor from <paramref name="factorsByDay"/>, which must hold every pair read but
    /// those of <paramref name="identity"/> (the report's currency, converted at 1 on any day) when given.
    /// </summary>
    public IReadOnlyList<MedianRow> Rows(
        IReadOnlyDictionary<(string Currency, DateOnly Date), decimal> factorsByDay,
        string? identity = null
    )
    {
        var rows = new List<MedianRow>(_cells.Count * 2);
        if (_count == 0)
        {
            return rows;
        }

        var (starts, values) = Converted(FactorTable(factorsByDay, identity));
        if (values is null)
        {
            return DecimalRows(factorsByDay, identity);
        }

        for (var c = 0; c < _cells.Count; c++)
        {
            var cell = values.AsSpan(starts[c], starts[c + 1] - starts[c]);
            if (cell.IsEmpty)
            {
                continue;
            }

            var low = (cell.Length - 1) / 2;
            var high = cell.Length / 2;
            MedianSelection.Select(cell, low);
            rows.Add(Row(_cells[c], ExactFactor.ToDecimal(cell[low])));
            if (high != low)
            {
                rows.Add(Row(_cells[c], ExactFactor.ToDecimal(MedianSelection.Min<long>(cell[high..]))));
            }
        }

        return rows;
    }

    /// <summary>The factors of the currencies and days read: [currency][day − first day], null where none.</summary>
    private ExactFactor?[][] FactorTable(
        IReadOnlyDictionary<(string Currency, DateOnly Date), decimal> factorsByDay,
        string? identity
    )
    {
        var table = _currencies.Values.Select(_ => new ExactFactor?[_lastDay - _firstDay + 1]).ToArray();
        if (identity is not null && _currencies.Find(identity) is var same and >= 0)
        {
            Array.Fill(table[same], new ExactFactor(1m));
        }

        foreach (var ((currency, date), factor) in factorsByDay)
        {
            var id = _currencies.Find(currency);
            var day = date.DayNumber;
            if (id >= 0 && day >= _firstDay && day <= _lastDay)
            {
                table[id][day - _firstDay] = new ExactFactor(factor);
            }
        }

        return table;
    }

    /// <summary>
    /// Every grant's value in millionths of a report minor unit, each cell's side by side from its start (the cell
    /// c's are values[starts[c]..starts[c + 1]]); values null when one does not fit a long.
    /// </summary>
    private (int[] Starts, long[]? Values) Converted(ExactFactor?[][] table)
    {
        var starts = new int[_cells.Count + 1];
        foreach (var g in _grants.AsSpan(0, _count))
        {
            starts[g.Cell + 1]++;
        }

        for (var c = 0; c < _cells.Count; c++)
        {
            starts[c + 1] += starts[c];
        }

        var next = starts[..^1];
        var values = new long[_count];
        foreach (var g in _grants.AsSpan(0, _count))
        {
            ref readonly var factor = ref Factor(table, g);
            if (!factor.Micros(g.Amount, out values[next[g.Cell]++]))
            {
                return (starts, null);
            }
        }

        return (starts, values);
    }

    private ref readonly ExactFactor Factor(ExactFactor?[][] table, Grant g)
    {
        ref readonly var factor = ref table[g.Currency][g.Day - _firstDay];
        if (!factor.HasValue)
        {
            throw new ReadChangedException(
                $"No conversion factor for {_currencies[g.Currency]} on {DateOnly.FromDayNumber(g.Day):yyyy-MM-dd}: "
                    + "a grant was written after the report's sums were read."
            );
        }

        return ref Nullable.GetValueRefOrDefaultRef(in factor);
    }

    private static MedianRow Row(Cell c, decimal x) =>
        new()
        {
            Level = c.Level,
            Purpose = c.Purpose,
            Flexible = c.Flexible,
            Year = c.Year,
            Region = c.Region,
            Country = c.Country,
            Programme = c.Programme,
            X = x,
        };

    /// <summary>
    /// The column's text, or null; the previous row's string when the text is the same (compared first: a
    /// non-empty text is never NULL, so the NULL test is left for the rows whose text changed).
    /// </summary>
    private string? TextAt(IRowCursor row, int ordinal)
    {
        if (_texts[ordinal] is { Length: > 0 } last && row.TextIs(ordinal, last))
        {
            return last;
        }

        if (row.IsNull(ordinal))
        {
            return null;
        }

        return _texts[ordinal] = row.Text(ordinal);
    }
}
