using FundAudit.Api.Features.Logs;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// PUT /api/funds/{slug}: change a fund's name, maximum grant, second-approval threshold, languages, SLA policy and
/// webhook. The body is CreateFund's, checked by its validator; the slug (the form's public address) and the currency
/// (of the requests already made) cannot change. A new webhook URL gets a new secret, shown once; the same URL keeps
/// its secret; no URL removes both. A new SLA policy applies to requests received from then on: the deadlines of
/// requests already received are stored with them and do not move.
/// </summary>
internal static class UpdateFund
{
    public static async Task<Results<Ok<CreateFund.Response>, ProblemHttpResult, ValidationProblem>> HandleAsync(
        string slug,
        CreateFund.Request request,
        ClaimsPrincipal user,
        [FromServices] FundStore store,
        [FromServices] SensitiveFields sensitive,
        [FromServices] AdminLog adminLog,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        if (await store.FindAsync(funderId, slug, ct) is not { } fund)
        {
            return ProblemText.Problem(StatusCodes.Status404NotFound, "Title_FundNotFound", "Use_FundNotFound", slug);
        }

        if (Unchangeable(fund, request) is { } refused)
        {
            return refused;
        }

        var (policy, errors) = FundPolicies.ToPolicy(request.Sla);
        if (policy is null)
        {
            return FundPolicies.SlaProblem(errors);
        }

        MinorUnits.TryFromDecimal(request.MaxAmount!.Value, fund.Currency, out var max);
        if (!CreateFund.TryThresholdMinor(request.SecondApprovalThreshold, fund.Currency, out var threshold))
        {
            return CreateFund.ThresholdTooPrecise();
        }

        var sameHook = string.Equals(request.WebhookUrl, fund.WebhookUrl, StringComparison.Ordinal);
        var secret = request.WebhookUrl is null || sameHook ? null : CreateFund.NewWebhookSecret();
        var row = new FundRow
        {
            Id = fund.Id,
            FunderId = funderId,
            Slug = fund.Slug,
            Name = request.Name!.Trim(),
            Currency = fund.Currency,
            MaxAmount = max,
            SecondApprovalThreshold = threshold,
            Languages = string.Join(',', (request.Languages ?? []).Select(l => l.Trim()).Where(l => l.Length > 0)),
            SlaPolicy = FundPolicies.Serialize(policy),
            WebhookUrl = request.WebhookUrl,
            WebhookSecretProtected = sameHook ? fund.WebhookSecretProtected : sensitive.Protect(secret),
            CreatedBy = fund.CreatedBy,
            CreatedAt = fund.CreatedAt,
        };
        if (!await store.UpdateAsync(row, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Fund not found");
        }

        await LogUpdatedAsync(adminLog, user, fund.Id, ct);
        return TypedResults.Ok(new CreateFund.Response(FundView.From(row), secret));
    }

    /// <summary>Funds live with the rapid-response data (on SQLite another file): the administration log's entry
    /// follows in a transaction of its own.</summary>
    private static Task LogUpdatedAsync(AdminLog adminLog, ClaimsPrincipal user, long fundId, CancellationToken ct) =>
        adminLog.AppendAsync(
            new AdminLogEntry(
                user.FunderId(),
                user.Actor(),
                AdminActions.FundUpdated,
                "fund",
                fundId.ToString(CultureInfo.InvariantCulture)
            ),
            ct
        );

    /// <summary>The problem when the request would change the fund's slug or currency, else null.</summary>
    private static ProblemHttpResult? Unchangeable(FundRow fund, CreateFund.Request request) =>
        !string.Equals(FundStore.SlugKey(request.Slug!), fund.Slug, StringComparison.Ordinal)
            ? EmergencyProblems.Unprocessable("slug", "A fund's slug is its form's address and cannot change.")
        : !string.Equals(request.Currency!.Trim().ToUpperInvariant(), fund.Currency, StringComparison.Ordinal)
            ? EmergencyProblems.Unprocessable(
                "currency",
                $"The fund's requests are in {fund.Currency}; its currency cannot change."
            )
        : null;
}
