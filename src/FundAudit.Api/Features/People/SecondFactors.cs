using System.Security.Cryptography;
using System.Text;
using FundAudit.Api.Infrastructure.Security;
using Microsoft.AspNetCore.DataProtection;
using OtpNet;
using QRCoder;

namespace FundAudit.Api.Features.People;

/// <summary>
/// TOTP (RFC 6238 through Otp.NET: SHA-1, 6 digits, 30 seconds, one step of clock drift either way) and recovery
/// codes. A TOTP code is accepted once (the matched time step must be later than the last accepted one); a recovery
/// code once (it is marked used). Secrets are stored only as Data Protection ciphertext, recovery codes only as
/// SHA-256 (80 random bits each).
/// </summary>
internal sealed class SecondFactors(FactorStore store, IDataProtectionProvider protection, TimeProvider clock)
{
    public const string Issuer = "FundAudit";
    public const int RecoveryCodeCount = 10;

    private readonly IDataProtector _protector = protection.CreateProtector(KeyRotation.TotpSecretPurpose);

    /// <summary>Starts an enrolment: a new secret, stored protected and unconfirmed; answers it (base32).</summary>
    public async Task<string> StartEnrolmentAsync(long funderId, long personId, CancellationToken ct)
    {
        var secret = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));
        await store.AddPendingAsync(funderId, personId, _protector.Protect(secret), clock.GetUtcNow(), ct);
        return secret;
    }

    /// <summary>The unconfirmed factor of an enrolment in progress, with its secret.</summary>
    public async Task<(TotpFactorRow Factor, string Secret)?> PendingAsync(
        long funderId,
        long personId,
        CancellationToken ct
    ) =>
        await store.PendingAsync(funderId, personId, ct) is { } factor
            ? (factor, _protector.Unprotect(factor.SecretProtected))
            : null;

    /// <summary>The time step a code matches for a secret now (one step either way), or null.</summary>
    public long? MatchStep(string secret, string? code)
    {
        var digits = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.Length != 6 || (code ?? "").Trim().Length > 8)
        {
            return null;
        }

        var totp = new Totp(Base32Encoding.ToBytes(secret));
        return totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, digits, out var step, new VerificationWindow(1, 1))
            ? step
            : null;
    }

    /// <summary>Whether the person has a confirmed TOTP factor (an authenticator app) to give codes from.</summary>
    public async Task<bool> HasTotpAsync(long funderId, long personId, CancellationToken ct) =>
        await store.ConfirmedAsync(funderId, personId, ct) is not null;

    /// <summary>Checks a TOTP code against the person's confirmed factor and accepts it once.</summary>
    public async Task<bool> VerifyTotpAsync(long funderId, long personId, string? code, CancellationToken ct)
    {
        if (await store.ConfirmedAsync(funderId, personId, ct) is not { } factor)
        {
            return false;
        }

        return MatchStep(_protector.Unprotect(factor.SecretProtected), code) is { } step
            && await store.AcceptStepAsync(funderId, factor.Id, step, ct);
    }

    /// <summary>A TOTP code, or else a recovery code (used up by this check).</summary>
    public async Task<bool> VerifyAsync(long funderId, long personId, string? code, CancellationToken ct)
    {
        var trimmed = (code ?? "").Trim();
        if (trimmed.Length is > 0 and <= 8)
        {
            return await VerifyTotpAsync(funderId, personId, trimmed, ct);
        }

        return trimmed.Length is > 8 and <= 40
            && await store.UseRecoveryCodeAsync(funderId, personId, HashRecoveryCode(trimmed), clock.GetUtcNow(), ct);
    }

    /// <summary>New recovery codes: 16 base32 characters (80 bits) in groups of four.</summary>
    public static IReadOnlyList<string> NewRecoveryCodes() =>
        Enumerable
            .Range(0, RecoveryCodeCount)
            .Select(_ => Base32Encoding.ToString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant())
            .Select(c => string.Join('-', c.Chunk(4).Select(g => new string(g))))
            .ToList();

    /// <summary>The stored form of a recovery code: SHA-256 of its letters and digits in lower case.</summary>
    public static string HashRecoveryCode(string code)
    {
        var normal = new string(code.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(normal)));
    }

    /// <summary>The otpauth:// address an authenticator app reads from the QR code.</summary>
    public static string OtpAuthUri(string account, string secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(account)}?secret={secret}"
        + $"&issuer={Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits=6&period=30";

    /// <summary>The QR code of an address as an SVG element, rendered here (no script, nothing from
    /// elsewhere).</summary>
    public static string QrSvg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }
}
