using FundAudit.Api.Features.Logs;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>One row of disbursements; the payment's own reference is Data Protection ciphertext.</summary>
internal sealed class DisbursementRow
{
    public long Id { get; init; }

    public long RequestId { get; init; }

    public string IdempotencyKey { get; init; } = "";

    /// <summary>The fingerprint of the request that recorded it (absent on rows recorded before it was kept).</summary>
    public string? RequestHash { get; init; }

    public string Method { get; init; } = "";

    public string? ReferenceProtected { get; init; }

    public long Amount { get; init; }

    public string Currency { get; init; } = "";

    public string RecordedBy { get; init; } = "";

    public DateTimeOffset RecordedAt { get; init; }
}

/// <summary>One row of request_payment_details: how to pay, encrypted.</summary>
internal sealed class PaymentDetailsRow
{
    public string? DetailsProtected { get; init; }

    public string RecordedBy { get; init; } = "";

    public DateTimeOffset RecordedAt { get; init; }
}

/// <summary>
/// Payment details, disbursements and the access log (who read which fields of a case, when; never the content).
/// Every statement filters on or writes funder_id. A transition writes payment details and disbursements inside its
/// own transaction, through <see cref="ReplaceDetailsAsync"/> and <see cref="InsertDisbursementAsync"/>.
/// </summary>
internal sealed class PaymentStore(RapidResponseDb db, IdempotencyClaims claims)
{
    private const string DeletePaymentDetails =
        "DELETE FROM request_payment_details WHERE funder_id = @FunderId AND request_id = @RequestId";
    private const string InsertPaymentDetails = """
        INSERT INTO request_payment_details (request_id, funder_id, details_protected, recorded_by, recorded_at)
        VALUES (@RequestId, @FunderId, @DetailsProtected, @RecordedBy, @RecordedAt)
        """;
    private const string SelectPaymentDetails = """
        SELECT details_protected, recorded_by, recorded_at FROM request_payment_details
        WHERE funder_id = @FunderId AND request_id = @RequestId
        """;
    private const string InsertDisbursement = """
        INSERT INTO disbursements (funder_id, request_id, idempotency_key, method, reference_protected, amount,
            currency, recorded_by, recorded_at, request_hash)
        VALUES (@FunderId, @RequestId, @IdempotencyKeyHash, @Method, @ReferenceProtected, @Amount, @Currency,
            @RecordedBy, @RecordedAt, @RequestHash)
        """;
    private const string SelectDisbursement = """
        SELECT id, request_id, idempotency_key, method, reference_protected, amount, currency, recorded_by, recorded_at,
            request_hash
        FROM disbursements WHERE funder_id = @FunderId AND request_id = @RequestId
        """;
    private const string InsertAccess = """
        INSERT INTO request_access_log (funder_id, request_id, actor, fields, read_at, purpose)
        VALUES (@FunderId, @RequestId, @Actor, @Fields, @ReadAt, @Purpose)
        """;

    /// <summary>The Idempotency-Key claims a disbursement runs under (see <see cref="RecordDisbursement"/>).</summary>
    public IdempotencyClaims Claims => claims;

    public Task<PaymentDetailsRow?> DetailsAsync(long funderId, long requestId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<PaymentDetailsRow>(
            SelectPaymentDetails,
            new { FunderId = funderId, RequestId = requestId },
            ct
        );

    public Task<DisbursementRow?> DisbursementAsync(long funderId, long requestId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<DisbursementRow>(
            SelectDisbursement,
            new { FunderId = funderId, RequestId = requestId },
            ct
        );

    /// <summary>Appends to the access log (and its funder's chain): who read which fields of which request, when,
    /// and why (decide, verify_identity, pay, safety_follow_up). Never the content.</summary>
    public async Task LogAccessAsync(
        long funderId,
        long requestId,
        string actor,
        string fields,
        DateTimeOffset at,
        CancellationToken ct,
        string? purpose = null
    )
    {
        var args = new
        {
            FunderId = funderId,
            RequestId = requestId,
            Actor = actor,
            Fields = fields,
            ReadAt = at,
            Purpose = purpose,
        };
        await db.InTransactionAsync(
            async tx =>
            {
                await LogChain.AppendAsync(
                    db,
                    tx,
                    LogChains.AccessLog,
                    funderId,
                    () => tx.ExecuteAsync(InsertAccess, args, ct),
                    ct
                );
            },
            ct
        );
    }

    /// <summary>
    /// Appends the applicant's own read of their case (the fund's question, from the anonymous status check) to the
    /// access log unsealed and without the chain's lock, like the applicant's events: the seal job chains it within
    /// about a minute (see <see cref="LogChain"/>). <paramref name="actor"/> is the applicant's (<c>applicant:</c>…).
    /// </summary>
    public Task LogApplicantReadAsync(
        long funderId,
        long requestId,
        string actor,
        string fields,
        DateTimeOffset at,
        CancellationToken ct
    ) =>
        db.ExecuteAsync(
            InsertAccess,
            new
            {
                FunderId = funderId,
                RequestId = requestId,
                Actor = actor,
                Fields = fields,
                ReadAt = at,
                Purpose = (string?)null,
            },
            ct
        );

    /// <summary>Replaces the request's payment details, inside the transition's transaction.</summary>
    public static async Task ReplaceDetailsAsync(
        DbTransaction tx,
        long funderId,
        long requestId,
        NewPaymentDetails details,
        DateTimeOffset at,
        CancellationToken ct
    )
    {
        await tx.ExecuteAsync(DeletePaymentDetails, new { FunderId = funderId, RequestId = requestId }, ct);
        var args = RowArgs.Of(
            details,
            new
            {
                RequestId = requestId,
                FunderId = funderId,
                RecordedAt = at,
            }
        );
        await tx.ExecuteAsync(InsertPaymentDetails, args, ct);
    }

    /// <summary>Records the disbursement, inside the transition's transaction (one per request).</summary>
    public static Task InsertDisbursementAsync(
        DbTransaction tx,
        long funderId,
        long requestId,
        NewDisbursement d,
        DateTimeOffset at,
        CancellationToken ct
    ) =>
        tx.ExecuteAsync(
            InsertDisbursement,
            RowArgs.Of(
                d,
                new
                {
                    FunderId = funderId,
                    RequestId = requestId,
                    RecordedAt = at,
                }
            ),
            ct
        );
}
