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

    /// <summary>Stores the validated package.</summary>
    /// <param name="package">The package, its dates already read as ISO dates (<see cref="PackageDatesFilter"/>).
    /// </param>
    /// <param name="dateFormat">How to read slash dates: DD/MM/YYYY or MM/DD/YYYY; left out, the package's own dates
    /// must decide. <see cref="PackageDatesFilter"/> applies it before validation; declared here so that the contract
    /// lists it.</param>
    /// <param name="user">The caller.</param>
    /// <param name="store">The grants.</param>
    /// <param name="classifier">The funder's classifier.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="ct">The request's cancellation.</param>
    public static async Task<Ok<Response>> HandleAsync(
        GrantPackage package,
        [FromQuery(Name = PackageDates.Parameter)] string? dateFormat,
        ClaimsPrincipal user,
        [FromServices] GrantStore store,
        [FromServices] FunderClassifier classifier,
        [FromServices] TimeProvider clock,
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
                .WithText("Package_NoGrants")
                .Must(g => g!.Count > 0)
                .When(p => p.Grants is not null, ApplyConditionTo.CurrentValidator)
                .WithText("Package_Empty")
                .Must(g => g!.Count <= limits.Value.MaxGrantsPerPackage)
                .When(p => p.Grants is not null, ApplyConditionTo.CurrentValidator)
                .WithText("Package_TooMany", limits.Value.MaxGrantsPerPackage);
            RuleForEach(p => p.Grants)
                .NotNull()
                .WithText("Package_GrantObject")
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
                                        ProblemText.T("Package_DuplicateId", first)
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
        RuleFor(g => g.Id).NotEmpty().WithText("Package_Id").AtMost(GrantLimits.MaxIdentifierLength);
        RuleFor(g => g.Title).NotEmpty().WithText("Package_Title").AtMost(GrantLimits.MaxTitleLength);
        RuleFor(g => g.Description).AtMost(GrantLimits.MaxDescriptionLength);
        RuleFor(g => g.Currency)
            .NotEmpty()
            .WithText("Package_Currency")
            .Must(Currencies.IsKnown)
            .When(g => !string.IsNullOrEmpty(g.Currency), ApplyConditionTo.CurrentValidator)
            .WithText("Package_CurrencyUnknown");
        RuleFor(g => g.AmountAwarded)
            .NotNull()
            .WithText("Package_Amount")
            .GreaterThanOrEqualTo(0)
            .WithText("Package_AmountNegative");
        RuleFor(g => g.AmountAwarded)
            .Must((g, amount) => MinorUnits.TryFromDecimal(amount!.Value, g.Currency!, out _))
            .When(g => g.AmountAwarded >= 0 && Currencies.IsKnown(g.Currency))
            .WithMessage(g => ProblemText.T("Package_Decimals", g.Currency!.ToUpperInvariant()))
            .WithState(g => new ProblemKey("Package_Decimals", [g.Currency!.ToUpperInvariant()]));
        RuleFor(g => g.AmountDisbursed).GreaterThanOrEqualTo(0).WithText("Package_DisbursedNegative");
        RuleFor(g => g.AmountDisbursed)
            .Must((g, amount) => MinorUnits.TryFromDecimal(amount!.Value, g.Currency!, out _))
            .When(g => g.AmountDisbursed >= 0 && Currencies.IsKnown(g.Currency))
            .WithMessage(g => ProblemText.T("Package_Decimals", g.Currency!.ToUpperInvariant()))
            .WithState(g => new ProblemKey("Package_Decimals", [g.Currency!.ToUpperInvariant()]));
        RuleFor(g => g.AwardDate)
            .NotEmpty()
            .WithText("Package_Date")
            .Must(BeAPlausibleDate)
            .When(g => !string.IsNullOrEmpty(g.AwardDate), ApplyConditionTo.CurrentValidator)
            .WithText("Package_DateRange", GrantLimits.EarliestAwardDate.Year, GrantLimits.LatestAwardDate.Year);
        RuleFor(g => g.LocationScope)
            .Must(s => GrantLimits.LocationScopes.Contains(s!.Trim().ToUpperInvariant()))
            .When(g => !string.IsNullOrWhiteSpace(g.LocationScope))
            .WithText("Package_LocationScope");
        RuleFor(g => g.Extra).Custom(CheckExplicitClassification);
        RuleFor(g => g.BeneficiaryLocation)
            .Must(l => l!.Count <= GrantLimits.MaxLocations)
            .When(g => g.BeneficiaryLocation is not null)
            .WithText("Package_MaxLocations", GrantLimits.MaxLocations);
        // Planned dates are informative: kept as sent, and mapped only when they are ISO dates (the CSV import does the
        // same).
        RuleForEach(g => g.RecipientOrganization)
            .ChildRules(o => o.RuleFor(x => x.Name).AtMost(GrantLimits.MaxNameLength));
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
            var text = ProblemText.T(problem.Key, [.. problem.Args]);
            context.AddFailure(
                // The path AddFailure(name, message) would give it (the grant's place in the package first).
                new FluentValidation.Results.ValidationFailure(
                    context.PropertyChain.BuildPropertyPath(ExplicitClassification.JsonProperty),
                    text
                )
                {
                    CustomState = problem,
                }
            );
        }
    }

    private static bool BeAPlausibleDate(string? text) =>
        IsoDate.TryParse(text, out var date)
        && date >= GrantLimits.EarliestAwardDate
        && date <= GrantLimits.LatestAwardDate;
}
