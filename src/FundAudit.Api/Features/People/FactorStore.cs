namespace FundAudit.Api.Features.People;

/// <summary>A TOTP factor as stored: its secret only as Data Protection ciphertext.</summary>
internal sealed class TotpFactorRow
{
    public long Id { get; init; }

    public string SecretProtected { get; init; } = "";

    public long? LastTimeStep { get; init; }
}

/// <summary>
/// Second factors (TOTP secrets, recovery codes) and what changes them together: finishing an enrolment and seizure.
/// Every statement filters on the funder and the person.
/// </summary>
internal sealed class FactorStore(Db db, ConsoleSessionStore sessions)
{
    private const string SelectFactor = """
        SELECT id, secret_protected, last_time_step FROM staff_totp_factors
        WHERE funder_id = @FunderId AND person_id = @PersonId AND revoked_at IS NULL AND confirmed_at IS NULL
        ORDER BY id DESC
        """;
    private const string SelectConfirmedFactor = """
        SELECT id, secret_protected, last_time_step FROM staff_totp_factors
        WHERE funder_id = @FunderId AND person_id = @PersonId AND revoked_at IS NULL AND confirmed_at IS NOT NULL
        ORDER BY id DESC
        """;
    private const string RevokePendingFactors = """
        UPDATE staff_totp_factors SET revoked_at = @Now
        WHERE funder_id = @FunderId AND person_id = @PersonId AND confirmed_at IS NULL AND revoked_at IS NULL
        """;
    private const string InsertFactor = """
        INSERT INTO staff_totp_factors (funder_id, person_id, secret_protected, created_at)
        VALUES (@FunderId, @PersonId, @Secret, @Now)
        """;

    // A code is accepted once: the time step it matched must be later than the last accepted one.
    private const string AcceptStep = """
        UPDATE staff_totp_factors SET last_time_step = @Step
        WHERE id = @Id AND funder_id = @FunderId AND revoked_at IS NULL
            AND (last_time_step IS NULL OR last_time_step < @Step)
        """;
    private const string ConfirmFactor = """
        UPDATE staff_totp_factors SET confirmed_at = @Now, last_time_step = @Step
        WHERE id = @Id AND funder_id = @FunderId AND revoked_at IS NULL AND confirmed_at IS NULL
            AND (last_time_step IS NULL OR last_time_step < @Step)
        """;
    private const string RevokeOtherFactors = """
        UPDATE staff_totp_factors SET revoked_at = @Now
        WHERE funder_id = @FunderId AND person_id = @PersonId AND id <> @Id AND revoked_at IS NULL
        """;
    private const string UseInvitation = """
        UPDATE staff_invitations SET used_at = @Now
        WHERE id = @InvitationId AND funder_id = @FunderId AND used_at IS NULL AND revoked_at IS NULL
            AND expires_at > @Now
        """;
    private const string Activate = """
        UPDATE staff_people SET status = 'active', updated_at = @Now
        WHERE funder_id = @FunderId AND id = @PersonId AND status = 'invited'
        """;
    private const string RevokeCodes = """
        UPDATE staff_recovery_codes SET revoked_at = @Now
        WHERE funder_id = @FunderId AND person_id = @PersonId AND revoked_at IS NULL
        """;
    private const string InsertCode = """
        INSERT INTO staff_recovery_codes (funder_id, person_id, code_hash, created_at)
        VALUES (@FunderId, @PersonId, @CodeHash, @Now)
        """;
    private const string UseCode = """
        UPDATE staff_recovery_codes SET used_at = @Now
        WHERE funder_id = @FunderId AND person_id = @PersonId AND code_hash = @CodeHash AND used_at IS NULL
            AND revoked_at IS NULL
        """;
    private const string SelectCodeOwner = """
        SELECT p.funder_id, p.id FROM staff_recovery_codes r
        JOIN staff_people p ON p.id = r.person_id AND p.funder_id = r.funder_id
        WHERE r.code_hash = @CodeHash AND r.used_at IS NULL AND r.revoked_at IS NULL AND p.email_key = @EmailKey
            AND p.status = 'active'
        """;
    private const string SeizePerson = """
        UPDATE staff_people SET status = 'seized', seized_at = @Now, updated_at = @Now, password_hash = NULL
        WHERE funder_id = @FunderId AND id = @PersonId
        """;
    private const string RevokeAllFactors = """
        UPDATE staff_totp_factors SET revoked_at = @Now
        WHERE funder_id = @FunderId AND person_id = @PersonId AND revoked_at IS NULL
        """;
    private const string RevokeInvitations = """
        UPDATE staff_invitations SET revoked_at = @Now
        WHERE funder_id = @FunderId AND person_id = @PersonId AND used_at IS NULL AND revoked_at IS NULL
        """;

    public async Task<TotpFactorRow?> PendingAsync(long funderId, long personId, CancellationToken ct) =>
        (
            await db.QueryListAsync<TotpFactorRow>(SelectFactor, new { FunderId = funderId, PersonId = personId }, ct)
        ).FirstOrDefault();

    public async Task<TotpFactorRow?> ConfirmedAsync(long funderId, long personId, CancellationToken ct) =>
        (
            await db.QueryListAsync<TotpFactorRow>(
                SelectConfirmedFactor,
                new { FunderId = funderId, PersonId = personId },
                ct
            )
        ).FirstOrDefault();

    /// <summary>A new unconfirmed factor; earlier unconfirmed ones are revoked.</summary>
    public Task AddPendingAsync(
        long funderId,
        long personId,
        string secretProtected,
        DateTimeOffset now,
        CancellationToken ct
    ) =>
        db.InTransactionAsync(
            async tx =>
            {
                var args = new
                {
                    FunderId = funderId,
                    PersonId = personId,
                    Secret = secretProtected,
                    Now = now,
                };
                await tx.ExecuteAsync(RevokePendingFactors, args, ct);
                await tx.ExecuteAsync(InsertFactor, args, ct);
            },
            ct
        );

    /// <summary>Accepts a matched time step once: false when this step (or a later one) was accepted before.</summary>
    public async Task<bool> AcceptStepAsync(long funderId, long factorId, long step, CancellationToken ct) =>
        await db.ExecuteAsync(
            AcceptStep,
            new
            {
                FunderId = funderId,
                Id = factorId,
                Step = step,
            },
            ct
        ) == 1;

    /// <summary>Marks one unused recovery code used: false when it is unknown, used or revoked.</summary>
    public async Task<bool> UseRecoveryCodeAsync(
        long funderId,
        long personId,
        string codeHash,
        DateTimeOffset now,
        CancellationToken ct
    ) =>
        await db.ExecuteAsync(
            UseCode,
            new
            {
                FunderId = funderId,
                PersonId = personId,
                CodeHash = codeHash,
                Now = now,
            },
            ct
        ) == 1;

    /// <summary>The active person (funder, id) with this email who holds this unused recovery code, if any.</summary>
    public async Task<(long FunderId, long PersonId)?> FindCodeOwnerAsync(
        string emailKey,
        string codeHash,
        CancellationToken ct
    )
    {
        var rows = await db.QueryListAsync<(long, long)>(
            SelectCodeOwner,
            new { EmailKey = emailKey, CodeHash = codeHash },
            ct
        );
        return rows.Count == 1 ? rows[0] : null;
    }

    /// <summary>
    /// Finishes an enrolment in one transaction: the invitation used (still open), the factor confirmed at the matched
    /// step, other factors revoked, the person active, new recovery codes instead of any old ones. False when the
    /// invitation was used, revoked or expired meanwhile, or the step was already accepted.
    /// </summary>
    public Task<bool> CompleteEnrolmentAsync(
        Enrolment enrolment,
        IReadOnlyList<string> codeHashes,
        CancellationToken ct
    )
    {
        var args = new
        {
            enrolment.FunderId,
            enrolment.PersonId,
            enrolment.InvitationId,
            Id = enrolment.FactorId,
            enrolment.Step,
            enrolment.Now,
        };
        return db.WriteIfAsync(
            async tx =>
                await tx.ExecuteAsync(UseInvitation, args, ct) == 1
                && await tx.ExecuteAsync(ConfirmFactor, args, ct) == 1,
            async tx =>
            {
                await tx.ExecuteAsync(RevokeOtherFactors, args, ct);
                await tx.ExecuteAsync(Activate, args, ct);
                await tx.ExecuteAsync(RevokeCodes, args, ct);
                foreach (var hash in codeHashes)
                {
                    await tx.ExecuteAsync(
                        InsertCode,
                        new
                        {
                            enrolment.FunderId,
                            enrolment.PersonId,
                            CodeHash = hash,
                            enrolment.Now,
                        },
                        ct
                    );
                }
            },
            ct
        );
    }

    /// <summary>
    /// Seizure, in one transaction: the person seized (password gone), every factor, recovery code, open invitation
    /// and console session revoked. Answers the number of sessions ended.
    /// </summary>
    public async Task<int> SeizeAsync(long funderId, long personId, DateTimeOffset now, CancellationToken ct)
    {
        var ended = 0;
        await db.InTransactionAsync(
            async tx =>
            {
                var args = new
                {
                    FunderId = funderId,
                    PersonId = personId,
                    Now = now,
                };
                await tx.ExecuteAsync(SeizePerson, args, ct);
                await tx.ExecuteAsync(RevokeAllFactors, args, ct);
                await tx.ExecuteAsync(RevokeCodes, args, ct);
                await tx.ExecuteAsync(RevokeInvitations, args, ct);
                ended = await sessions.RevokeAllOfPersonAsync(funderId, personId, now, ct, tx.Connection, tx);
            },
            ct
        );
        return ended;
    }
}

/// <summary>An enrolment to finish: the invitation, the confirmed factor and the time step its code matched.</summary>
internal sealed record Enrolment(
    long FunderId,
    long PersonId,
    long InvitationId,
    long FactorId,
    long Step,
    DateTimeOffset Now
);
