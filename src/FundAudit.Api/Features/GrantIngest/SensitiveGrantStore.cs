namespace FundAudit.Api.Features.GrantIngest;

/// <summary>One grant marked sensitive, as the list shows it.</summary>
internal sealed class SensitiveGrantRow
{
    public long Id { get; init; }

    public string Identifier { get; init; } = "";

    public string Title { get; init; } = "";
}

/// <summary>
/// The sensitive mark of grants (grants.sensitive, migration 0015): set by the funder, never by an import or upsert
/// (their column lists leave it out), read by the 360Giving export to anonymise.
/// </summary>
internal sealed class SensitiveGrantStore(Db db)
{
    private const string Update =
        "UPDATE grants SET sensitive = @Sensitive WHERE funder_id = @FunderId AND identifier = @Identifier";

    private const string SelectMarked = """
        SELECT id, identifier, title FROM grants
        WHERE funder_id = @FunderId AND sensitive = @Sensitive AND id > @After
        ORDER BY id
        """;

    /// <summary>Marks or unmarks one of the funder's grants; false when the funder has no such grant.</summary>
    public async Task<bool> SetAsync(long funderId, string identifier, bool sensitive, CancellationToken ct) =>
        await db.ExecuteAsync(
            Update,
            new
            {
                FunderId = funderId,
                Identifier = identifier,
                Sensitive = sensitive,
            },
            ct
        ) == 1;

    /// <summary>The funder's sensitive grants in id order after <paramref name="after"/>, at most
    /// <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<SensitiveGrantRow>> ListAsync(
        long funderId,
        long after,
        int limit,
        CancellationToken ct
    ) =>
        await db.QueryListAsync<SensitiveGrantRow>(
            SelectMarked + " " + db.Dialect.Limit("Limit"),
            new
            {
                FunderId = funderId,
                Sensitive = true,
                After = after,
                Limit = limit,
            },
            ct
        );
}
