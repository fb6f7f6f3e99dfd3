using FundAudit.Api.Features.Logs;
using FundAudit.Api.Features.Pages.Components;

namespace FundAudit.Api.Features.Pages;

internal sealed record LogsPageData(GetLogChain.Response Chains, IReadOnlyList<AdminLogRow> Entries, long? Next);

/// <summary>The console's logs page (admins): the state of the funder's three hash chains, with each head hash to note
/// down outside the service, and the administration log.</summary>
internal static class ConsoleLogs
{
    public const int PageSize = 50;

    public static async Task<IResult> ShowAsync(
        HttpContext http,
        long? before,
        ClaimsPrincipal user,
        [FromServices] LogsUseCases logs,
        CancellationToken ct
    )
    {
        var chains = await logs.ChainAsync(user, ct);
        var (entries, next) = await logs.AdminLogAsync(user, before is > 0 ? before : null, PageSize, ct);
        return ConsoleRender.Page<ConsoleLogsPage>(
            http,
            ConsoleText.T("Logs_Title"),
            "logs",
            new LogsPageData(chains, entries, next)
        );
    }

    /// <summary>An instant as the console shows it (UTC).</summary>
    public static string When(DateTimeOffset at) => ConsoleFormat.WhenSeconds(at);
}
