namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// A keyset page as the lists read it: one row more than the page holds, that row only telling that another page
/// follows, whose cursor is the key of this page's last row.
/// </summary>
internal static class KeysetPage
{
    /// <summary>
    /// The first <paramref name="limit"/> of <paramref name="rows"/> (read with <paramref name="limit"/> + 1) and the
    /// next page's cursor, <paramref name="cursorOf"/> of the page's last row: null when no row more was read.
    /// </summary>
    public static (List<T> Page, long? Next) Of<T>(IReadOnlyList<T> rows, int limit, Func<T, long> cursorOf) =>
        (rows.Take(limit).ToList(), rows.Count > limit ? cursorOf(rows[limit - 1]) : null);

    /// <inheritdoc cref="Of{T}(IReadOnlyList{T}, int, Func{T, long})"/>
    public static (List<T> Page, string? Next) Of<T>(IReadOnlyList<T> rows, int limit, Func<T, string> cursorOf) =>
        (rows.Take(limit).ToList(), rows.Count > limit ? cursorOf(rows[limit - 1]) : null);
}
