using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// PUT /api/requests/{reference}/payment-details: how to pay, recorded only once the request is approved, in its own
/// encrypted record (officer or finance).
/// </summary>
internal sealed class RecordPaymentDetails : IStaffTransition<RecordPaymentDetails.Request>
{
    /// <param name="Version">The request's version as last read.</param>
    /// <param name="Details">How to pay (account, mobile-money number, trusted intermediary…); stored encrypted, purged
    /// with the case.</param>
    public sealed record Request(int? Version, string? Details) : IVersionedBody;

    /// <summary>It encrypts with the case key.</summary>
    public static bool WritesSensitiveFields => true;

    public static (RequestCommand, TransitionEffects) Decide(Request body, StaffContext context)
    {
        var details = new NewPaymentDetails(
            context.Case.Protect(body.Details!.Trim(), CaseField.PaymentDetails)!,
            context.Staff.Id
        );
        return (new RequestCommand(RequestAction.RecordPaymentDetails, context.Staff), new(PaymentDetails: details));
    }

    public sealed class Validator : VersionedBodyValidator<Request>
    {
        public Validator() => RuleFor(r => r.Details).RequiredText("Payment_DetailsRequired", 2000);
    }
}

/// <summary>GET /api/requests/{reference}/payment-details: reads the encrypted record (written to the access
/// log).</summary>
internal static class GetPaymentDetails
{
    public sealed record Response(string Reference, string? Details, string RecordedBy, DateTimeOffset RecordedAt);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        string reference,
        ClaimsPrincipal user,
        [FromServices] RequestWorkflow workflow,
        [FromServices] PaymentStore payments,
        [FromServices] CaseKeys caseKeys,
        [FromServices] TimeProvider clock,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        var (found, refused) = await workflow.FindForAsync(user, reference, FundNeed.Handle, ct);
        if (found is not var (row, _))
        {
            return refused!;
        }

        // Finance sees payment details only of approved requests (of its funds); officers of their funds' requests.
        if (!user.IsInRole(Roles.Officer) && !user.IsInRole(Roles.Admin) && row.ApprovedAmount is null)
        {
            return EmergencyProblems.RequestNotFound();
        }

        if (await payments.DetailsAsync(funderId, row.Id, ct) is not { } details)
        {
            return ProblemText.Problem(StatusCodes.Status404NotFound, "Title_NotFound", "Use_NoPaymentDetails");
        }

        await payments.LogAccessAsync(
            funderId,
            row.Id,
            user.PersonId(),
            "payment_details",
            clock.GetUtcNow(),
            ct,
            "pay"
        );
        return TypedResults.Ok(
            new Response(
                row.Reference,
                (await caseKeys.ForAsync(row, ct)).Unprotect(details.DetailsProtected, CaseField.PaymentDetails),
                details.RecordedBy,
                details.RecordedAt
            )
        );
    }
}

/// <summary>
/// POST /api/requests/{reference}/disbursement (finance, Idempotency-Key required): records that the approved amount
/// was
/// sent. One disbursement per request (a unique constraint); a retry with the same key answers the first record.
/// </summary>
internal static class RecordDisbursement
{
    /// <param name="Version">The request's version as last read.</param>
    /// <param name="Method">How it was sent (bank-transfer, mobile-money, cash-via-partner, …).</param>
    /// <param name="Reference">The payment's own reference (stored encrypted).</param>
    public sealed record Request(int? Version, string? Method, string? Reference) : IVersionedBody;

    public sealed record Disbursement(
        string Method,
        decimal Amount,
        string Currency,
        string RecordedBy,
        DateTimeOffset RecordedAt
    );

    public sealed record Response(RequestSummary Request, Disbursement Disbursement);

    /// <summary>How a request is serialised for its fingerprint.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions HashJson = new(
        System.Text.Json.JsonSerializerDefaults.Web
    );

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        string reference,
        Request request,
        HttpContext http,
        ClaimsPrincipal user,
        [FromServices] RequestWorkflow workflow,
        [FromServices] PaymentStore payments,
        [FromServices] CaseKeys caseKeys,
        CancellationToken ct
    )
    {
        var key = http.Request.Headers[IdempotencyStore.Header];
        var result = await RecordAsync(reference, request, key, user, workflow, payments, caseKeys, ct);
        IdempotencyClaims.SetRetryAfter(http, result.Result);
        return result;
    }

    /// <summary>
    /// The use case itself, for the API and the console's form (whose hidden submission key is the idempotency key).
    /// </summary>
    public static async Task<Results<Ok<Response>, ProblemHttpResult>> RecordAsync(
        string reference,
        Request request,
        string? key,
        ClaimsPrincipal user,
        RequestWorkflow workflow,
        PaymentStore payments,
        CaseKeys caseKeys,
        CancellationToken ct
    )
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > IdempotencyStore.MaxKeyLength)
        {
            return TypedResults.Problem(
                title: "Idempotency-Key required",
                detail: $"Send an Idempotency-Key header (1 to {IdempotencyStore.MaxKeyLength} characters) "
                    + "so that a retry cannot pay twice.",
                statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["field"] = IdempotencyStore.Header }
            );
        }

        var funderId = user.FunderId();
        var (found, refused) = await workflow.FindForAsync(user, reference, FundNeed.Handle, ct);
        if (found is not var (row, fund))
        {
            return refused!;
        }

        // The fingerprint: the canonical body; the route (this request) is in the scope.
        var requestHash = IdempotencyStore.Hash(System.Text.Json.JsonSerializer.Serialize(request, HashJson));
        return await payments.Claims.RunAsync(
            $"disbursement:{funderId}:{row.Id}",
            key,
            requestHash,
            () => ReplayAsync(workflow, payments, row, fund, key, requestHash, ct),
            () => RecordNewAsync(row, fund, request, key, requestHash, user, workflow, payments, caseKeys, ct),
            () => OtherRequest(),
            inProgress => inProgress,
            ct
        );
    }

    private static Results<Ok<Response>, ProblemHttpResult> OtherRequest() =>
        TypedResults.Problem(
            title: ProblemText.T("Title_IdempotencyReused"),
            detail: ProblemText.T("Use_IdempotencyReused"),
            statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?> { ["field"] = IdempotencyStore.Header }
        );

    private static async Task<Results<Ok<Response>, ProblemHttpResult>> RecordNewAsync(
        RequestRow row,
        FundRow fund,
        Request request,
        string key,
        string requestHash,
        ClaimsPrincipal user,
        RequestWorkflow workflow,
        PaymentStore payments,
        CaseKeys caseKeys,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        var reference = row.Reference;
        var cipher = await caseKeys.ForAsync(row, ct);
        if (cipher.IsShredded && request.Reference is not null)
        {
            return EmergencyProblems.Shredded();
        }

        var disbursement = new NewDisbursement(
            IdempotencyStore.Hash(key),
            request.Method!.Trim().ToLowerInvariant(),
            cipher.Protect(request.Reference?.Trim(), CaseField.DisbursementReference),
            row.ApprovedAmount ?? 0,
            fund.Currency,
            user.PersonId(),
            requestHash
        );
        var command = new RequestCommand(
            RequestAction.RecordDisbursement,
            RequestWorkflow.StaffActor(user, RequestAction.RecordDisbursement)
        );
        var outcome = await workflow.RunAsync(row, fund, request.Version, command, new(Disbursement: disbursement), ct);
        if (outcome.Problem is { } problem)
        {
            // A concurrent call with the same key may have won: answer what it recorded.
            return
                await workflow.FindAsync(funderId, reference, ct) is var (current, _)
                && await ReplayAsync(workflow, payments, current, fund, key, requestHash, ct) is { } raced
                ? raced
                : problem;
        }

        return (await ReplayAsync(workflow, payments, outcome.Request!, fund, key, requestHash, ct))!;
    }

    private static async Task<Results<Ok<Response>, ProblemHttpResult>?> ReplayAsync(
        RequestWorkflow workflow,
        PaymentStore payments,
        RequestRow row,
        FundRow fund,
        string key,
        string requestHash,
        CancellationToken ct
    )
    {
        if (await payments.DisbursementAsync(row.FunderId, row.Id, ct) is not { } d)
        {
            return null;
        }

        if (d.IdempotencyKey == IdempotencyStore.Hash(key) && d.RequestHash is { } recorded && recorded != requestHash)
        {
            return OtherRequest();
        }

        if (d.IdempotencyKey != IdempotencyStore.Hash(key))
        {
            return TypedResults.Problem(
                title: ProblemText.T("Title_AlreadyDisbursed"),
                detail: ProblemText.T("Use_AlreadyDisbursed"),
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["code"] = "already_disbursed" }
            );
        }

        // The row may have been read before a concurrent call with the same key committed: answer with the request
        // as it is now.
        var current = await workflow.FindAsync(row.FunderId, row.Reference, ct) is var (now, _) ? now : row;
        return TypedResults.Ok(
            new Response(
                await workflow.SummaryOfAsync(current, fund, ct),
                new Disbursement(
                    d.Method,
                    RequestSummary.Money(d.Amount, d.Currency),
                    d.Currency,
                    d.RecordedBy,
                    d.RecordedAt
                )
            )
        );
    }

    public sealed class Validator : VersionedBodyValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Method).RequiredText("Payment_MethodRequired", 64);
            RuleFor(r => r.Reference).AtMost(200);
        }
    }
}
