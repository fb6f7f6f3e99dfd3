using System.Globalization;

namespace FundAudit.Core.Grants;

/// <summary>ISO 8601 dates as 360Giving writes them: <c>YYYY-MM-DD</c> or a full date-time (the date part as written is
/// kept).</summary>
public static class IsoDate
{
    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd HH:mm:ss",
        "yyyy-MM-dd HH:mm",
    ];

    public static bool TryParse(string? text, out DateOnly date)
    {
        date = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s.Length == 10)
        {
            return DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
        }

        // Keep the calendar date the publisher wrote, whatever its offset: an award on 2017-03-18 stays on that day.
        if (
            s.Length > 10
            && (s[10] == 'T' || s[10] == ' ')
            && DateOnly.TryParseExact(
                s[..10],
                "yyyy-MM-dd",
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out var datePart
            )
            && DateTimeOffset.TryParseExact(
                s,
                DateTimeFormats,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal,
                out _
            )
        )
        {
            date = datePart;
            return true;
        }

        return false;
    }
}
