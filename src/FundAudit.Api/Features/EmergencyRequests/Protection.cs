using FundAudit.Api.Infrastructure.Security;
using FundAudit.Core.EmergencyRequests;
using Microsoft.AspNetCore.DataProtection;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary><c>EmergencyRequests:*</c>.</summary>
internal sealed class EmergencyOptions
{
    public const string Section = "EmergencyRequests";

    /// <summary>
    /// Days after a case ends (closed, withdrawn or declined; counted from its last event) when its personal data is
    /// removed (default 90).
    /// </summary>
    public int PurgeAfterDays { get; set; } = 90;

    /// <summary>Days without any event after which a case left open has its personal data removed (default
    /// 180).</summary>
    public int InactivePurgeDays { get; set; } = 180;

    /// <summary>
    /// Days before that purge when officers are warned (a <c>retention_warning</c> event and the request's
    /// <c>purgeDueAt</c>); any action on the case since the warning puts the purge off (default 14).
    /// </summary>
    public int PurgeWarningDays { get; set; } = 14;

    /// <summary>
    /// Optional base64 HMAC key (≥ 32 bytes) for case-code lookup hashes, from a secret store. Without it a random key
    /// is created once and kept as Data Protection ciphertext in service_secrets.
    /// </summary>
    public string? CaseCodeKey { get; set; }

    /// <summary>Most characters in the situation text of the form.</summary>
    public int MaxSituationLength { get; set; } = 4000;
}

/// <summary>
/// Encrypts the sensitive fields (alias, contact, situation, endorser, questions and answers, decline reason, payment
/// details, disbursement reference) with ASP.NET Core Data Protection. Only ciphertext reaches the database.
/// </summary>
internal sealed class SensitiveFields(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector(
        "FundAudit.EmergencyRequests.SensitiveFields.v1"
    );

    public string? Protect(string? plain) => plain is null ? null : _protector.Protect(plain);

    public string? Unprotect(string? cipher) => cipher is null ? null : _protector.Unprotect(cipher);
}

/// <summary>The case code's HMAC lookup hash; the key comes from configuration or a Data Protection-kept service
/// secret.</summary>
internal sealed class CaseCodeHasher(EmergencyOptions options, ServiceSecrets secrets) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    public async Task<string> HashAsync(CaseCode code, CancellationToken ct) =>
        code.ComputeLookupHash(await KeyAsync(ct));

    /// <summary>Loads or creates the key now (see <see cref="RapidResponseWarmUp"/>).</summary>
    public Task WarmUpAsync(CancellationToken ct) => KeyAsync(ct);

    private async Task<byte[]> KeyAsync(CancellationToken ct)
    {
        if (_key is { } key)
        {
            return key;
        }

        await _gate.WaitAsync(ct);
        try
        {
            _key ??= !string.IsNullOrWhiteSpace(options.CaseCodeKey)
                ? Convert.FromBase64String(options.CaseCodeKey) is { Length: >= CaseCode.MinimumKeyBytes } configured
                    ? configured
                    : throw new InvalidOperationException(
                        $"EmergencyRequests:CaseCodeKey must be base64 of at least "
                            + $"{CaseCode.MinimumKeyBytes} bytes."
                    )
                : await secrets.GetOrCreateAsync("case-code-hmac", 32, ct);
            return _key;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
