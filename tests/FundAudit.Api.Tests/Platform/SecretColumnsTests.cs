using System.Text.RegularExpressions;
using FundAudit.Api.Infrastructure.Security;
using FundAudit.Api.Tests.SqlServer;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// The schema's secrets, checked on the migrations themselves (the SQL Server set, which the schema parity test keeps
/// equal to the other two): every encrypted column (<c>*_protected</c>) is one that key rotation re-protects, or
/// revoking the old keys after a rotation would leave its values unreadable; and every column whose name says it
/// holds a secret or a contact is stored as a hash or encrypted, unless listed here with the reason.
/// </summary>
public sealed partial class SecretColumnsTests
{
    /// <summary>Columns whose names look secret but hold none, and why.</summary>
    private static readonly Dictionary<string, string> NotSecret = new(StringComparer.OrdinalIgnoreCase)
    {
        ["api_keys.key_id"] = "the public half of an API key, shown in lists (the secret half is key_hash)",
        ["console_sessions.key_id"] = "the API key a key session was opened with, by its public id",
        ["country_regions.country_key"] = "a country's name as looked up, reference data",
        ["staff_people.email_key"] = "the lookup form of the email shown beside it (staff_people.email)",
        ["staff_people.email"] = "a staff person's work email, shown to their admins: not a defender's data",
        ["disbursements.idempotency_key"] = "the finance client's retry key for one payment, not a credential",
        ["grant_imports.run_token"] = "which run of an import holds its claim: a lock, not a credential",
        ["admin_log.action_code"] = "what an admin did, one of a short list",
        ["idempotent_responses.status_code"] = "the HTTP status of the first answer",
        ["grant_import_errors.code"] = "an import error's code, one of a short list",
        ["funders.keys_may_decide"] = "a funder's setting",
        ["data_protection_keys.key_xml"] = "the key ring itself, encrypted to the configured certificate",
    };

    [Fact]
    public void Every_encrypted_column_is_re_protected_by_key_rotation()
    {
        var encrypted = Columns().Where(c => c.EndsWith("_protected", StringComparison.Ordinal)).Order().ToList();
        var rotated = KeyRotation.Columns.Select(c => $"{c.Table}.{c.Column}").Order().ToList();
        Assert.True(encrypted.Count >= 10, $"only {encrypted.Count} encrypted columns found: is the reading broken?");
        Assert.Equal(encrypted, rotated);
    }

    [Fact]
    public void Every_column_named_for_a_secret_or_a_contact_holds_a_hash_or_ciphertext()
    {
        var columns = Columns();
        var clear = columns
            .Where(c => SecretName().IsMatch(c[(c.IndexOf('.') + 1)..]))
            .Where(c =>
                !c.EndsWith("_hash", StringComparison.Ordinal) && !c.EndsWith("_protected", StringComparison.Ordinal)
            )
            .Where(c => !NotSecret.ContainsKey(c))
            .ToList();
        Assert.True(
            clear.Count == 0,
            "Stored in clear: " + string.Join(", ", clear) + " (hash or protect it, or list it)"
        );
        var stale = NotSecret.Keys.Where(k => !columns.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "Listed but not in the schema: " + string.Join(", ", stale));
    }

    [Theory]
    [InlineData("reset_token", true)]
    [InlineData("client_secret", true)]
    [InlineData("password", true)]
    [InlineData("case_code", true)]
    [InlineData("phone", true)]
    [InlineData("contact_handle", true)]
    [InlineData("api_key", true)]
    [InlineData("title", false)]
    [InlineData("recipient_country", false)]
    public void The_name_check_knows_a_secret_name(string column, bool secret) =>
        Assert.Equal(secret, SecretName().IsMatch(column));

    private static HashSet<string> Columns() =>
        SchemaParityTests
            .SqlServerColumns()
            .SelectMany(t => t.Value.Keys.Select(c => $"{t.Key}.{c}"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex("token|secret|password|code|key|email|phone|contact|handle|iban|account", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
