using System.Text;
using System.Text.Json.Nodes;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Classification;

/// <summary>
/// Re-classification reads a stored grant back from its columns (<c>ReclassifyPortfolioJob.ToRecord</c>, also the
/// rule-set dry run's input), while the import classified the grant from the published JSON as it came: two ways to the
/// engine's input. On real published packages they must agree, or saving a rule set would move grants that no rule
/// changed. A dry run of the funder's own current rule set over every grant of four real files (individuals and
/// organisations, addresses, codes and names as places, three currencies) must therefore move nothing. Checked once
/// over all 16 packages of ../shared/data/360giving (10,078 grants, none moved, 7 December); these four keep the run
/// short.
/// </summary>
[Collection(SharedApps.Sqlite1)]
public sealed class ReclassifyRealDataTests(SqliteApp app)
{
    [Theory]
    [InlineData("360g-covid19-emergency-grants-2020-04.json")]
    [InlineData("360g-oxfordshire-cf-1.json")]
    [InlineData("360g-wolfson-mixed-currency.json")]
    [InlineData("360g-joseph-rowntree-ct-2017.json")]
    public async Task A_dry_run_of_the_current_rules_moves_no_imported_grant(string file)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(CsvTestFiles.SharedData(), "360giving", file));
        var grants = JsonNode.Parse(text)!["grants"]!.AsArray().Count;
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants", new StringContent(text, Encoding.UTF8, "application/json"))
        );
        var rules = JsonNode.Parse(await tenant.Client.GetStringAsync("/api/classification/rules"))!["rules"]!;

        var dry = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/classification/rules/dry-run", Giving.Json(rules))
        );

        Assert.Equal(
            (grants, 0L, 0, 0),
            (
                dry.GetProperty("grants").GetInt32(),
                dry.GetProperty("grantsChanged").GetInt64(),
                dry.GetProperty("level").GetArrayLength(),
                dry.GetProperty("purpose").GetArrayLength()
            )
        );
    }
}
