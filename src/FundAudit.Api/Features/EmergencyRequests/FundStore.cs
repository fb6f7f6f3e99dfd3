namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>One row of funds. The webhook secret is Data Protection ciphertext.</summary>
internal sealed class FundRow
{
    public long Id { get; init; }

    public long FunderId { get; init; }

    public string Slug { get; init; } = "";

    public string Name { get; init; } = "";

    public string Currency { get; init; } = "";

    public long MaxAmount { get; init; }

    public long? SecondApprovalThreshold { get; init; }

    public string Languages { get; init; } = "";

    public string SlaPolicy { get; init; } = "";

    public string? WebhookUrl { get; init; }

    public string? WebhookSecretProtected { get; init; }

    public string CreatedBy { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// The funder's rapid-response funds. Every read filters on funder_id in SQL; the anonymous form finds a fund by its
/// public slug through <see cref="ApplicantStore"/>, the webhook delivery reads a fund's webhook through
/// <see cref="SlaOutboxStore"/>.
/// </summary>
internal sealed class FundStore(RapidResponseDb db)
{
    /// <summary>The columns of <see cref="FundRow"/>, also read by <see cref="ApplicantStore"/>.</summary>
    public const string Columns = """
        id, funder_id, slug, name, currency, max_amount, second_approval_threshold, languages, sla_policy, webhook_url,
        webhook_secret_protected, created_by, created_at
        """;

    private const string SelectOfFunder = $"SELECT {Columns} FROM funds WHERE funder_id = @FunderId ORDER BY slug";
    private const string SelectBySlug = $"SELECT {Columns} FROM funds WHERE funder_id = @FunderId AND slug = @Slug";
    private const string SelectById = $"SELECT {Columns} FROM funds WHERE funder_id = @FunderId AND id = @Id";

    private const string Update = """
        UPDATE funds SET name = @Name, max_amount = @MaxAmount, second_approval_threshold = @SecondApprovalThreshold,
            languages = @Languages, sla_policy = @SlaPolicy, webhook_url = @WebhookUrl,
            webhook_secret_protected = @WebhookSecretProtected
        WHERE funder_id = @FunderId AND slug = @Slug
        """;

    private static readonly string[] InsertColumns = RowArgs.InsertedColumns(Columns);

    /// <summary>Stores a new fund; null when the slug is taken (by any funder: slugs are public addresses).</summary>
    public async Task<long?> CreateAsync(FundRow fund, CancellationToken ct)
    {
        try
        {
            return await db.InsertReturningIdAsync("funds", InsertColumns, RowArgs.OfColumns(fund, InsertColumns), ct);
        }
        catch (Exception ex) when (db.Dialect.IsUniqueViolation(ex))
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<FundRow>> ListAsync(long funderId, CancellationToken ct) =>
        await db.QueryListAsync<FundRow>(SelectOfFunder, new { FunderId = funderId }, ct);

    /// <summary>A slug as funds are stored and found by it: trimmed, lower case (a form's address, typed in any
    /// case).</summary>
    public static string SlugKey(string slug) => slug.Trim().ToLowerInvariant();

    /// <summary>The funder's fund of <paramref name="slug"/> as typed (see <see cref="SlugKey"/>); null when it has
    /// none.</summary>
    public Task<FundRow?> FindAsync(long funderId, string slug, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<FundRow>(SelectBySlug, new { FunderId = funderId, Slug = SlugKey(slug) }, ct);

    public Task<FundRow?> FindAsync(long funderId, long fundId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<FundRow>(SelectById, new { FunderId = funderId, Id = fundId }, ct);

    /// <summary>Changes a fund's settings (its slug, currency and creation stay); false when the funder has none with
    /// that slug.</summary>
    public async Task<bool> UpdateAsync(FundRow fund, CancellationToken ct) =>
        await db.ExecuteAsync(Update, fund, ct) > 0;
}
