namespace FundAudit.Api.Features.GrantIngest.Csv;

/// <summary>
/// What decided the order of three-part slash dates, or why nothing could (<see cref="DateOrderProof{TPlace}"/>).
/// </summary>
internal enum DateOrderVerdict
{
    /// <summary>The uploader named the order (<c>dateFormat</c>).</summary>
    Given,

    /// <summary>A date that reads only one way proved it.</summary>
    Proven,

    /// <summary>No date needs an order.</summary>
    NotNeeded,

    /// <summary>One date reads only day-first, another only month-first: refused.</summary>
    Disagree,

    /// <summary>Every slash date reads both ways, none proves the order: refused (name <c>dateFormat</c>).</summary>
    Ambiguous,
}

/// <summary>
/// What the slash dates of a CSV file or a JSON package prove about their order (<see cref="CsvDates.Examine"/>),
/// and the one rule both follow: the order the uploader named; else the one the dates prove; dates that prove both
/// orders, or only dates that read both ways, refuse the upload. Keeps the first place (<typeparamref name="TPlace"/>:
/// a row and column, or a JSON path) of each kind of evidence, for the message.
/// </summary>
internal sealed class DateOrderProof<TPlace>
{
    private Seen dayFirst;
    private Seen monthFirst;
    private Seen ambiguous;

    private readonly record struct Seen(bool Yes, TPlace Place);

    /// <summary>Where the first date that reads only day-first is (default when none).</summary>
    public TPlace DayFirst => dayFirst.Place;

    /// <summary>Where the first date that reads only month-first is (default when none).</summary>
    public TPlace MonthFirst => monthFirst.Place;

    /// <summary>Where the first date that reads both ways is (default when none).</summary>
    public TPlace AmbiguousAt => ambiguous.Place;

    /// <summary>Where the date that proved the order is (<see cref="DateOrderVerdict.Proven"/>).</summary>
    public TPlace Proof => dayFirst.Yes ? dayFirst.Place : monthFirst.Place;

    /// <summary>Notes what <paramref name="text"/> at <paramref name="place"/> says about the order.</summary>
    public void Examine(ReadOnlySpan<char> text, TPlace place)
    {
        switch (CsvDates.Examine(text))
        {
            case CsvDates.Evidence.DayFirst:
                Note(ref dayFirst, place);
                break;
            case CsvDates.Evidence.MonthFirst:
                Note(ref monthFirst, place);
                break;
            case CsvDates.Evidence.Ambiguous:
                Note(ref ambiguous, place);
                break;
        }
    }

    /// <summary>The order: <paramref name="given"/>, else the one the dates prove; or why none can be had.</summary>
    public DateOrderVerdict Decide(DateOrder? given, out DateOrder order)
    {
        order = given ?? DateOrder.NotNeeded;
        if (given is not null)
        {
            return DateOrderVerdict.Given;
        }

        if (dayFirst.Yes && monthFirst.Yes)
        {
            return DateOrderVerdict.Disagree;
        }

        if (dayFirst.Yes || monthFirst.Yes)
        {
            order = dayFirst.Yes ? DateOrder.DayFirst : DateOrder.MonthFirst;
            return DateOrderVerdict.Proven;
        }

        return ambiguous.Yes ? DateOrderVerdict.Ambiguous : DateOrderVerdict.NotNeeded;
    }

    private static void Note(ref Seen seen, TPlace place)
    {
        if (!seen.Yes)
        {
            seen = new Seen(true, place);
        }
    }
}
