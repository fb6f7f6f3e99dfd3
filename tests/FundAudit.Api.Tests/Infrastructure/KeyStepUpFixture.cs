using System.Text.RegularExpressions;
using FundAudit.Api.Features.People;
using FundAudit.Api.Features.Tenancy;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Infrastructure.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace FundAudit.Api.Tests.Infrastructure;

/// <summary>
/// For the tests written before API keys needed step-up: a key client's administrative change (the operations with
/// <c>X-FundAudit-Step-Up</c>) that carries no such header gets the key owner's current TOTP code, as the owner's
/// authenticator would give it. The owner is given a confirmed factor on first use (or keeps the one they enrolled
/// through the pages), and the factor forgets its last accepted time step first, as if the code were the next one:
/// the fake clock stands still while a test makes many changes. The tests of step-up itself send the header (or use
/// a client without this handler), so the check they test is the service's own.
/// </summary>
internal sealed partial class KeyStepUpHandler(FundAuditApp app) : DelegatingHandler
{
    private const string ConfirmPending = """
        UPDATE staff_totp_factors SET confirmed_at = @Now
        WHERE funder_id = @FunderId AND person_id = @PersonId AND confirmed_at IS NULL AND revoked_at IS NULL
        """;
    private const string ForgetStep = "UPDATE staff_totp_factors SET last_time_step = NULL WHERE id = @Id";

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken
    )
    {
        if (
            request.Method != HttpMethod.Get
            && !request.Headers.Contains(KeyStepUp.Header)
            && request.Headers.Authorization is { Scheme: "Bearer", Parameter: { } key }
            && Gated().IsMatch(request.RequestUri?.AbsolutePath ?? "")
            && await CodeAsync(key, cancellationToken) is { } code
        )
        {
            request.Headers.Add(KeyStepUp.Header, code);
        }

        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>The owner's current code, with their factor made ready for it; null for a key that is not live.</summary>
    private async Task<string?> CodeAsync(string key, CancellationToken ct)
    {
        var row = await app.Services.GetRequiredService<ApiKeyVerifier>().VerifyAsync(key, ct);
        if (row?.OwnerPersonId is not { } owner)
        {
            return null;
        }

        var (factorId, secret) = await FactorAsync(app, row.FunderId, owner, ct);
        await app.Services.GetRequiredService<Db>().ExecuteAsync(ForgetStep, new { Id = factorId }, ct);
        return new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>The person's confirmed TOTP factor and its secret, made (confirmed at once) when they have none.</summary>
    public static async Task<(long Id, string Secret)> FactorAsync(
        FundAuditApp app,
        long funderId,
        long personId,
        CancellationToken ct = default
    )
    {
        var factors = app.Services.GetRequiredService<FactorStore>();
        if (await factors.ConfirmedAsync(funderId, personId, ct) is null)
        {
            await app.Services.GetRequiredService<SecondFactors>().StartEnrolmentAsync(funderId, personId, ct);
            await app
                .Services.GetRequiredService<Db>()
                .ExecuteAsync(
                    ConfirmPending,
                    new
                    {
                        FunderId = funderId,
                        PersonId = personId,
                        Now = app.Clock.GetUtcNow(),
                    },
                    ct
                );
        }

        var factor = await factors.ConfirmedAsync(funderId, personId, ct);
        var secret = app
            .Services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector(KeyRotation.TotpSecretPurpose)
            .Unprotect(factor!.SecretProtected);
        return (factor.Id, secret);
    }

    [GeneratedRegex(
        "^/api/(people(/[0-9]+/(invitations|seize|role-grants))?|role-grants/[0-9]+/confirm|funds/[^/]+/members/[0-9]+"
            + "|keys(/[^/]+)?|sso|settings/integrations)/?$"
    )]
    private static partial Regex Gated();
}
