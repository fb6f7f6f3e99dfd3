using System.Text.Json;
using FundAudit.Core.Classification;
using Hangfire;

namespace FundAudit.Api.Features.Classification;

/// <param name="Version">The rule set's own version string.</param>
/// <param name="Revision">FundAudit's id of this copy (null for the shipped default).</param>
/// <param name="Status">default (no copy of its own), applying (re-classification running), applied.</param>
/// <param name="Rules">The rule set document, as PUT takes it.</param>
/// <param name="CreatedAt">When this copy was saved (null for the shipped default).</param>
/// <param name="CreatedBy">Who saved it (null for the shipped default).</param>
internal sealed record RuleSetResponse(
    string Version,
    long? Revision,
    string Status,
    DateTimeOffset? CreatedAt,
    string? CreatedBy,
    JsonElement Rules
);

/// <summary>GET /api/classification/rules: the funder's current rule set (its own copy, else the default).</summary>
internal static class GetRuleSet
{
    public static async Task<Ok<RuleSetResponse>> HandleAsync(
        ClaimsPrincipal user,
        [FromServices] ClassificationStore store,
        CancellationToken ct
    )
    {
        var current = await store.CurrentRuleSetAsync(user.FunderId(), ct);
        return TypedResults.Ok(
            current is null
                ? new RuleSetResponse(
                    RuleSet.Default.Version,
                    null,
                    "default",
                    null,
                    null,
                    JsonDocument.Parse(RuleSet.DefaultJson()).RootElement.Clone()
                )
                : ToResponse(current)
        );
    }

    internal static RuleSetResponse ToResponse(RuleSetRow row) =>
        new(
            row.Version,
            row.Id,
            row.AppliedAt is null ? "applying" : "applied",
            row.CreatedAt,
            row.CreatedBy,
            JsonDocument.Parse(row.RulesJson).RootElement.Clone()
        );
}

/// <summary>
/// PUT /api/classification/rules: the funder's own copy of the rule set, validated as a whole (every problem named
/// by its JSON path). It needs a version not used before by this funder; the answer is 202 while a job
/// re-classifies this funder's portfolio (and only this funder's). Manual corrections survive.
/// </summary>
internal static class PutRuleSet
{
    public static async Task<Results<Accepted<RuleSetResponse>, ProblemHttpResult>> HandleAsync(
        JsonElement rules,
        ClaimsPrincipal user,
        [FromServices] ClassificationStore store,
        [FromServices] IBackgroundJobClient jobs,
        [FromServices] TimeProvider clock,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        var parsed = RuleSet.Parse(rules.GetRawText()).RuleSet!;
        var current = await store.CurrentRuleSetAsync(funderId, ct);
        if (string.Equals(current?.Version ?? RuleSet.Default.Version, parsed.Version, StringComparison.Ordinal))
        {
            return ProblemText.Problem(
                StatusCodes.Status409Conflict,
                "Title_VersionInUse",
                "Use_RuleSetVersionInUse",
                parsed.Version
            );
        }

        var id = await store.AddRuleSetAsync(
            funderId,
            parsed.Version,
            parsed.ToJson(),
            user.Actor(),
            clock.GetUtcNow(),
            ct
        );
        jobs.Enqueue<ReclassifyPortfolioJob>(j => j.RunAsync(funderId, id, CancellationToken.None));
        var row = await store.FindRuleSetAsync(funderId, id, ct);
        return TypedResults.Accepted("/api/classification/rules", GetRuleSet.ToResponse(row!));
    }

    /// <summary>Runs the rule-set parser's own validation and reports each error at its JSON path.</summary>
    public sealed class Validator : AbstractValidator<JsonElement>
    {
        public Validator()
        {
            RuleFor(r => r)
                .Custom(
                    (rules, context) =>
                    {
                        if (rules.ValueKind != JsonValueKind.Object)
                        {
                            context.AddFailure(
                                new FluentValidation.Results.ValidationFailure("$", "A rule set is a JSON " + "object.")
                            );
                            return;
                        }

                        foreach (var error in FundAudit.Core.Classification.RuleSet.Parse(rules.GetRawText()).Errors)
                        {
                            context.AddFailure(
                                new FluentValidation.Results.ValidationFailure(error.Path, error.Message)
                            );
                        }
                    }
                );
        }
    }
}
