namespace FundAudit.Core.Audit;

/// <summary>An inclusive range of award dates.</summary>
public readonly record struct AuditPeriod(DateOnly From, DateOnly To)
{
    /// <summary>
    /// Fiscal year <paramref name="year"/> starts on the first day of <paramref name="startMonth"/> in that calendar
    /// year and ends the day before the next one starts (start month 1 = the calendar year; 4 = 1 April to 31 March).
    /// </summary>
    public static AuditPeriod FiscalYear(int year, int startMonth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(startMonth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(startMonth, 12);
        var from = new DateOnly(year, startMonth, 1);
        return new AuditPeriod(from, from.AddYears(1).AddDays(-1));
    }

    /// <summary>The fiscal year (named by the calendar year it starts in) that holds <paramref name="date"/>.</summary>
    public static int FiscalYearOf(DateOnly date, int startMonth) =>
        date.Month >= startMonth ? date.Year : date.Year - 1;

    public bool Contains(DateOnly date) => date >= From && date <= To;

    public override string ToString() => $"{From:yyyy-MM-dd}..{To:yyyy-MM-dd}";
}
