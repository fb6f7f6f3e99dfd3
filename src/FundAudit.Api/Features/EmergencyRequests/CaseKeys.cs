using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>The sensitive fields of a case, as named in each field's associated data.</summary>
internal static class CaseField
{
    public const string Alias = "alias";
    public const string Contact = "contact";
    public const string Situation = "situation";
    public const string Endorser = "endorser";
    public const string DeclineReason = "decline_reason";
    public const string PaymentDetails = "payment_details";
    public const string DisbursementReference = "disbursement_reference";

    /// <summary>A message's field: its kind (<c>question</c>, <c>answer</c>).</summary>
    public static string Message(string kind) => "message:" + kind;
}

/// <summary>Writing a sensitive field of a shredded case: there is no key to write it with (409).</summary>
internal sealed class CaseShreddedException() : InvalidOperationException("This case was shredded.");

/// <summary>
/// One case's data key: AES-256-GCM over every sensitive field, with associated data naming the case and the field,
/// so that a ciphertext copied to another case or another field does not decrypt. Values are
/// <c>c1.</c> + base64url(nonce ‖ tag ‖ ciphertext). Values from before case keys (Data Protection ciphertext,
/// <see cref="SensitiveFields"/>, the Data Protection keys of which key rotation still re-protects) still read, unless
/// the case was shredded. Without a key (a shredded case, or a case restored from a backup after its key was destroyed)
/// no value under a case key reads and nothing can be written.
/// </summary>
internal sealed class CaseCipher(string reference, byte[]? key, bool shredded, SensitiveFields legacy)
{
    /// <summary>The prefix of a value under a case key.</summary>
    public const string Prefix = "c1.";

    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    /// <summary>The case's reference, named in every field's associated data.</summary>
    public string Reference => reference;

    /// <summary>Set on a cipher whose key was not read (a transition that writes no sensitive field).</summary>
    public bool NotLoaded { get; init; }

    /// <summary>True when the case has no key any more (shredded): its fields read as null.</summary>
    public bool IsShredded => shredded || key is null;

    /// <summary>Encrypts <paramref name="plain"/> as <paramref name="field"/> of this case; null stays null.</summary>
    public string? Protect(string? plain, string field)
    {
        if (plain is null)
        {
            return null;
        }

        ThrowIfNotLoaded();
        if (key is null || shredded)
        {
            throw new CaseShreddedException();
        }

        var plainBytes = Encoding.UTF8.GetBytes(plain);
        var sealedBytes = new byte[NonceBytes + TagBytes + plainBytes.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(
            nonce,
            plainBytes,
            sealedBytes.AsSpan(NonceBytes + TagBytes),
            sealedBytes.AsSpan(NonceBytes, TagBytes),
            AssociatedData(reference, field)
        );
        return Prefix + WebEncoders.Base64UrlEncode(sealedBytes);
    }

    /// <summary>
    /// Decrypts a value stored as <paramref name="field"/> of this case; null when there is none or the case was
    /// shredded. A value of another case or field fails (<see cref="CryptographicException"/>).
    /// </summary>
    public string? Unprotect(string? stored, string field)
    {
        if (stored is null)
        {
            return null;
        }

        ThrowIfNotLoaded();
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return shredded ? null : legacy.Unprotect(stored);
        }

        if (key is null)
        {
            return null;
        }

        var sealedBytes = WebEncoders.Base64UrlDecode(stored[Prefix.Length..]);
        if (sealedBytes.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("Not a case field value.");
        }

        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(
            sealedBytes.AsSpan(0, NonceBytes),
            sealedBytes.AsSpan(NonceBytes + TagBytes),
            sealedBytes.AsSpan(NonceBytes, TagBytes),
            plain,
            AssociatedData(reference, field)
        );
        return Encoding.UTF8.GetString(plain);
    }

    private void ThrowIfNotLoaded()
    {
        if (NotLoaded)
        {
            throw new InvalidOperationException(
                "The case key was not read: a transition that encrypts must say WritesSensitiveFields."
            );
        }
    }

    private static byte[] AssociatedData(string reference, string field) =>
        Encoding.UTF8.GetBytes($"FundAudit.case.v1\n{reference}\n{field}");
}

/// <summary>
/// The case keys (table <c>case_keys</c>, in the rapid-response database): a random 256-bit key per case, stored as
/// Data Protection ciphertext under a purpose naming the case (<see cref="ProtectorFor"/>). Deleting a case's row
/// (<see cref="ShredStore"/>) leaves every sensitive field of the case unreadable.
/// </summary>
internal sealed class CaseKeys(
    RapidResponseDb db,
    IDataProtectionProvider provider,
    SensitiveFields legacy,
    TimeProvider clock
)
{
    /// <summary>The purpose of the protector of a case key; its sub-purpose is the case's reference.</summary>
    public const string Purpose = "FundAudit.EmergencyRequests.CaseKeys.v1";

    private const string SelectKey = """
        SELECT key_protected FROM case_keys WHERE funder_id = @FunderId AND request_id = @RequestId
        """;
    private const string InsertKey = """
        INSERT INTO case_keys (request_id, funder_id, reference, key_protected, created_at)
        VALUES (@RequestId, @FunderId, @Reference, @KeyProtected, @CreatedAt)
        """;

    /// <summary>The protector of one case's key (the purpose names the case).</summary>
    public static IDataProtector ProtectorFor(IDataProtectionProvider provider, string reference) =>
        provider.CreateProtector(Purpose, reference);

    /// <summary>A fresh key for a new case: its cipher and the protected key to store with the case.</summary>
    public (CaseCipher Cipher, string KeyProtected) Create(string reference)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var protectedKey = ProtectorFor(provider, reference).Protect(Convert.ToBase64String(key));
        return (new CaseCipher(reference, key, false, legacy), protectedKey);
    }

    /// <summary>A cipher for a transition that writes no sensitive field: the key is not read (using it
    /// throws).</summary>
    public CaseCipher NotLoaded(RequestRow row) => new(row.Reference, null, false, legacy) { NotLoaded = true };

    /// <summary>Stores a new case's key inside the transaction that stores the case.</summary>
    public static Task StoreAsync(
        DbTransaction tx,
        long funderId,
        long requestId,
        string reference,
        string keyProtected,
        DateTimeOffset at,
        CancellationToken ct
    ) =>
        tx.ExecuteAsync(
            InsertKey,
            new
            {
                RequestId = requestId,
                FunderId = funderId,
                Reference = reference,
                KeyProtected = keyProtected,
                CreatedAt = at,
            },
            ct
        );

    /// <summary>
    /// The cipher of a stored case: its key, or none when the case was shredded. A case from before case keys gets
    /// its key now (lazily; its old values stay readable Data Protection ciphertext, new values go under the key).
    /// </summary>
    public async Task<CaseCipher> ForAsync(RequestRow row, CancellationToken ct)
    {
        if (row.ShreddedAt is not null)
        {
            return new CaseCipher(row.Reference, null, true, legacy);
        }

        var args = new { row.FunderId, RequestId = row.Id };
        var stored = await db.QuerySingleOrDefaultAsync<string>(SelectKey, args, ct);

        // Only a case from before case keys (its alias still Data Protection ciphertext) gets a key now: one whose
        // values are under a case key that is gone (restored after a shred) stays without.
        if (
            stored is null
            && row.AliasProtected is { } alias
            && !alias.StartsWith(CaseCipher.Prefix, StringComparison.Ordinal)
        )
        {
            var (_, created) = Create(row.Reference);
            try
            {
                await db.ExecuteAsync(
                    InsertKey,
                    new
                    {
                        RequestId = row.Id,
                        row.FunderId,
                        row.Reference,
                        KeyProtected = created,
                        CreatedAt = clock.GetUtcNow(),
                    },
                    ct
                );
            }
            catch (Exception ex) when (db.Dialect.IsUniqueViolation(ex))
            {
                // Another call created it first: take that one.
            }

            stored = await db.QuerySingleOrDefaultAsync<string>(SelectKey, args, ct);
        }

        if (stored is null)
        {
            return new CaseCipher(row.Reference, null, false, legacy);
        }

        var key = Convert.FromBase64String(ProtectorFor(provider, row.Reference).Unprotect(stored));
        return new CaseCipher(row.Reference, key, false, legacy);
    }
}
