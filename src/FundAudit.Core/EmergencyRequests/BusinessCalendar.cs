namespace FundAudit.Core.EmergencyRequests;

/// <summary>A problem with an SLA policy or calendar, for a 400 ValidationProblem.</summary>
/// <param name="Field">The offending field as a dotted path, e.g. <c>tiers.extreme.time_to_decision</c>.</param>
/// <param name="Message">What is wrong, for people.</param>
public sealed record SlaValidationError(string Field, string Message);

/// <summary>
/// When a fund's SLA clocks run: working days and hours in one time zone, minus holidays. Goal durations are
/// then working time: a 2-hour goal set at 16:00 on a Friday with 09:00–17:00 Monday–Friday hours is due at
/// 10:00 on Monday. Without a calendar (<see cref="AlwaysOpen"/>) clocks run 24/7.
/// </summary>
/// <remarks>
/// <para>Working hours are local wall-clock times in <see cref="TimeZoneId"/> (an IANA id such as
/// <c>Europe/London</c>), converted to instants day by day, so they follow daylight-saving changes. Elapsed working
/// time is real time: a working window that spans a DST change is as long as the clocks say it really was.</para>
/// <para>Local times that do not exist (skipped by a spring-forward change) are shifted forward by the gap, as
/// clocks do; local times that occur twice (fall-back) resolve to the earlier instant.</para>
/// <para>Every working day has the same hours; <see cref="DayEnd"/> may be 24:00 (end of day). Holidays are local
/// dates.</para>
/// </remarks>
public sealed class BusinessCalendar
{
    private const int MaxDaysSearched = 366 * 10;
    private readonly TimeZoneInfo _zone;
    private readonly HashSet<DayOfWeek> _workingDays;
    private readonly HashSet<DateOnly> _holidays;

    /// <summary>Creates a calendar; throws <see cref="ArgumentException"/> with the first problem <see
    /// cref="Validate"/> finds.</summary>
    /// <param name="timeZoneId">IANA time zone id, e.g. <c>America/Bogota</c>.</param>
    /// <param name="workingDays">The days of the week with working hours (at least one).</param>
    /// <param name="dayStart">Local start of working hours, from 00:00.</param>
    /// <param name="dayEnd">Local end of working hours, after <paramref name="dayStart"/>, at most 24:00.</param>
    /// <param name="holidays">Local dates without working hours.</param>
    public BusinessCalendar(
        string timeZoneId,
        IEnumerable<DayOfWeek> workingDays,
        TimeSpan dayStart,
        TimeSpan dayEnd,
        IEnumerable<DateOnly>? holidays = null
    )
    {
        ArgumentNullException.ThrowIfNull(workingDays);
        var days = workingDays.ToArray();
        var errors = Validate(timeZoneId, days, dayStart, dayEnd);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"{errors[0].Field}: {errors[0].Message}");
        }

        _zone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        TimeZoneId = timeZoneId;
        _workingDays = [.. days];
        DayStart = dayStart;
        DayEnd = dayEnd;
        _holidays = [.. holidays ?? []];
        IsAlwaysOpen =
            _workingDays.Count == 7
            && dayStart == TimeSpan.Zero
            && dayEnd == TimeSpan.FromDays(1)
            && _holidays.Count == 0;
    }

    /// <summary>Clocks run all the time (24/7, no holidays): working time is elapsed time.</summary>
    public static BusinessCalendar AlwaysOpen { get; } =
        new("Etc/UTC", Enum.GetValues<DayOfWeek>(), TimeSpan.Zero, TimeSpan.FromDays(1));

    /// <summary>Monday to Friday, 09:00–17:00 in <paramref name="timeZoneId"/>.</summary>
    public static BusinessCalendar OfficeHours(string timeZoneId, IEnumerable<DateOnly>? holidays = null) =>
        new(
            timeZoneId,
            [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
            TimeSpan.FromHours(9),
            TimeSpan.FromHours(17),
            holidays
        );

    /// <summary>The IANA time zone id in which working hours and holidays are read.</summary>
    public string TimeZoneId { get; }

    /// <summary>Days of the week with working hours.</summary>
    public IReadOnlySet<DayOfWeek> WorkingDays => _workingDays;

    /// <summary>Local time working hours start.</summary>
    public TimeSpan DayStart { get; }

    /// <summary>Local time working hours end (24:00 allowed).</summary>
    public TimeSpan DayEnd { get; }

    /// <summary>Local dates without working hours.</summary>
    public IReadOnlySet<DateOnly> Holidays => _holidays;

    /// <summary>True when the calendar is 24/7 without holidays; working time then equals elapsed time.</summary>
    public bool IsAlwaysOpen { get; }

    /// <summary>Checks calendar settings without creating a calendar; an empty list means valid.</summary>
    public static IReadOnlyList<SlaValidationError> Validate(
        string? timeZoneId,
        IReadOnlyCollection<DayOfWeek>? workingDays,
        TimeSpan dayStart,
        TimeSpan dayEnd
    )
    {
        var errors = new List<SlaValidationError>();
        if (string.IsNullOrWhiteSpace(timeZoneId) || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out _))
        {
            errors.Add(new("calendar.time_zone_id", "Unknown time zone; use an IANA id such as Europe/London."));
        }

        if (workingDays is null || workingDays.Count == 0)
        {
            errors.Add(new("calendar.working_days", "At least one working day is needed."));
        }
        else if (workingDays.Any(d => !Enum.IsDefined(d)))
        {
            errors.Add(new("calendar.working_days", "Unknown day of the week."));
        }

        if (dayStart < TimeSpan.Zero || dayStart >= TimeSpan.FromDays(1))
        {
            errors.Add(new("calendar.day_start", "The day must start between 00:00 and 23:59."));
        }

        if (dayEnd <= dayStart || dayEnd > TimeSpan.FromDays(1))
        {
            errors.Add(new("calendar.day_end", "The day must end after it starts and no later than 24:00."));
        }

        return errors;
    }

    /// <summary>Working time between two instants (zero when <paramref name="to"/> is not after <paramref
    /// name="from"/>).</summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return TimeSpan.Zero;
        }

        if (IsAlwaysOpen)
        {
            return to - from;
        }

        var total = TimeSpan.Zero;
        var last = LocalDate(to);
        for (var day = LocalDate(from).AddDays(-1); day <= last; day = day.AddDays(1))
        {
            if (Window(day) is not { } window)
            {
                continue;
            }

            var (start, end) = window;

            var s = start > from ? start : from;
            var e = end < to ? end : to;
            if (e > s)
            {
                total += e - s;
            }
        }

        return total;
    }

    /// <summary>
    /// The instant at which <paramref name="duration"/> of working time has passed since <paramref name="from"/>.
    /// Zero returns <paramref name="from"/> itself; otherwise the result is inside (or at the end of) a working window.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative duration.</exception>
    /// <exception cref="InvalidOperationException">No working time in ten years (e.g. every working day a
    /// holiday).</exception>
    public DateTimeOffset AddWorkingTime(DateTimeOffset from, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        if (duration == TimeSpan.Zero)
        {
            return from;
        }

        if (IsAlwaysOpen)
        {
            return from + duration;
        }

        var remaining = duration;
        var first = LocalDate(from).AddDays(-1);
        for (var i = 0; i < MaxDaysSearched; i++)
        {
            if (Window(first.AddDays(i)) is not { } window)
            {
                continue;
            }

            var (start, end) = window;

            var s = start > from ? start : from;
            if (end <= s)
            {
                continue;
            }

            var available = end - s;
            if (remaining <= available)
            {
                return s + remaining;
            }

            remaining -= available;
        }

        throw new InvalidOperationException("The calendar has no working time within ten years.");
    }

    /// <summary>Whether <paramref name="at"/> falls inside working hours.</summary>
    public bool IsWorkingTime(DateTimeOffset at)
    {
        if (IsAlwaysOpen)
        {
            return true;
        }

        var day = LocalDate(at);
        return Window(day) is { } window && at >= window.Start && at < window.End;
    }

    private DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, _zone).DateTime);

    private (DateTimeOffset Start, DateTimeOffset End)? Window(DateOnly day)
    {
        if (!_workingDays.Contains(day.DayOfWeek) || _holidays.Contains(day))
        {
            return null;
        }

        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        var start = ToInstant(midnight + DayStart);
        var end = ToInstant(midnight + DayEnd);
        return end > start ? (start, end) : null;
    }

    private DateTimeOffset ToInstant(DateTime local)
    {
        TimeSpan offset;
        if (_zone.IsInvalidTime(local))
        {
            // In a spring-forward gap: use the offset in force before the gap (one day earlier), which
            // shifts the time forward by the gap's length.
            offset = _zone.GetUtcOffset(new DateTimeOffset(local, TimeSpan.Zero).AddDays(-1));
        }
        else if (_zone.IsAmbiguousTime(local))
        {
            offset = _zone.GetAmbiguousTimeOffsets(local).Max(); // the larger offset is the earlier instant
        }
        else
        {
            offset = _zone.GetUtcOffset(local);
        }

        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
