using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Core.Tests.EmergencyRequests;

public sealed class BusinessCalendarTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) =>
        new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    [Fact]
    public void Always_open_counts_elapsed_time()
    {
        var cal = BusinessCalendar.AlwaysOpen;
        Assert.True(cal.IsAlwaysOpen);
        Assert.Equal(TimeSpan.FromHours(50), cal.WorkingTimeBetween(Utc(2025, 3, 28, 12), Utc(2025, 3, 30, 14)));
        Assert.Equal(Utc(2025, 3, 30, 14), cal.AddWorkingTime(Utc(2025, 3, 28, 12), TimeSpan.FromHours(50)));
    }

    [Fact]
    public void Skips_the_weekend()
    {
        // London is on GMT (UTC+0) in February.
        var cal = BusinessCalendar.OfficeHours("Europe/London");
        var fridayFour = Utc(2025, 2, 14, 16);
        Assert.Equal(Utc(2025, 2, 17, 10), cal.AddWorkingTime(fridayFour, TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.FromHours(2), cal.WorkingTimeBetween(fridayFour, Utc(2025, 2, 17, 10)));
        // Saturday noon to Sunday noon is no working time at all.
        Assert.Equal(TimeSpan.Zero, cal.WorkingTimeBetween(Utc(2025, 2, 15, 12), Utc(2025, 2, 16, 12)));
    }

    [Fact]
    public void A_start_outside_hours_waits_for_the_next_window()
    {
        var cal = BusinessCalendar.OfficeHours("Europe/London");
        // Submitted Saturday night: a 2-hour goal is due Monday 11:00.
        Assert.Equal(Utc(2025, 2, 17, 11), cal.AddWorkingTime(Utc(2025, 2, 15, 22), TimeSpan.FromHours(2)));
        // Exactly filling a window ends at the window's end.
        Assert.Equal(Utc(2025, 2, 17, 17), cal.AddWorkingTime(Utc(2025, 2, 17, 9), TimeSpan.FromHours(8)));
    }

    [Fact]
    public void Follows_the_spring_forward_change_in_local_hours()
    {
        // Europe/London moves from GMT to BST on Sunday 30 March 2025. Monday 09:00 BST is 08:00 UTC.
        var cal = BusinessCalendar.OfficeHours("Europe/London");
        var fridayFour = Utc(2025, 3, 28, 16); // 16:00 GMT
        var due = cal.AddWorkingTime(fridayFour, TimeSpan.FromHours(2));
        Assert.Equal(Utc(2025, 3, 31, 9), due); // 10:00 BST
        Assert.Equal(TimeSpan.FromHours(2), cal.WorkingTimeBetween(fridayFour, due));
        Assert.False(cal.IsWorkingTime(Utc(2025, 3, 31, 7, 30))); // 08:30 BST
        Assert.True(cal.IsWorkingTime(Utc(2025, 3, 31, 8, 30))); // 09:30 BST
    }

    [Fact]
    public void Counts_real_hours_across_a_dst_night_when_open_all_day()
    {
        var everyDay = new BusinessCalendar(
            "Europe/London",
            Enum.GetValues<DayOfWeek>(),
            TimeSpan.Zero,
            TimeSpan.FromDays(1),
            [new DateOnly(2025, 12, 25)]
        );
        Assert.False(everyDay.IsAlwaysOpen); // it has a holiday
        // Local midnight Saturday 29 March to local midnight Monday 31 March: 47 real hours (an hour is skipped).
        Assert.Equal(TimeSpan.FromHours(47), everyDay.WorkingTimeBetween(Utc(2025, 3, 29, 0), Utc(2025, 3, 30, 23)));
        // Local midnight Saturday 25 October to local midnight Monday 27 October: 49 real hours (an hour repeats).
        Assert.Equal(TimeSpan.FromHours(49), everyDay.WorkingTimeBetween(Utc(2025, 10, 24, 23), Utc(2025, 10, 27, 0)));
    }

    [Fact]
    public void Follows_dst_in_another_hemisphere_and_zone()
    {
        // America/New_York springs forward on Sunday 9 March 2025: EST (UTC-5) before, EDT (UTC-4) after.
        var cal = BusinessCalendar.OfficeHours("America/New_York");
        // Friday 16:00 EST = 21:00 UTC; 3 working hours: 1 on Friday, 2 on Monday → Monday 11:00 EDT = 15:00 UTC.
        Assert.Equal(Utc(2025, 3, 10, 15), cal.AddWorkingTime(Utc(2025, 3, 7, 21), TimeSpan.FromHours(3)));
    }

    [Fact]
    public void Skips_holidays()
    {
        var cal = BusinessCalendar.OfficeHours(
            "Europe/London",
            [new DateOnly(2025, 12, 25), new DateOnly(2025, 12, 26)]
        );
        // Wednesday 24 December 16:00 + 2 h → Monday 29 December 10:00 (Thursday and Friday are holidays).
        Assert.Equal(Utc(2025, 12, 29, 10), cal.AddWorkingTime(Utc(2025, 12, 24, 16), TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.FromHours(1), cal.WorkingTimeBetween(Utc(2025, 12, 24, 16), Utc(2025, 12, 29, 9)));
    }

    [Fact]
    public void Adding_then_measuring_round_trips_over_many_starts()
    {
        var cal = new BusinessCalendar(
            "Europe/Berlin",
            [DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Saturday],
            TimeSpan.FromHours(7.5),
            TimeSpan.FromHours(19)
        );
        var start = Utc(2025, 3, 20, 0);
        for (var i = 0; i < 400; i++)
        {
            var from = start.AddMinutes(i * 97);
            var duration = TimeSpan.FromMinutes(i * 13 % 2000 + 1);
            var due = cal.AddWorkingTime(from, duration);
            Assert.Equal(duration, cal.WorkingTimeBetween(from, due));
            Assert.True(cal.IsWorkingTime(due - TimeSpan.FromTicks(1)));
        }
    }

    [Fact]
    public void Refuses_bad_settings()
    {
        Assert.Contains(
            BusinessCalendar.Validate(
                "Mars/Olympus",
                [DayOfWeek.Monday],
                TimeSpan.FromHours(9),
                TimeSpan.FromHours(17)
            ),
            e => e.Field == "calendar.time_zone_id"
        );
        Assert.Contains(
            BusinessCalendar.Validate("Europe/London", [], TimeSpan.FromHours(9), TimeSpan.FromHours(17)),
            e => e.Field == "calendar.working_days"
        );
        Assert.Contains(
            BusinessCalendar.Validate(
                "Europe/London",
                [DayOfWeek.Monday],
                TimeSpan.FromHours(17),
                TimeSpan.FromHours(9)
            ),
            e => e.Field == "calendar.day_end"
        );
        Assert.Contains(
            BusinessCalendar.Validate(
                "Europe/London",
                [DayOfWeek.Monday],
                TimeSpan.FromHours(9),
                TimeSpan.FromHours(25)
            ),
            e => e.Field == "calendar.day_end"
        );
        Assert.Empty(
            BusinessCalendar.Validate("Africa/Nairobi", [DayOfWeek.Monday], TimeSpan.Zero, TimeSpan.FromDays(1))
        );
        Assert.Throws<ArgumentException>(() =>
            new BusinessCalendar("Europe/London", [], TimeSpan.Zero, TimeSpan.FromHours(1))
        );
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            BusinessCalendar.AlwaysOpen.AddWorkingTime(Utc(2025, 1, 1, 0), TimeSpan.FromHours(-1))
        );
    }
}
