namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// The currencies of the caller's grants, most used first, with how many grants use each. The officers' console takes
/// the
/// first as the default report currency of the portfolio page. Not an API endpoint.
/// </summary>
internal static class ListGrantCurrencies
{
    public sealed record Item(string Currency, long Grants);

    public static async Task<Ok<IReadOnlyList<Item>>> HandleAsync(
        ClaimsPrincipal user,
        GrantStore store,
        CancellationToken ct
    ) =>
        TypedResults.Ok<IReadOnlyList<Item>>(
            (await store.CurrenciesAsync(user.FunderId(), ct)).Select(c => new Item(c.Currency, c.GrantCount)).ToList()
        );
}
