namespace FundAudit.Api.Features.People;

/// <summary>People and their invitations. Every read and write of a person filters on the funder, except the
/// sign-in read by email (the person's funder is not known before sign-in).</summary>
internal sealed class PeopleStore(Db db)
{
    private const string PersonColumnList =
        "id, funder_id, email, display_name, roles, status, password_hash, created_at, updated_at, seized_at";
    private const string SelectById =
        "SELECT " + PersonColumnList + " FROM staff_people WHERE funder_id = @FunderId AND id = @Id";
    private const string SelectByEmail =
        "SELECT " + PersonColumnList + " FROM staff_people WHERE funder_id = @FunderId AND email_key = @EmailKey";
    private const string SelectAll =
        "SELECT " + PersonColumnList + " FROM staff_people WHERE funder_id = @FunderId ORDER BY id";
    private const string SelectActiveByEmail =
        "SELECT "
        + PersonColumnList
        + " FROM staff_people WHERE email_key = @EmailKey AND status = 'active' AND password_hash IS NOT NULL "
        + "ORDER BY funder_id, id";
    private const string SelectInvitation = """
        SELECT i.id, i.funder_id, i.person_id, i.expires_at, i.used_at, i.revoked_at, p.status, p.email,
            p.display_name
        FROM staff_invitations i
        JOIN staff_people p ON p.id = i.person_id AND p.funder_id = i.funder_id
        WHERE i.token_hash = @TokenHash
        """;
    private const string RevokeOpenInvitations = """
        UPDATE staff_invitations SET revoked_at = @Now
        WHERE funder_id = @FunderId AND person_id = @PersonId AND used_at IS NULL AND revoked_at IS NULL
        """;
    private const string ReopenPerson = """
        UPDATE staff_people SET status = 'invited', roles = @Roles, updated_at = @Now
        WHERE funder_id = @FunderId AND id = @Id AND status IN ('invited', 'seized')
        """;
    private const string UpdatePasswordHash = """
        UPDATE staff_people SET password_hash = @PasswordHash, updated_at = @Now
        WHERE funder_id = @FunderId AND id = @Id
        """;

    private const string InsertInvitation = """
        INSERT INTO staff_invitations (funder_id, person_id, token_hash, created_by, created_at, expires_at)
        VALUES (@FunderId, @PersonId, @TokenHash, @CreatedBy, @Now, @ExpiresAt)
        """;

    /// <summary>The key an email is unique and found by: trimmed, lower case.</summary>
    public static string EmailKey(string email) => email.Trim().ToLowerInvariant();

    public Task<PersonRow?> FindAsync(long funderId, long id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<PersonRow>(SelectById, new { FunderId = funderId, Id = id }, ct);

    public Task<PersonRow?> FindByEmailAsync(long funderId, string email, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<PersonRow>(
            SelectByEmail,
            new { FunderId = funderId, EmailKey = EmailKey(email) },
            ct
        );

    public Task<List<PersonRow>> ListAsync(long funderId, CancellationToken ct) =>
        db.QueryListAsync<PersonRow>(SelectAll, new { FunderId = funderId }, ct);

    /// <summary>Active people with a password and this email, in every funder (sign-in).</summary>
    public Task<List<PersonRow>> FindActiveByEmailAsync(string email, CancellationToken ct) =>
        db.QueryListAsync<PersonRow>(SelectActiveByEmail, new { EmailKey = EmailKey(email) }, ct);

    public Task<InvitationRow?> FindInvitationAsync(string tokenHash, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<InvitationRow>(SelectInvitation, new { TokenHash = tokenHash }, ct);

    public Task SetPasswordHashAsync(long funderId, long id, string hash, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync(
            UpdatePasswordHash,
            new
            {
                FunderId = funderId,
                Id = id,
                PasswordHash = hash,
                Now = now,
            },
            ct
        );

    /// <summary>
    /// A new invited person with an invitation, in one transaction; answers the person's id, or null when the funder
    /// already has a person with this email.
    /// </summary>
    public async Task<long?> CreateInvitedAsync(NewPerson person, NewInvitation invitation, CancellationToken ct)
    {
        long? id = null;
        try
        {
            await db.InTransactionAsync(
                async tx =>
                {
                    id = await tx.ExecuteScalarAsync<long>(
                        db.Dialect.InsertReturningId(NewPersonRow.Table, NewPersonRow.Columns, "id"),
                        NewPersonRow.Invited(
                            person.FunderId,
                            person.Email.Trim(),
                            person.DisplayName.Trim(),
                            person.Roles,
                            invitation.Now
                        ),
                        ct
                    );
                    await InsertInvitationAsync(tx, person.FunderId, id.Value, invitation, ct);
                },
                ct
            );
        }
        catch (Exception ex) when (db.Dialect.IsUniqueViolation(ex))
        {
            return null;
        }

        return id;
    }

    /// <summary>
    /// A new invitation for a person who is invited or seized (roles set anew), the open ones revoked; false when
    /// the person is active (or not the funder's).
    /// </summary>
    public Task<bool> ReinviteAsync(
        long funderId,
        long personId,
        string roles,
        NewInvitation invitation,
        CancellationToken ct
    ) =>
        db.WriteIfAsync(
            async tx =>
                await tx.ExecuteAsync(
                    ReopenPerson,
                    new
                    {
                        FunderId = funderId,
                        Id = personId,
                        Roles = roles,
                        invitation.Now,
                    },
                    ct
                ) == 1,
            async tx =>
            {
                await tx.ExecuteAsync(
                    RevokeOpenInvitations,
                    new
                    {
                        FunderId = funderId,
                        PersonId = personId,
                        invitation.Now,
                    },
                    ct
                );
                await InsertInvitationAsync(tx, funderId, personId, invitation, ct);
            },
            ct
        );

    private static Task InsertInvitationAsync(
        DbTransaction tx,
        long funderId,
        long personId,
        NewInvitation invitation,
        CancellationToken ct
    ) =>
        tx.ExecuteAsync(InsertInvitation, RowArgs.Of(invitation, new { FunderId = funderId, PersonId = personId }), ct);
}

/// <summary>A person to invite: roles comma-separated.</summary>
internal sealed record NewPerson(long FunderId, string Email, string DisplayName, string Roles);

/// <summary>An invitation to store: only the token's hash.</summary>
internal sealed record NewInvitation(string TokenHash, string CreatedBy, DateTimeOffset Now, DateTimeOffset ExpiresAt);
