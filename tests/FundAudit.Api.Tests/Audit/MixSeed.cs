using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Audit;

/// <summary>What the place and programme mix tests (<c>MixGrantScanTests</c>, <c>MixReportCurrencyTests</c>) do to
/// the grants they posted: set each one's recipient country and programme as stored, and correct some.</summary>
internal static class MixSeed
{
    /// <summary>Stores each grant's recipient country and programme title as given (spelled any way, or null).</summary>
    public static async Task PlaceAsync(
        FundAuditApp app,
        Tenant tenant,
        IEnumerable<(string Id, string? Country, string? Programme)> grants
    )
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        foreach (var g in grants)
        {
            await connection.ExecuteAsync(
                "UPDATE grants SET recipient_country = @Country, programme_title = @Programme "
                    + "WHERE funder_id = @FunderId AND identifier = @Id",
                new
                {
                    g.Country,
                    g.Programme,
                    tenant.FunderId,
                    g.Id,
                }
            );
        }
    }

    /// <summary>
    /// Posts the grants as one package, every third one with text no rule places (purpose unclassified) and the
    /// others local prevention, every second of those core support, the i-th of <paramref name="amount"/>(i); then
    /// stores each one's recipient country and programme as given (<see cref="PlaceAsync"/>).
    /// </summary>
    public static async Task PostPlacedAsync(
        FundAuditApp app,
        Tenant tenant,
        IReadOnlyList<(string Id, string Currency, string Day, string? Country, string? Programme)> grants,
        Func<int, decimal> amount
    )
    {
        var package = Giving.Package([
            .. grants.Select(
                (g, i) =>
                    i % 3 == 2
                        ? AuditGrants.Zebra(g.Id, amount(i), g.Currency, g.Day)
                        : AuditGrants.Prevention(g.Id, amount(i), g.Currency, g.Day, core: i % 2 == 0)
            ),
        ]);
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(package));
        await PlaceAsync(app, tenant, grants.Select(g => (g.Id, g.Country, g.Programme)));
    }

    /// <summary>Corrects the grant's classification through the API.</summary>
    public static async Task CorrectAsync(Tenant tenant, string id, JsonObject correction)
    {
        correction["reason"] = "Board papers.";
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PutAsJsonAsync($"/api/grants/{id}/classification", correction)
        );
    }

    /// <summary>Posts a rate of 1.25 USD per EUR on 2024-05-01 and one grant U-1 of 125.00 USD that day (100.00
    /// EUR): a second currency among a funder's EUR grants.</summary>
    public static async Task PostUsdGrantAsync(Tenant tenant)
    {
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync(
                "/api/audit/rates",
                PortfolioWrites.Csv("date,currency,rate_to_base,base\n2024-05-01,USD,1.25,EUR\n")
            )
        );
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package([AuditGrants.Prevention("U-1", 125.00m, "USD", "2024-05-01")])
            )
        );
    }
}
