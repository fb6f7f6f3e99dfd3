namespace FundAudit.Api.Features.Tenancy;

/// <summary>
/// What other features ask of a funder's role grants (People's invitations, from the API, the console and the
/// command line, so by funder id rather than by caller), so that they never reach the grants' store.
/// </summary>
internal sealed class TenancyUseCases(RoleGrantStore grants, TimeProvider clock)
{
    /// <summary>Whether giving <paramref name="role"/> at <paramref name="funderId"/> waits for a second admin
    /// (<see cref="RoleGrants.Guarded"/> with two or more active admins).</summary>
    public Task<bool> NeedsSecondAdminAsync(long funderId, string role, CancellationToken ct) =>
        grants.NeedsSecondAdminAsync(funderId, role, ct);

    /// <summary>A pending grant of <paramref name="role"/> to a person, requested by <paramref name="requestedBy"/>
    /// (0: nobody in particular, any admin confirms) and logged as <paramref name="actor"/>'s.</summary>
    public Task<long> RequestPendingAsync(
        long funderId,
        long personId,
        string role,
        long requestedBy,
        string actor,
        CancellationToken ct
    ) =>
        grants.RequestAsync(
            new RoleGrantRow
            {
                FunderId = funderId,
                PersonId = personId,
                Role = role,
                Status = "pending",
                RequestedBy = requestedBy,
                RequestedAt = clock.GetUtcNow(),
            },
            actor,
            ct
        );
}
