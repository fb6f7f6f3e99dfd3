namespace FundAudit.Api.Features.Tenancy;

/// <summary>GET and PUT /api/settings/integrations (admin): whether the funder's API keys may take decisions (each
/// change goes to the administration log).</summary>
internal static class IntegrationSettings
{
    /// <param name="KeysMayDecide">Whether API keys may approve, decline, record or read payment details, disburse
    /// and reveal sensitive fields (then four-eyes rules count each key's owner). Off by default.</param>
    public sealed record Settings(bool? KeysMayDecide);

    public static async Task<Ok<Settings>> GetAsync(
        ClaimsPrincipal user,
        [FromServices] TenancyStore store,
        CancellationToken ct
    ) => TypedResults.Ok(new Settings(await store.KeysMayDecideAsync(user.FunderId(), ct)));

    public static async Task<Ok<Settings>> PutAsync(
        Settings request,
        ClaimsPrincipal user,
        [FromServices] TenancyStore store,
        CancellationToken ct
    )
    {
        await store.SetKeysMayDecideAsync(user.FunderId(), request.KeysMayDecide!.Value, user.Actor(), ct);
        return TypedResults.Ok(new Settings(request.KeysMayDecide));
    }

    public sealed class Validator : AbstractValidator<Settings>
    {
        public Validator() => RuleFor(r => r.KeysMayDecide).NotNull().WithText("Settings_KeysMayDecide");
    }
}
