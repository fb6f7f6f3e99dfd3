using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.GrantIngest;

namespace FundAudit.Api.Features.Pages;

/// <summary>What the console's audit pages (baselines and targets, comparison, trend, downloads) are given: the
/// request and its person, the audit's and the grants' use cases (the funder's currencies), and the clock (the
/// forms' default periods).</summary>
internal sealed record AuditPageServices(
    HttpContext Http,
    ClaimsPrincipal User,
    [FromServices] AuditUseCases Audit,
    [FromServices] GrantIngestUseCases Grants,
    [FromServices] TimeProvider Clock
)
{
    /// <summary>This year (UTC), from which the forms' default periods count.</summary>
    public int ThisYear() => DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime).Year;

    /// <summary>The funder's currencies, most used first.</summary>
    public Task<List<string>> CurrenciesAsync(CancellationToken ct) =>
        ConsolePortfolio.CurrenciesAsync(Grants, User, ct);

    /// <summary>The currency a blank form starts in (<see cref="ConsolePortfolio.FirstCurrency"/>).</summary>
    public async Task<string> FirstCurrencyAsync(CancellationToken ct) =>
        ConsolePortfolio.FirstCurrency(await CurrenciesAsync(ct));
}
