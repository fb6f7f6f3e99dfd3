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

    /// <summary>One date text of the package: its JSON path, how to read it and how to rewrite it.</summary>
    private readonly record struct DateText(string Path, string? Text, Action<string> Set);

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

        var texts = Texts(package).Where(d => d.Text is { Length: > 0 } t && !IsoDate.TryParse(t, out _)).ToList();
        if (texts.Count == 0)
        {
            return [];
        }

        var problem = Decide(given, texts, out var order);
        if (problem is not null)
        {
            return [problem.Value];
        }

        foreach (var d in texts)
        {
            if (CsvDates.TryParse(d.Text!, order, out var date) == CsvDates.Outcome.Ok)
            {
                d.Set(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
        }

        return [];
    }

    /// <summary>The order the request names, or the one the dates prove, or what stops the package.</summary>
    private static (string Path, string Message)? Decide(DateOrder? given, List<DateText> texts, out DateOrder order)
    {
        order = given ?? DateOrder.NotNeeded;
        if (given is not null)
        {
            return null;
        }

        string? dayFirst = null,
            monthFirst = null,
            ambiguous = null;
        foreach (var d in texts)
        {
            switch (CsvDates.Examine(d.Text))
            {
                case CsvDates.Evidence.DayFirst:
                    dayFirst ??= d.Path;
                    break;
                case CsvDates.Evidence.MonthFirst:
                    monthFirst ??= d.Path;
                    break;
                case CsvDates.Evidence.Ambiguous:
                    ambiguous ??= d.Path;
                    break;
            }
        }

        if (dayFirst is not null && monthFirst is not null)
        {
            return (monthFirst, ProblemText.T("Package_DatesDisagree", dayFirst, monthFirst));
        }

        if ((dayFirst ?? monthFirst) is not null)
        {
            order = dayFirst is not null ? DateOrder.DayFirst : DateOrder.MonthFirst;
            return null;
        }

        return ambiguous is null ? null : (ambiguous, ProblemText.T("Package_DatesAmbiguous", ambiguous));
    }

    private static IEnumerable<DateText> Texts(GrantPackage package)
    {
        for (var i = 0; i < (package.Grants?.Count ?? 0); i++)
        {
            if (package.Grants![i] is not { } g)
            {
                continue;
            }

            yield return new($"grants[{i}].awardDate", g.AwardDate, t => g.AwardDate = t);
            for (var j = 0; j < (g.PlannedDates?.Count ?? 0); j++)
            {
                if (g.PlannedDates![j] is not { } e)
                {
                    continue;
                }

                var at = $"grants[{i}].plannedDates[{j}]";
                yield return new(at + ".startDate", e.StartDate, t => e.StartDate = t);
                yield return new(at + ".endDate", e.EndDate, t => e.EndDate = t);
            }
        }
    }
}
