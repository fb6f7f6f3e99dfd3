using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Core.Grants;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// The dates of a 360Giving package as publishers write them. The standard asks for ISO 8601, but real published
/// files use <c>DD/MM/YYYY</c> (Dulverton, Wolfson, Oxfordshire CF), <c>MM/YYYY</c> (Nominet) or <c>D Month
/// YYYY</c>, sometimes beside ISO dates in one file (Millfield House). Before the package is validated, every award
/// date and planned start and end date in one of the CSV import's forms (<see cref="CsvDates"/>) is rewritten as
/// <c>YYYY-MM-DD</c>, by the CSV rule for three-part slash dates: the order the request names
/// (<c>dateFormat</c>), else the one the package's own dates prove (a 17 first is day-first), else, when every such
/// date reads both ways, the package is refused asking for <c>dateFormat</c>; dates that prove both orders refuse it
/// too. ISO dates and texts that are no date in any form are left as sent (the validator names a bad award date; a
/// planned date that is none is a data-quality finding).
/// </summary>
internal static class PackageDates
{
    /// <summary>The query parameter that names the order.</summary>
    public const string Parameter = "dateFormat";

    /// <summary>
    /// One date text of a grant: where it is (<c>grants[Index]</c>, in <c>plannedDates[Planned]</c> unless
    /// <paramref name="Planned"/> is negative), the text, and how to rewrite it (null when only read). Its JSON path is
    /// made only when a problem names it: the import job reads every grant's dates, a path is needed for one of them.
    /// </summary>
    private readonly record struct DateText(int Index, int Planned, string Field, string? Text, Action<string>? Set)
    {
        public string Path =>
            Planned < 0 ? $"grants[{Index}].{Field}" : $"grants[{Index}].plannedDates[{Planned}].{Field}";
    }

    /// <summary>
    /// Rewrites the package's dates as ISO dates, or answers what stops it (JSON path or <see cref="Parameter"/>,
    /// message) and changes nothing.
    /// </summary>
    public static IReadOnlyList<(string Path, string Message)> Normalise(GrantPackage package, string? dateFormat)
    {
        if (!CsvImportOptions.TryReadDateOrder(dateFormat, out var given))
        {
            return
            [
                (Parameter, ProblemText.T("Import_DateFormat", CsvImportOptions.DayFirst, CsvImportOptions.MonthFirst)),
            ];
        }

        var evidence = new Evidence();
        var grants = package.Grants ?? [];
        for (var i = 0; i < grants.Count; i++)
        {
            evidence.Add(i, grants[i]?.AwardDate, grants[i]?.PlannedDates);
        }

        if (evidence.Decide(given, out var order) is { } problem)
        {
            return [(problem.Path, ProblemText.T(problem.Key, [.. problem.Args]))];
        }

        foreach (var g in grants)
        {
            Rewrite(g, order);
        }

        return [];
    }

    /// <summary>
    /// Rewrites the award and planned dates of <paramref name="grant"/> (at most one grant in memory: the import job
    /// reads a package grant by grant) that are not ISO dates but read in <paramref name="order"/>.
    /// </summary>
    public static void Rewrite(GivingGrant? grant, DateOrder order)
    {
        if (grant is null)
        {
            return;
        }

        foreach (var d in Texts(0, grant.AwardDate, grant.PlannedDates, grant))
        {
            if (
                d.Text is { Length: > 0 } text
                && !IsoDate.TryParse(text, out _)
                && CsvDates.TryParse(text, order, out var date) == CsvDates.Outcome.Ok
            )
            {
                d.Set!(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>
    /// What a package's date texts prove about their order, gathered grant by grant in package order (so the import
    /// job can read a package of any size once), then <see cref="Decide"/>d as <see cref="Normalise"/> decides.
    /// </summary>
    internal sealed class Evidence
    {
        private readonly DateOrderProof<DateText> dates = new();

        /// <summary>Examines the dates of <c>grants[index]</c> that are not ISO dates.</summary>
        public void Add(int index, string? awardDate, List<GivingEvent>? plannedDates)
        {
            foreach (var d in Texts(index, awardDate, plannedDates, null))
            {
                if (d.Text is { Length: > 0 } t && !IsoDate.TryParse(t, out _))
                {
                    dates.Examine(t, d); // its path is made only if a problem names it
                }
            }
        }

        /// <summary>The order the request names (<paramref name="given"/>), or the one the dates prove, or what
        /// stops the package: the JSON path of a date, and the message's ProblemText key and arguments.</summary>
        public (string Path, string Key, object[] Args)? Decide(DateOrder? given, out DateOrder order) =>
            dates.Decide(given, out order) switch
            {
                DateOrderVerdict.Disagree => (
                    dates.MonthFirst.Path,
                    "Package_DatesDisagree",
                    [dates.DayFirst.Path, dates.MonthFirst.Path]
                ),
                DateOrderVerdict.Ambiguous => (
                    dates.AmbiguousAt.Path,
                    "Package_DatesAmbiguous",
                    [dates.AmbiguousAt.Path]
                ),
                _ => null,
            };
    }

    /// <summary>The date texts of one grant (paths under <c>grants[index]</c>); rewritable when
    /// <paramref name="grant"/> is given.</summary>
    private static IEnumerable<DateText> Texts(
        int index,
        string? awardDate,
        List<GivingEvent>? plannedDates,
        GivingGrant? grant
    )
    {
        yield return new(index, -1, "awardDate", awardDate, grant is null ? null : t => grant.AwardDate = t);
        for (var j = 0; j < (plannedDates?.Count ?? 0); j++)
        {
            if (plannedDates![j] is not { } e)
            {
                continue;
            }

            yield return new(index, j, "startDate", e.StartDate, grant is null ? null : t => e.StartDate = t);
            yield return new(index, j, "endDate", e.EndDate, grant is null ? null : t => e.EndDate = t);
        }
    }
}
