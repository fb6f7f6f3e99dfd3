namespace FundAudit.Api.Infrastructure;

/// <summary>
/// An exception and the ones it wraps (<see cref="Exception.InnerException"/>), outermost first: drivers,
/// antiforgery and the request pipeline wrap the cause a caller decides on.
/// </summary>
internal static class ExceptionChain
{
    /// <summary>Whether <paramref name="exception"/> or one it wraps matches.</summary>
    public static bool Any(Exception? exception, Func<Exception, bool> match)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (match(e))
            {
                return true;
            }
        }

        return false;
    }
}
