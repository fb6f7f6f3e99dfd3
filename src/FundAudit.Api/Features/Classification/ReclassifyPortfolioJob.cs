using System.Text.Json;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using Hangfire;

namespace FundAudit.Api.Features.Classification;

/// <summary>
/// Re-classifies one funder's portfolio with one of its rule sets. Takes ids only, re-reads everything, and does
/// nothing when the rule set was already applied or has been superseded by a newer one (whose own job does the work).
/// Manual corrections live in their own table and are untouched, so they survive.
/// </summary>
internal sealed class ReclassifyPortfolioJob(
    ClassificationStore store,
    FunderClassifier classifier,
    TimeProvider clock,
    ILogger<ReclassifyPortfolioJob> logger
)
{
    public const int BatchSize = 1000;

    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(long funderId, long ruleSetId, CancellationToken ct)
    {
        var ruleSet = await store.FindRuleSetAsync(funderId, ruleSetId, ct);
        if (ruleSet is null || ruleSet.AppliedAt is not null)
        {
            return;
        }

        var current = await store.CurrentRuleSetAsync(funderId, ct);
        if (current?.Id != ruleSetId)
        {
            return;
        }

        var engine = classifier.EngineFor(ruleSet);
        var now = clock.GetUtcNow();
        long after = 0,
            count = 0;
        while (true)
        {
            var batch = await store.InputsAsync(funderId, after, BatchSize, ct);
            if (batch.Count == 0)
            {
                break;
            }

            var updates = batch.Select(row => ToUpdate(row.Id, engine.Classify(ToRecord(row)), now)).ToList();
            await store.SaveClassificationsAsync(funderId, updates, ct);
            after = batch[^1].Id;
            count += batch.Count;
        }

        await store.MarkAppliedAsync(funderId, ruleSetId, clock.GetUtcNow(), ct);
        logger.LogInformation(
            "Re-classified {Count} grants of funder {FunderId} with rule set {RuleSetId}",
            count,
            funderId,
            ruleSetId
        );
    }

    internal static GrantRecord ToRecord(ClassificationInputRow row)
    {
        var recipient = StoredRecipient.Read(row.ExtraJson);
        return new()
        {
            Identifier = row.PjIdentifier,
            Title = row.PjTitle,
            Description = row.PjDescription,
            Currency = row.PjCurrency,
            AmountAwardedMinor = row.PjAmountAwarded,
            AwardDate = row.PjAwardDate,
            RecipientOrgId = row.PjRecipientOrgId,
            RecipientOrgName = row.PjRecipientOrgName,
            RecipientIsIndividual = recipient.Individual,
            RecipientOrgCountry = row.PjRecipientCountry,
            RecipientOrgPostalCode = recipient.PostalCode,
            RecipientOrgLocality = recipient.Locality,
            RecipientOrgRegion = recipient.Region,
            RecipientLocationCountryCodes = Split(row.PjRecipientLocationCountries),
            BeneficiaryLocations = row.PjBeneficiaryLocations is { Length: > 0 } json
                ? JsonSerializer.Deserialize<List<BeneficiaryLocation>>(json, GrantMapping.StoredJson) ?? []
                : [],
            ProgrammeTitle = row.PjProgrammeTitle,
            FundingTypes = Split(row.PjFundingTypes),
            LocationScope = row.PjLocationScope,
            ExplicitLevel = row.PjExplicitLevel,
            ExplicitPurpose = row.PjExplicitPurpose,
            ExplicitFlexible = row.PjExplicitFlexible,
        };
    }

    private static ClassificationUpdate ToUpdate(long id, GrantClassification c, DateTimeOffset now) =>
        new(
            id,
            ClassificationNames.Of(c.Level.Value),
            ClassificationNames.Of(c.Level.Source),
            c.Level.Confidence,
            ClassificationNames.Evidence(c.Level.Evidence),
            ClassificationNames.Of(c.Purpose.Value),
            ClassificationNames.Of(c.Purpose.Source),
            c.Purpose.Confidence,
            ClassificationNames.Evidence(c.Purpose.Evidence),
            c.Flexible.Value,
            ClassificationNames.Of(c.Flexible.Source),
            c.Flexible.Confidence,
            ClassificationNames.Evidence(c.Flexible.Evidence),
            c.RuleSetVersion,
            now
        );

    private static List<string> Split(string? joined) =>
        string.IsNullOrEmpty(joined)
            ? []
            : [.. joined.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
