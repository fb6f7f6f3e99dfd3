using FundAudit.Api.Features.EmergencyRequests;

namespace FundAudit.Api.Features.Pages;

/// <summary>The fund every defender page belongs to, found once by the pages' filter.</summary>
internal static partial class DefenderPages
{
    private static readonly object FundKey = new();

    /// <summary>
    /// The filter of every defender page at /f/{slug}: answers the not-found page for an unknown fund; otherwise sets
    /// the page's language from the fund before the handler runs (so the culture flows into the handler and its
    /// awaits: set inside an awaited helper of the handler, it would not flow back) and keeps the fund for
    /// <see cref="FundOf"/>. On the forms it runs after the antiforgery check, as the handlers' own lookup did.
    /// </summary>
    public static async ValueTask<object?> RequireFundAsync(
        EndpointFilterInvocationContext context,
        EndpointFilterDelegate next
    )
    {
        var http = context.HttpContext;
        var cases = http.RequestServices.GetRequiredService<CaseLookup>();
        if (await cases.FindFundAsync(http.GetRouteValue("slug") as string ?? "", http.RequestAborted) is not { } fund)
        {
            return FundNotFound(http);
        }

        PageLanguage.Apply(http, fund.Languages);
        http.Items[FundKey] = fund;
        return await next(context);
    }

    /// <summary>The page's fund, as <see cref="RequireFundAsync"/> found it.</summary>
    private static FundRow FundOf(HttpContext http) => (FundRow)http.Items[FundKey]!;
}
