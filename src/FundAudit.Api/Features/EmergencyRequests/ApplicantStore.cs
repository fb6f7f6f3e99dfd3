namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// The only reads made without a funder, for the anonymous endpoints: a fund by its public slug (the form) and a
/// request by the HMAC of its case code (the applicant's status, answer and withdrawal). Whatever is read after them
/// filters on the funder_id of the fund or request found, like tenant code.
/// </summary>
internal sealed class ApplicantStore(RapidResponseDb db)
{
    private const string SelectFundBySlug = $"SELECT {FundStore.Columns} FROM funds WHERE slug = @Slug";
    private const string SelectRequestByCode =
        $"SELECT {RequestStore.Columns} FROM emergency_requests WHERE case_code_hash = @Hash";

    /// <summary>A fund by its public slug as typed (see <see cref="FundStore.SlugKey"/>), whichever funder it
    /// belongs to.</summary>
    public Task<FundRow?> FindFundAsync(string slug, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<FundRow>(SelectFundBySlug, new { Slug = FundStore.SlugKey(slug) }, ct);

    /// <summary>The request whose case code has this lookup hash (none once purged: the purge clears it).</summary>
    public Task<RequestRow?> FindRequestAsync(string caseCodeHash, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<RequestRow>(SelectRequestByCode, new { Hash = caseCodeHash }, ct);
}
