using FundAudit.Api.Features.Logs;
using FundAudit.Api.Infrastructure.Data.Backup;
using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// POST /api/requests/{reference}/shred (admin): burns a case. Its key is destroyed, so every sensitive field of the
/// case (in the database, and in every backup: backups keep case keys only in a key file that shredding rewrites) is
/// unreadable at once; the ciphertext and the case code's hash are removed too. State, amounts, instants, SLA timers
/// and events stay, so the statistics and SLA figures do not change. A content-free event (<see cref="Command"/>:
/// who, when) is appended. Shredding a shredded case changes nothing.
/// </summary>
internal static class ShredCase
{
    /// <summary>The event that records a shred (no content: who, when, the state it left).</summary>
    public const string Command = "shred_case";

    /// <summary>Why a case is shredded: a short list, so that the record of it holds nothing personal.</summary>
    public static readonly IReadOnlyList<string> Reasons =
    [
        "applicant_request",
        "safety_risk",
        "legal_order",
        "entered_in_error",
        "other",
    ];

    /// <param name="Reason">Why: applicant_request, safety_risk, legal_order, entered_in_error or other.</param>
    public sealed record Request(string? Reason);

    /// <param name="Request">The case as it stays: <c>shredded</c> is true.</param>
    /// <param name="ShreddedAt">When its key was destroyed.</param>
    /// <param name="BackupKeysRewritten">True when the backups' key file (<c>Backup:Folder</c>) was rewritten without
    /// the case's key; false when no backup folder is configured or the file could not be rewritten (the next
    /// <c>backup</c> run rewrites it).</param>
    public sealed record Response(RequestSummary Request, DateTimeOffset ShreddedAt, bool BackupKeysRewritten);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        string reference,
        Request request,
        ClaimsPrincipal user,
        [FromServices] RequestWorkflow workflow,
        [FromServices] ShredStore store,
        [FromServices] IBackupKeyFile backupKeys,
        [FromServices] AdminLog adminLog,
        [FromServices] TimeProvider clock,
        [FromServices] ILoggerFactory logs,
        CancellationToken ct
    )
    {
        if (await workflow.FindAsync(user.FunderId(), reference, ct) is not var (row, fund))
        {
            return EmergencyProblems.RequestNotFound();
        }

        var now = clock.GetUtcNow();
        var shredded = await store.ShredAsync(row, user.PersonId(), now, ct);
        var rewritten = false;
        if (shredded)
        {
            // Content-free: the reason is a code of a short list, the request is named by its internal id.
            logs.CreateLogger(typeof(ShredCase))
                .LogInformation("Case {RequestId} shredded (reason {Reason})", row.Id, request.Reason);
            var id = row.Id.ToString(CultureInfo.InvariantCulture);
            var details = "reason=" + request.Reason;
            var entry = new AdminLogEntry(row.FunderId, user.Actor(), CaseActions.Shredded, "request", id, details);
            await adminLog.AppendAsync(entry, ct);
            rewritten = await backupKeys.RewriteAsync(ct);
        }

        var current = (await workflow.FindAsync(row.FunderId, row.Reference, ct))!.Value.Request;
        return TypedResults.Ok(
            new Response(await workflow.SummaryOfAsync(current, fund, ct), current.ShreddedAt ?? now, rewritten)
        );
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() =>
            RuleFor(r => r.Reason)
                .NotEmpty()
                .WithText("Reason_Required")
                .Must(r => r is null || Reasons.Contains(r, StringComparer.Ordinal))
                .WithText("OneOf", string.Join(", ", Reasons));
    }
}

/// <summary>The shred itself: one transaction over the case's rows (every statement names the funder).</summary>
internal sealed class ShredStore(RapidResponseDb db)
{
    private const string MarkShredded = """
        UPDATE emergency_requests SET alias_protected = NULL, contact_protected = NULL, situation_protected = NULL,
               endorser_protected = NULL, decline_reason_protected = NULL, case_code_hash = NULL, shredded_at = @Now
        WHERE id = @RequestId AND funder_id = @FunderId AND shredded_at IS NULL
        """;
    private const string DeleteKey = "DELETE FROM case_keys WHERE request_id = @RequestId AND funder_id = @FunderId";
    private const string ClearMessages =
        "UPDATE request_messages SET body_protected = NULL WHERE request_id = @RequestId AND funder_id = @FunderId";
    private const string DeletePaymentDetails =
        "DELETE FROM request_payment_details WHERE request_id = @RequestId AND funder_id = @FunderId";
    private const string ClearDisbursement = """
        UPDATE disbursements SET reference_protected = NULL WHERE request_id = @RequestId AND funder_id = @FunderId
        """;

    /// <summary>
    /// Destroys the case's key and clears its ciphertext, appending the event; false when it was shredded already.
    /// On SQLite the erased pages are then written back and the <c>-wal</c> emptied, as the purge does.
    /// </summary>
    public async Task<bool> ShredAsync(RequestRow row, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var args = new
        {
            RequestId = row.Id,
            row.FunderId,
            Now = now,
        };
        var shredded = new EventRow
        {
            Command = ShredCase.Command,
            FromState = row.State,
            ToState = row.State,
            Actor = actor,
            ActorRole = WireName.Of(ActorRole.Admin),
            OccurredAt = now,
        };
        var done = await db.WriteIfAsync(
            async tx => await tx.ExecuteAsync(MarkShredded, args, ct) == 1,
            async tx =>
            {
                foreach (var sql in new[] { DeleteKey, ClearMessages, DeletePaymentDetails, ClearDisbursement })
                {
                    await tx.ExecuteAsync(sql, args, ct);
                }

                await RequestStore.AppendEventAsync(tx, row.FunderId, row.Id, shredded, ct);
            },
            ct
        );
        if (done)
        {
            await db.FlushErasedAsync(ct);
        }

        return done;
    }
}

/// <summary>The administration log's code for a shredded case (its reason's code as details).</summary>
internal static class CaseActions
{
    public const string Shredded = "case.shredded";
}
