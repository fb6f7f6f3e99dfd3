using FundAudit.Api.Features.Classification;
using FundAudit.Core.Grants;
using FundAudit.Core.Money;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// POST /api/grants: a 360Giving grant package, all or nothing. Every grant is validated first; one invalid grant
/// refuses the whole package with a ValidationProblem naming each bad field (grants[i].field), and nothing is stored.
/// A valid package is upserted by (funder, id) in one transaction.
/// </summary>
internal static class ImportGrantPackage
{
    public sealed record Response(int Received, int Created, int Updated, int Unchanged);

    public static async Task<Ok<Response>> HandleAsync(
        GrantPackage package,
        ClaimsPrincipal user,
        GrantStore store,
        FunderClassifier classifier,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        var engine = await classifier.EngineForAsync(funderId, ct);
        var grants = package
            .Grants!.Select(g =>
            {
                var json = GrantMapping.ToStoredJson(g);
                var record = GrantMapping.ToRecord(g);
                return new GrantToStore(record, json, GrantMapping.ContentHash(json), engine.Classify(record));
            })
            .ToList();
        var counts = await store.UpsertAsync(funderId, grants, clock.GetUtcNow(), ct);
        return TypedResults.Ok(new Response(grants.Count, counts.Created, counts.Updated, counts.Unchanged));
    }

    public sealed class Validator : AbstractValidator<GrantPackage>
    {
        public Validator(IOptions<HttpLimitsOptions> limits)
        {
            RuleFor(p => p.Grants)
                .NotNull()
                .WithMessage("A 360Giving package needs a 'grants' array.")
                .Must(g => g!.Count > 0)
                .When(p => p.Grants is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage("The 'grants' array is empty.")
                .Must(g => g!.Count <= limits.Value.MaxGrantsPerPackage)
                .When(p => p.Grants is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage(
                    $"At most {limits.Value.MaxGrantsPerPackage} grants per package; send larger portfolios "
                        + $"as a CSV import."
                );
            RuleForEach(p => p.Grants)
                .NotNull()
                .WithMessage("A grant must be an object.")
                .SetValidator(new GivingGrantValidator());
            RuleFor(p => p.Grants)
                .Custom(
                    (grants, context) =>
                    {
                        // Two grants with one id in a package would make the result depend on order: refuse, naming
                        // both.
                        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
                        for (var i = 0; i < (grants?.Count ?? 0); i++)
                        {
                            if (grants![i]?.Id?.Trim() is not { Length: > 0 } id)
                            {
                                continue;
                            }

                            if (firstIndex.TryGetValue(id, out var first))
                            {
                                context.AddFailure(
                                    new FluentValidation.Results.ValidationFailure(
                                        $"grants[{i}].id",
                                        $"Duplicates the id of grants[{first}]; a package holds each grant " + $"once."
                                    )
                                );
                            }
                            else
                            {
                                firstIndex[id] = i;
                            }
                        }
                    }
                );
        }
    }
}

/// <summary>The rules one 360Giving grant must meet (the CSV import applies the same limits, from <see
/// cref="GrantLimits"/>).</summary>
internal sealed class GivingGrantValidator : AbstractValidator<GivingGrant>
{
    public GivingGrantValidator()
    {
        RuleFor(g => g.Id)
            .NotEmpty()
            .WithMessage("Required: the grant's 360Giving identifier.")
            .MaximumLength(GrantLimits.MaxIdentifierLength);
        RuleFor(g => g.Title)
            .NotEmpty()
            .WithMessage("Required: the grant's title.")
            .MaximumLength(GrantLimits.MaxTitleLength);
        RuleFor(g => g.Description).MaximumLength(GrantLimits.MaxDescriptionLength);
        RuleFor(g => g.Currency)
            .NotEmpty()
            .WithMessage("Required: an ISO 4217 currency code such as GBP.")
            .Must(Currencies.IsKnown)
            .When(g => !string.IsNullOrEmpty(g.Currency), ApplyConditionTo.CurrentValidator)
            .WithMessage("Not an ISO 4217 currency code (expected e.g. GBP, EUR, USD).");
        RuleFor(g => g.AmountAwarded)
            .NotNull()
            .WithMessage("Required: the amount awarded, as a number.")
            .GreaterThanOrEqualTo(0)
            .WithMessage("The amount awarded cannot be negative.");
        RuleFor(g => g.AmountAwarded)
            .Must((g, amount) => MinorUnits.TryFromDecimal(amount!.Value, g.Currency!, out _))
            .When(g => g.AmountAwarded >= 0 && Currencies.IsKnown(g.Currency))
            .WithMessage(g => $"More decimal places than {g.Currency!.ToUpperInvariant()} has, or too large.");
        RuleFor(g => g.AmountDisbursed).GreaterThanOrEqualTo(0).WithMessage("The amount disbursed cannot be negative.");
        RuleFor(g => g.AmountDisbursed)
            .Must((g, amount) => MinorUnits.TryFromDecimal(amount!.Value, g.Currency!, out _))
            .When(g => g.AmountDisbursed >= 0 && Currencies.IsKnown(g.Currency))
            .WithMessage(g => $"More decimal places than {g.Currency!.ToUpperInvariant()} has, or too large.");
        RuleFor(g => g.AwardDate)
            .NotEmpty()
            .WithMessage("Required: the award date, YYYY-MM-DD or an ISO 8601 " + "date-time.")
            .Must(BeAPlausibleDate)
            .When(g => !string.IsNullOrEmpty(g.AwardDate), ApplyConditionTo.CurrentValidator)
            .WithMessage(
                $"Not a real date as YYYY-MM-DD or an ISO 8601 date-time between "
                    + $"{GrantLimits.EarliestAwardDate:yyyy} and {GrantLimits.LatestAwardDate:yyyy}."
            );
        RuleFor(g => g.LocationScope)
            .Must(s => GrantLimits.LocationScopes.Contains(s!.Trim().ToUpperInvariant()))
            .When(g => !string.IsNullOrWhiteSpace(g.LocationScope))
            .WithMessage("Not a 360Giving Location Scope code (GLS010 to GLS060, or GLS099).");
        RuleFor(g => g.Extra).Custom(CheckExplicitClassification);
        RuleFor(g => g.BeneficiaryLocation)
            .Must(l => l!.Count <= GrantLimits.MaxLocations)
            .When(g => g.BeneficiaryLocation is not null)
            .WithMessage($"At most {GrantLimits.MaxLocations} beneficiary locations.");
        // Planned dates are informative: kept as sent, and mapped only when they are ISO dates (the CSV import does the
        // same).
        RuleForEach(g => g.RecipientOrganization)
            .ChildRules(o => o.RuleFor(x => x.Name).MaximumLength(GrantLimits.MaxNameLength));
    }

    /// <summary><c>explicitClassification</c>: level, purpose (with <c>other</c>) and flexible, each allowed or
    /// null.</summary>
    private static void CheckExplicitClassification(
        Dictionary<string, System.Text.Json.JsonElement>? extra,
        ValidationContext<GivingGrant> context
    )
    {
        ExplicitClassification.FromJson(extra, out var problem);
        if (problem is not null)
        {
            context.AddFailure(ExplicitClassification.JsonProperty, problem);
        }
    }

    private static bool BeAPlausibleDate(string? text) =>
        IsoDate.TryParse(text, out var date)
        && date >= GrantLimits.EarliestAwardDate
        && date <= GrantLimits.LatestAwardDate;
}
