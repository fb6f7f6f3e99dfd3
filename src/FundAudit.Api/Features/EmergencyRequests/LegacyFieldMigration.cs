namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// Moves the sensitive fields of cases stored before case keys (Data Protection ciphertext) under their case's key, at
/// start and whenever <see cref="RunAsync"/> is called. Crash-safe and re-runnable: a case's key is made first (see
/// <see cref="CaseKeys.ForAsync"/>), then each value is replaced by one conditional update that compares the old
/// ciphertext, so a crash leaves every value either old (still readable, converted by the next run) or new, and a
/// value the service changed meanwhile is left alone. Shredded cases are skipped (their fields are gone).
/// </summary>
internal sealed class LegacyFieldMigration(RapidResponseDb db, CaseKeys caseKeys, SensitiveFields legacy)
{
    private const string Legacy = "NOT LIKE 'c1.%'";
    private const string SelectCases = $"""
        SELECT {RequestStore.Columns} FROM emergency_requests r
        WHERE r.shredded_at IS NULL AND (r.alias_protected {Legacy} OR r.contact_protected {Legacy}
            OR r.situation_protected {Legacy} OR r.endorser_protected {Legacy} OR r.decline_reason_protected {Legacy}
            OR EXISTS (SELECT 1 FROM request_messages m WHERE m.request_id = r.id AND m.body_protected {Legacy})
            OR EXISTS (SELECT 1 FROM request_payment_details p
                       WHERE p.request_id = r.id AND p.details_protected {Legacy})
            OR EXISTS (SELECT 1 FROM disbursements d WHERE d.request_id = r.id AND d.reference_protected {Legacy}))
        ORDER BY r.id
        """;
    private const string SelectMessages = $"""
        SELECT id AS Id, kind AS Kind, body_protected AS Stored FROM request_messages
        WHERE request_id = @RequestId AND body_protected {Legacy}
        """;
    private const string SelectDetails = $"""
        SELECT details_protected FROM request_payment_details
        WHERE request_id = @RequestId AND details_protected {Legacy}
        """;
    private const string SelectReference = $"""
        SELECT reference_protected FROM disbursements WHERE request_id = @RequestId AND reference_protected {Legacy}
        """;
    private const string UpdateMessage =
        "UPDATE request_messages SET body_protected = @New WHERE id = @Id AND body_protected = @Old";
    private const string UpdateDetails = """
        UPDATE request_payment_details SET details_protected = @New
        WHERE request_id = @RequestId AND details_protected = @Old
        """;
    private const string UpdateReference = """
        UPDATE disbursements SET reference_protected = @New WHERE request_id = @RequestId AND reference_protected = @Old
        """;

    /// <summary>The request's own sensitive columns (a fixed list: the only names put into SQL here).</summary>
    private static readonly (string Column, string Field, Func<RequestRow, string?> Value)[] RequestColumns =
    [
        ("alias_protected", CaseField.Alias, r => r.AliasProtected),
        ("contact_protected", CaseField.Contact, r => r.ContactProtected),
        ("situation_protected", CaseField.Situation, r => r.SituationProtected),
        ("endorser_protected", CaseField.Endorser, r => r.EndorserProtected),
        ("decline_reason_protected", CaseField.DeclineReason, r => r.DeclineReasonProtected),
    ];

    private sealed record MessageValue(long Id, string Kind, string Stored);

    /// <summary>Converts every old value; answers how many were replaced.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var converted = 0;
        foreach (var row in await db.QueryListAsync<RequestRow>(SelectCases, null, ct))
        {
            var cipher = await caseKeys.ForAsync(row, ct);
            if (cipher.IsShredded)
            {
                continue; // values under a key that is gone: nothing to convert with
            }

            converted += await ConvertRequestAsync(row, cipher, ct);
            var id = new { RequestId = row.Id };
            foreach (var m in await db.QueryListAsync<MessageValue>(SelectMessages, id, ct))
            {
                converted += await ReplaceAsync(UpdateMessage, m.Id, m.Stored, cipher, CaseField.Message(m.Kind), ct);
            }

            foreach (var d in await db.QueryListAsync<string>(SelectDetails, id, ct))
            {
                converted += await ReplaceAsync(UpdateDetails, row.Id, d, cipher, CaseField.PaymentDetails, ct);
            }

            foreach (var r in await db.QueryListAsync<string>(SelectReference, id, ct))
            {
                converted += await ReplaceAsync(
                    UpdateReference,
                    row.Id,
                    r,
                    cipher,
                    CaseField.DisbursementReference,
                    ct
                );
            }
        }

        return converted;
    }

    private async Task<int> ConvertRequestAsync(RequestRow row, CaseCipher cipher, CancellationToken ct)
    {
        var converted = 0;
        foreach (var (column, field, value) in RequestColumns)
        {
            if (value(row) is { } old && !old.StartsWith(CaseCipher.Prefix, StringComparison.Ordinal))
            {
                var sql = $"UPDATE emergency_requests SET {column} = @New WHERE id = @Id AND {column} = @Old";
                converted += await ReplaceAsync(sql, row.Id, old, cipher, field, ct);
            }
        }

        return converted;
    }

    private async Task<int> ReplaceAsync(
        string sql,
        long id,
        string old,
        CaseCipher cipher,
        string field,
        CancellationToken ct
    ) =>
        await db.ExecuteAsync(
            sql,
            new
            {
                Id = id,
                RequestId = id,
                Old = old,
                New = cipher.Protect(legacy.Unprotect(old), field),
            },
            ct
        );
}

/// <summary>Runs <see cref="LegacyFieldMigration"/> at start; best effort (a failure leaves it to the next
/// start).</summary>
internal sealed class LegacyFieldMigrationAtStart(LegacyFieldMigration migration, ILogger<LegacyFieldMigration> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await migration.RunAsync(cancellationToken) is > 0 and var converted)
            {
                logger.LogInformation("Moved {Count} sensitive values under their case keys", converted);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not move old sensitive values under case keys ({Error})", ex.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
