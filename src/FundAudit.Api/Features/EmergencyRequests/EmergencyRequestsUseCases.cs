using FundAudit.Api.Features.Logs;
using FundAudit.Api.Infrastructure.Data.Backup;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// The rapid-response use cases as another feature calls them (the console's funds, requests, dashboard and shred
/// pages): the feature's own handlers, bound to its stores and services, so that the caller never reaches its stores.
/// Every method takes the caller and keeps the handler's tenant and need-to-know checks.
/// </summary>
internal sealed class EmergencyRequestsUseCases(
    FundStore funds,
    RequestStore requests,
    PaymentStore payments,
    PurgeStore retention,
    FundMetrics metrics,
    ShredStore shreds,
    RequestWorkflow workflow,
    NeedToKnow access,
    CaseKeys caseKeys,
    SensitiveFields sensitive,
    EmergencyOptions options,
    AdminLog adminLog,
    IBackupKeyFile backupKeys,
    ILoggerFactory logs,
    TimeProvider clock
)
{
    /// <summary>GET /api/funds: the caller's funder's funds.</summary>
    public async Task<IReadOnlyList<FundView>> ListFundsAsync(ClaimsPrincipal user, CancellationToken ct) =>
        (await ListFunds.HandleAsync(user, funds, ct)).Value!.Items;

    /// <summary>The caller's funder's funds the caller may see (need-to-know), in the order of
    /// <see cref="ListFundsAsync"/>.</summary>
    public async Task<IReadOnlyList<FundView>> ListVisibleFundsAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var visible = await access.VisibleFundsAsync(user, ct);
        return [.. (await funds.ListAsync(user.FunderId(), ct)).Where(f => visible(f.Id)).Select(FundView.From)];
    }

    /// <summary>One fund of the caller's funder by its slug, or null.</summary>
    public async Task<FundView?> FindFundAsync(ClaimsPrincipal user, string slug, CancellationToken ct) =>
        await funds.FindAsync(user.FunderId(), slug, ct) is { } fund ? FundView.From(fund) : null;

    /// <summary>POST /api/funds.</summary>
    public Task<Results<Created<CreateFund.Response>, ProblemHttpResult, ValidationProblem>> CreateFundAsync(
        CreateFund.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => CreateFund.HandleAsync(request, user, funds, sensitive, adminLog, clock, ct);

    /// <summary>PUT /api/funds/{slug}.</summary>
    public Task<Results<Ok<CreateFund.Response>, ProblemHttpResult, ValidationProblem>> UpdateFundAsync(
        string slug,
        CreateFund.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => UpdateFund.HandleAsync(slug, request, user, funds, sensitive, adminLog, ct);

    /// <summary>GET /api/requests.</summary>
    public Task<Results<Ok<ListRequests.Response>, ProblemHttpResult>> ListRequestsAsync(
        ListRequests.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => ListRequests.HandleAsync(request, user, funds, requests, retention, options, access, clock, ct);

    /// <summary>GET /api/requests/{reference} with its purpose (written to the access log).</summary>
    public Task<Results<Ok<GetRequest.Response>, ProblemHttpResult>> GetRequestAsync(
        string reference,
        string? purpose,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => GetRequest.HandleAsync(reference, purpose, user, workflow, requests, payments, caseKeys, clock, ct);

    /// <summary>GET /api/requests/{reference}/events.</summary>
    public Task<Results<Ok<ListRequestEvents.Response>, ProblemHttpResult>> ListRequestEventsAsync(
        string reference,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => ListRequestEvents.HandleAsync(reference, user, workflow, requests, ct);

    /// <summary>POST /api/requests/{reference}/disbursement with the idempotency key given.</summary>
    public Task<Results<Ok<RecordDisbursement.Response>, ProblemHttpResult>> RecordDisbursementAsync(
        string reference,
        RecordDisbursement.Request request,
        string key,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => RecordDisbursement.RecordAsync(reference, request, key, user, workflow, payments, caseKeys, ct);

    /// <summary>GET /api/funds/{slug}/metrics once per grouping (null: no such fund for the caller).</summary>
    public Task<IReadOnlyList<GetFundMetrics.Response>?> FundMetricsAsync(
        string slug,
        DateOnly? from,
        DateOnly? to,
        IReadOnlyList<IReadOnlyList<string>> groupings,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => metrics.ForGroupingsAsync(slug, from, to, groupings, user, ct);

    /// <summary>POST /api/requests/{reference}/shred.</summary>
    public Task<Results<Ok<ShredCase.Response>, ProblemHttpResult>> ShredCaseAsync(
        string reference,
        ShredCase.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => ShredCase.HandleAsync(reference, request, user, workflow, shreds, backupKeys, adminLog, clock, logs, ct);
}
