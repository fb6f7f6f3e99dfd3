using System.Runtime.InteropServices;
using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit.Snapshots;

/// <summary>The sums themselves: each grant into its group of the day (or of the period), each group converted once
/// into its cell and the headline.</summary>
internal sealed partial class SnapshotSums
{
    /// <summary>
    /// Sums the report: its cells (one row each, their amounts converted, <see cref="MixRow.CellsOnly"/>) and its
    /// headline (a row per level, purpose and flexible, converted), each group converted with its pair from
    /// <paramref name="pairs"/> (every pair of <see cref="Days"/>); every grant kept in <paramref name="medians"/>
    /// when given, under its group's currency and day.
    /// </summary>
    public (List<MixRow> Cells, List<MixRow> Headline) Sum(
        IReadOnlyDictionary<(string Currency, DateOnly Date), (decimal Source, decimal Target)> pairs,
        MixMedians? medians
    )
    {
        _medians = medians;
        var (today, period) = (new List<int>(), new List<int>());
        var (day, year) = (int.MinValue, 0);
        var (lastKey, lastSlot) = (default(SlotKey), -1);
        for (var i = _start; i < _end; i++)
        {
            var place = Place(i);
            if (place < 0)
            {
                continue;
            }

            if (_s.Day[i] != day)
            {
                Flush(today, day, pairs, false);
                day = _s.Day[i];
                year = YearOf(day);
            }

            var key = new SlotKey(
                _s.Currency[i],
                _s.Level[i],
                _s.Purpose[i],
                _s.Flexible[i],
                place,
                _byProgramme ? _s.Programme[i] : -1
            );
            var index = lastSlot >= 0 && key == lastKey ? lastSlot : SlotOf(key);
            (lastKey, lastSlot) = (key, index);
            Add(index, _s.Amount[i], day, year, key.Currency == _periodCurrency ? period : today);
        }

        Flush(today, day, pairs, false);
        Flush(period, _q.Period.From.DayNumber, pairs, true);
        return (_cells, _headline);
    }

    /// <summary>Adds a grant of group <paramref name="index"/> awarded on <paramref name="day"/> of fiscal year
    /// <paramref name="year"/> to its sums of the day, or of the period (<paramref name="dirty"/> is which: listed the
    /// first time), and to the medians' grants under the group's day.</summary>
    private void Add(int index, long amount, int day, int year, List<int> dirty)
    {
        ref var slot = ref CollectionsMarshal.AsSpan(_slots)[index];
        var ofPeriod = slot.Key.Currency == _periodCurrency;
        ref var grants = ref ofPeriod ? ref slot.PeriodGrants : ref slot.DayGrants;
        if (grants++ == 0)
        {
            dirty.Add(index);
        }

        if (ofPeriod)
        {
            slot.PeriodAmount += amount;
            (day, year) = (_q.Period.From.DayNumber, 0);
        }
        else
        {
            slot.DayAmount += amount;
        }

        _medians?.Add(MedianCellOf(ref slot, day, year), slot.MedianCurrency, day, amount);
    }

    /// <summary>The fiscal year of <paramref name="day"/> when the report groups by year, else 0.</summary>
    private int YearOf(int day) =>
        _byYear ? AuditPeriod.FiscalYearOf(DateOnly.FromDayNumber(day), _q.FiscalYearStartMonth) : 0;

    private int SlotOf(SlotKey key)
    {
        ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_slotOf, key, out var exists);
        if (exists)
        {
            return index;
        }

        index = _slots.Count;
        var row = RowOf(key, 0, _s.Texts[key.Currency], false);
        _slots.Add(
            new Slot
            {
                Key = key,
                Row = row,
                Headline = HeadlineOf(key),
                Cell = -1,
                MedianCell = -1,
                MedianCurrency = _medians?.CurrencyOf(row.Currency) ?? -1,
            }
        );
        return index;
    }

    private int HeadlineOf(SlotKey key)
    {
        ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(
            _headlineOf,
            (key.Level, key.Purpose, key.Flexible),
            out var exists
        );
        if (!exists)
        {
            index = _headline.Count;
            _headline.Add(RowOf(key, 0, _q.Currency, false));
        }

        return index;
    }

    /// <summary>Converts and files every group of <paramref name="dirty"/> (of the day, or of the period), then
    /// empties their sums.</summary>
    private void Flush(
        List<int> dirty,
        int day,
        IReadOnlyDictionary<(string Currency, DateOnly Date), (decimal Source, decimal Target)> pairs,
        bool ofPeriod
    )
    {
        if (dirty.Count == 0)
        {
            return;
        }

        var slots = CollectionsMarshal.AsSpan(_slots);
        var date = DateOnly.FromDayNumber(day);
        var year = ofPeriod ? 0 : YearOf(day);
        foreach (var index in dirty)
        {
            ref var slot = ref slots[index];
            var (amount, grants) = ofPeriod ? (slot.PeriodAmount, slot.PeriodGrants) : (slot.DayAmount, slot.DayGrants);
            var (source, target) = pairs[(slot.Row.Currency, date)];
            var converted = CurrencyConversion.Convert(amount, slot.Row.Currency, source, _q.Currency, target);
            var (cell, headline) = (_cells[CellOf(ref slot, day, year)], _headline[slot.Headline]);
            (cell.Amount, cell.Grants) = (cell.Amount + converted, cell.Grants + grants);
            (headline.Amount, headline.Grants) = (headline.Amount + converted, headline.Grants + grants);
            if (ofPeriod)
            {
                (slot.PeriodAmount, slot.PeriodGrants) = (0, 0);
            }
            else
            {
                (slot.DayAmount, slot.DayGrants) = (0, 0);
            }
        }

        dirty.Clear();
    }

    /// <summary>The cell of a group summed on <paramref name="day"/>, of fiscal year <paramref name="year"/> (0 when
    /// not grouped by year): the last one's when the year is the same.</summary>
    private int CellOf(ref Slot slot, int day, int year)
    {
        if (slot.Cell >= 0 && slot.CellYear == year)
        {
            return slot.Cell;
        }

        var key = new CellKey(
            Grouped("level", slot.Key.Level),
            Grouped("purpose", slot.Key.Purpose),
            Grouped("flexible", slot.Key.Flexible),
            slot.Key.Place,
            Grouped("programme", slot.Key.Programme),
            year
        );
        ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(_cellOf, key, out var exists);
        if (!exists)
        {
            cell = _cells.Count;
            _cells.Add(RowOf(slot.Key, day, _q.Currency, true));
        }

        (slot.CellYear, slot.Cell) = (year, cell);
        return cell;
    }

    private int Grouped(string dimension, int value) => _q.GroupBy.Contains(dimension) ? value : NotGrouped;

    /// <summary>The medians' cell of a group's grant of <paramref name="year"/> (see <see cref="CellOf"/>).</summary>
    private int MedianCellOf(ref Slot slot, int day, int year)
    {
        if (slot.MedianCell < 0 || slot.MedianYear != year)
        {
            slot.MedianCell = _medians!.CellOf(slot.Row, DateOnly.FromDayNumber(day), _q.FiscalYearStartMonth);
            slot.MedianYear = year;
        }

        return slot.MedianCell;
    }

    /// <summary>A row of the group <paramref name="key"/> (its texts, the place's region and country) awarded on
    /// <paramref name="day"/>, in <paramref name="currency"/>, its sums 0: a group's, a cell's (in the report's
    /// currency, counting in the cells only) or a headline's (the report's currency).</summary>
    private MixRow RowOf(SlotKey key, int day, string currency, bool cellsOnly)
    {
        var (region, country) = _places[key.Place];
        return new MixRow
        {
            FunderId = _s.FunderId,
            AwardDate = DateOnly.FromDayNumber(day),
            Currency = currency,
            Level = key.Level >= 0 ? _s.Texts[key.Level] : "unclassified",
            Purpose = key.Purpose >= 0 ? _s.Texts[key.Purpose] : "unclassified",
            Flexible = MixFlexible.Flag(key.Flexible),
            Region = region,
            Country = country,
            Programme = key.Programme >= 0 ? _s.Texts[key.Programme] : null,
            CellsOnly = cellsOnly,
        };
    }
}
