namespace FundAudit.Api.Features.SingleSignOn;

/// <summary>A funder's OpenID Connect provider as stored (the client secret still protected).</summary>
internal sealed class SsoProviderRow
{
    public long FunderId { get; init; }

    public string Slug { get; init; } = "";

    /// <summary>The provider's issuer, which is also its authority: discovery is read at
    /// <c>{issuer}/.well-known/openid-configuration</c>.</summary>
    public string Issuer { get; init; } = "";

    public string ClientId { get; init; } = "";

    public string ClientSecretProtected { get; init; } = "";

    /// <summary>Space-separated <c>amr</c> values, any one of which is a second factor.</summary>
    public string AcceptedAmr { get; init; } = "";

    /// <summary>Space-separated <c>acr</c> values, any one of which is a second factor.</summary>
    public string AcceptedAcr { get; init; } = "";

    public bool RequireSecondFactor { get; init; }

    public bool Enabled { get; init; }

    /// <summary>Grows on every change; part of the authentication scheme's name, so that every instance uses the
    /// current settings.</summary>
    public int Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public IReadOnlyList<string> AmrValues => Split(AcceptedAmr);

    public IReadOnlyList<string> AcrValues => Split(AcceptedAcr);

    private static string[] Split(string values) => values.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A staff person who may open a console session (active), as single sign-on needs them.</summary>
internal sealed class SsoPersonRow
{
    public long Id { get; init; }

    public long FunderId { get; init; }

    public string DisplayName { get; init; } = "";

    public string Roles { get; init; } = "";
}

/// <summary>
/// Single sign-on's tables: each funder's provider (<c>funder_sso_providers</c>) and the links from a provider's
/// (issuer, subject) to a staff person (<c>staff_external_logins</c>). Every statement filters on the funder, except
/// the read by slug, which is how an anonymous sign-in finds its funder.
/// </summary>
internal sealed class SsoStore(Db db)
{
    private const string ProviderColumns = """
        funder_id, slug, issuer, client_id, client_secret_protected, accepted_amr, accepted_acr,
        require_second_factor, enabled, version, created_at, updated_at
        """;
    private const string SelectOfFunder =
        "SELECT " + ProviderColumns + " FROM funder_sso_providers WHERE funder_id = @FunderId";
    private const string CountEnabled = "SELECT COUNT(*) FROM funder_sso_providers WHERE enabled = @Enabled";
    private const string SelectBySlug = "SELECT " + ProviderColumns + " FROM funder_sso_providers WHERE slug = @Slug";
    private const string UpdateProvider = """
        UPDATE funder_sso_providers SET slug = @Slug, issuer = @Issuer, client_id = @ClientId,
            client_secret_protected = COALESCE(@ClientSecretProtected, client_secret_protected),
            accepted_amr = @AcceptedAmr, accepted_acr = @AcceptedAcr, require_second_factor = @RequireSecondFactor,
            enabled = @Enabled, version = version + 1, updated_at = @Now
        WHERE funder_id = @FunderId
        """;
    private const string InsertProvider = """
        INSERT INTO funder_sso_providers (funder_id, slug, issuer, client_id, client_secret_protected, accepted_amr,
            accepted_acr, require_second_factor, enabled, version, created_at, updated_at)
        VALUES (@FunderId, @Slug, @Issuer, @ClientId, @ClientSecretProtected, @AcceptedAmr, @AcceptedAcr,
            @RequireSecondFactor, @Enabled, 1, @Now, @Now)
        """;
    private const string DeleteProvider = "DELETE FROM funder_sso_providers WHERE funder_id = @FunderId";

    private const string SelectLinkedPerson = """
        SELECT p.id, p.funder_id, p.display_name, p.roles
        FROM staff_external_logins l
        JOIN staff_people p ON p.id = l.person_id AND p.funder_id = l.funder_id
        WHERE l.funder_id = @FunderId AND l.issuer = @Issuer AND l.subject = @Subject AND p.status = 'active'
        """;
    private const string SelectActivePerson = """
        SELECT id, funder_id, display_name, roles FROM staff_people
        WHERE id = @PersonId AND funder_id = @FunderId AND status = 'active'
        """;
    private const string SelectLinkedId = """
        SELECT person_id FROM staff_external_logins
        WHERE funder_id = @FunderId AND issuer = @Issuer AND subject = @Subject
        """;

    // An invited person (again, e.g. after a seizure) whose invitation is still open becomes active.
    private const string ActivateReinvited = """
        UPDATE staff_people SET status = 'active', updated_at = @Now
        WHERE id = @PersonId AND funder_id = @FunderId AND status = 'invited' AND EXISTS (
            SELECT 1 FROM staff_invitations i
            WHERE i.funder_id = @FunderId AND i.person_id = @PersonId AND i.used_at IS NULL AND i.revoked_at IS NULL
              AND i.expires_at > @Now)
        """;

    // The person the admin invited with this email: an active person, or an invited one whose invitation is still
    // open; and no other subject of this issuer is linked to them already.
    private const string SelectInvitedByEmail = """
        SELECT p.id FROM staff_people p
        WHERE p.funder_id = @FunderId AND p.email_key = @EmailKey
          AND (p.status = 'active' OR (p.status = 'invited' AND EXISTS (
              SELECT 1 FROM staff_invitations i
              WHERE i.funder_id = p.funder_id AND i.person_id = p.id AND i.used_at IS NULL AND i.revoked_at IS NULL
                AND i.expires_at > @Now)))
          AND NOT EXISTS (
              SELECT 1 FROM staff_external_logins l
              WHERE l.funder_id = p.funder_id AND l.person_id = p.id AND l.issuer = @Issuer)
        """;
    private const string InsertLink = """
        INSERT INTO staff_external_logins (funder_id, person_id, issuer, subject, created_at, last_sign_in_at)
        VALUES (@FunderId, @PersonId, @Issuer, @Subject, @Now, @Now)
        """;
    private const string ActivateInvited = """
        UPDATE staff_people SET status = 'active', updated_at = @Now
        WHERE id = @PersonId AND funder_id = @FunderId AND status = 'invited'
        """;
    private const string UseInvitations = """
        UPDATE staff_invitations SET used_at = @Now
        WHERE funder_id = @FunderId AND person_id = @PersonId AND used_at IS NULL AND revoked_at IS NULL
        """;
    private const string TouchLink = """
        UPDATE staff_external_logins SET last_sign_in_at = @Now
        WHERE funder_id = @FunderId AND issuer = @Issuer AND subject = @Subject
        """;

    /// <summary>Whether any funder signs in through its own provider (the sign-in page then offers it).</summary>
    public async Task<bool> AnyEnabledAsync(CancellationToken ct) =>
        await db.ExecuteScalarAsync<long>(CountEnabled, new { Enabled = true }, ct) > 0;

    public Task<SsoProviderRow?> FindOfFunderAsync(long funderId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<SsoProviderRow>(SelectOfFunder, new { FunderId = funderId }, ct);

    public Task<SsoProviderRow?> FindBySlugAsync(string slug, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<SsoProviderRow>(SelectBySlug, new { Slug = slug }, ct);

    /// <summary>Creates or replaces the funder's provider; a null <paramref name="clientSecretProtected"/> keeps the
    /// stored secret (an update only: the caller makes sure a new provider has one).</summary>
    public Task SaveAsync(
        SsoProviderRow settings,
        string? clientSecretProtected,
        DateTimeOffset now,
        CancellationToken ct
    ) =>
        db.UpdateOrInsertAsync(
            UpdateProvider,
            InsertProvider,
            new
            {
                settings.FunderId,
                settings.Slug,
                settings.Issuer,
                settings.ClientId,
                ClientSecretProtected = clientSecretProtected,
                settings.AcceptedAmr,
                settings.AcceptedAcr,
                settings.RequireSecondFactor,
                settings.Enabled,
                Now = now,
            },
            ct
        );

    public async Task<bool> DeleteAsync(long funderId, CancellationToken ct) =>
        await db.ExecuteAsync(DeleteProvider, new { FunderId = funderId }, ct) > 0;

    /// <summary>The active person linked to this (issuer, subject) in this funder, if any.</summary>
    public Task<SsoPersonRow?> FindLinkedPersonAsync(
        long funderId,
        string issuer,
        string subject,
        CancellationToken ct
    ) =>
        db.QuerySingleOrDefaultAsync<SsoPersonRow>(
            SelectLinkedPerson,
            new
            {
                FunderId = funderId,
                Issuer = issuer,
                Subject = subject,
            },
            ct
        );

    public Task<SsoPersonRow?> FindActivePersonAsync(long funderId, long personId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<SsoPersonRow>(
            SelectActivePerson,
            new { FunderId = funderId, PersonId = personId },
            ct
        );

    /// <summary>The person this (issuer, subject) is linked to in the funder, whatever their status, or null.</summary>
    public Task<long?> FindLinkedIdAsync(long funderId, string issuer, string subject, CancellationToken ct) =>
        db.ExecuteScalarAsync<long?>(
            SelectLinkedId,
            new
            {
                FunderId = funderId,
                Issuer = issuer,
                Subject = subject,
            },
            ct
        );

    /// <summary>Activates a linked person who was invited again (their invitation open) and uses the invitation, in
    /// one transaction; answers whether they are active now.</summary>
    public async Task<bool> ActivateReinvitedAsync(
        long funderId,
        long personId,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var args = new
        {
            FunderId = funderId,
            PersonId = personId,
            Now = now,
        };
        return await db.WriteIfAsync(
            async tx => await tx.ExecuteAsync(ActivateReinvited, args, ct) == 1,
            tx => tx.ExecuteAsync(UseInvitations, args, ct),
            ct
        );
    }

    /// <summary>
    /// Links (issuer, subject) to the person of the funder invited with this email (see
    /// <c>SelectInvitedByEmail</c>), activates an invited person and closes their invitation, in one transaction;
    /// answers the person's id, or null when nobody was invited with this email.
    /// </summary>
    public async Task<long?> LinkInvitedAsync(
        long funderId,
        string emailKey,
        string issuer,
        string subject,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        long? linked = null;
        await db.InTransactionAsync(
            async tx =>
            {
                var args = new
                {
                    FunderId = funderId,
                    EmailKey = emailKey,
                    Issuer = issuer,
                    Subject = subject,
                    Now = now,
                };
                if (await tx.ExecuteScalarAsync<long?>(SelectInvitedByEmail, args, ct) is not { } personId)
                {
                    return;
                }

                var link = new
                {
                    args.FunderId,
                    PersonId = personId,
                    args.Issuer,
                    args.Subject,
                    args.Now,
                };
                await tx.ExecuteAsync(InsertLink, link, ct);
                await tx.ExecuteAsync(ActivateInvited, link, ct);
                await tx.ExecuteAsync(UseInvitations, link, ct);
                linked = personId;
            },
            ct
        );
        return linked;
    }

    public Task<int> TouchLinkAsync(
        long funderId,
        string issuer,
        string subject,
        DateTimeOffset now,
        CancellationToken ct
    ) =>
        db.ExecuteAsync(
            TouchLink,
            new
            {
                FunderId = funderId,
                Issuer = issuer,
                Subject = subject,
                Now = now,
            },
            ct
        );
}
