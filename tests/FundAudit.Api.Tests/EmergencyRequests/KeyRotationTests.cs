using System.Security.Cryptography;
using Dapper;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Infrastructure.Security;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.EmergencyRequests;

/// <summary>
/// Key rotation (issue 15, item 3), per engine: a new key, every protected value re-protected under it by the
/// <c>keyring</c> command, the old key revoked; every value still decrypts to what it was and the service still
/// reads its cases, while a copy of a value taken before the rotation no longer decrypts.
/// </summary>
public abstract class KeyRotationTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    [Fact]
    public async Task New_key_then_reprotect_then_revoke_the_old_key_and_every_value_still_decrypts()
    {
        var cases = new RetentionCases(app);
        await cases.SetUpAsync();
        var (closed, code) = await cases.SubmitAsync("rotation", idempotencyKey: "rotation-" + Guid.NewGuid());
        await cases.AskAndAnswerAsync(closed, code, "rotation");
        await cases.ApproveWithDetailsAsync(closed, "rotation");
        await cases.DisburseAsync(closed, "rotation");
        var (declined, _) = await cases.SubmitAsync("rotation2");
        var reason = cases.Canary("decline", "rotation2");
        await cases.ActAsync(declined, "decline", v => new { version = v, reason });
        await AddTotpFactorAsync();
        await AddSsoProviderAsync();

        var rotation = app.Services.GetRequiredService<KeyRotation>();
        var oldKey = rotation.CurrentKeyId();
        var before = await ValuesAsync();
        // A fund without a webhook; the eight sensitive-field columns hold values under the case keys (the keys are
        // what is re-protected), Data Protection ciphertext only in cases from before case keys; a TOTP secret and an
        // SSO client secret were added above.
        var expected = KeyRotation
            .Columns.Where(c =>
                c.Table
                    is "case_keys"
                        or "idempotent_responses"
                        or "service_secrets"
                        or "staff_totp_factors"
                        or "funder_sso_providers"
            )
            .Select(c => c.Table + "." + c.Column)
            .Order();
        Assert.Equal(expected, before.Select(v => v.Column).Distinct().Order()); // every protected column was seen

        Assert.Equal(0, await RunAsync("rotate"));
        var newKey = rotation.CurrentKeyId();
        Assert.NotEqual(oldKey, newKey);
        var after = await ValuesAsync();
        Assert.Equal(before.Count, after.Count);
        foreach (var (value, i) in after.Select((v, i) => (v, i)))
        {
            Assert.Equal(before[i].Plain, value.Plain);
            Assert.NotEqual(before[i].Cipher, value.Cipher); // re-protected, not left under the old key
        }

        using (var scope = app.Services.CreateScope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<KeyRotationJob>().RunAsync(default));
        }

        Assert.Equal(0, await RunAsync("revoke-old"));
        Assert.Equal(newKey, rotation.CurrentKeyId());
        var revoked = await ValuesAsync();
        Assert.Equal(after.Select(v => v.Plain), revoked.Select(v => v.Plain));

        // The old key is really out: a value copied before the rotation (a case key) no longer opens.
        var stale = before.First(v => v.Column == "case_keys.key_protected");
        Assert.ThrowsAny<CryptographicException>(() => stale.Protector.Unprotect(stale.Cipher));

        // The service reads its data as before: the case, and the case code (its HMAC key is a protected secret).
        Assert.False(await cases.PurgedAsync(closed));
        var view = await HttpAssert.OkJsonAsync(await cases.Officer.Client.GetAsync($"/api/requests/{closed}"));
        Assert.StartsWith("CANARY-alias-rotation-", view.GetProperty("alias").GetString(), StringComparison.Ordinal);
        await HttpAssert.OkJsonAsync(
            await cases.Anonymous.PostAsync(
                "/api/requests/status",
                System.Net.Http.Json.JsonContent.Create(new { caseCode = code })
            )
        );
    }

    [Fact]
    public async Task Revoking_older_keys_is_refused_while_a_value_still_needs_one()
    {
        var cases = new RetentionCases(app);
        await cases.SetUpAsync();
        await cases.SubmitAsync("refused");
        await app.Services.GetRequiredService<KeyRotation>().CreateKeyAsync(default); // a new key, nothing re-protected yet
        var stderr = new StringWriter();
        Assert.Equal(
            1,
            await KeyRingCommand.RunAsync(app.Services, ["keyring", "revoke-old"], new StringWriter(), stderr)
        );
        Assert.Contains("keyring reprotect", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await RunAsync("reprotect"));
        Assert.Equal(0, await RunAsync("revoke-old"));
    }

    /// <summary>A funder's single sign-on provider, whose client secret is protected (issue 16).</summary>
    private async Task AddSsoProviderAsync()
    {
        var admin = await app.CreateTenantAsync();
        var response = await admin.Client.PutAsync(
            "/api/sso",
            Giving.Json(
                new System.Text.Json.Nodes.JsonObject
                {
                    ["slug"] = "rotation-" + Guid.NewGuid().ToString("N")[..8],
                    ["issuer"] = "https://login.example.org/tenant",
                    ["clientId"] = "fundaudit",
                    ["clientSecret"] = "rotation-client-secret",
                }
            )
        );
        await HttpAssert.OkJsonAsync(response);
    }

    /// <summary>A staff person with a TOTP secret protected as the service protects it (people, issue 16).</summary>
    private async Task AddTotpFactorAsync()
    {
        var funder = await app.CreateTenantAsync();
        var secret = app
            .Services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector(KeyRotation.TotpSecretPurpose)
            .Protect("JBSWY3DPEHPK3PXP");
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var now = DateTimeOffset.UtcNow;
        var email = $"rotation-{Guid.NewGuid():N}@example.org";
        await connection.ExecuteAsync(
            """
            INSERT INTO staff_people (funder_id, email, email_key, display_name, roles, status, created_at, updated_at)
            VALUES (@FunderId, @Email, @Email, 'Rotation', 'officer', 'active', @Now, @Now)
            """,
            new
            {
                funder.FunderId,
                Email = email,
                Now = now,
            }
        );
        var personId = await connection.ExecuteScalarAsync<long>(
            "SELECT id FROM staff_people WHERE email_key = @Email",
            new { Email = email }
        );
        await connection.ExecuteAsync(
            """
            INSERT INTO staff_totp_factors (funder_id, person_id, secret_protected, created_at, confirmed_at)
            VALUES (@FunderId, @PersonId, @Secret, @Now, @Now)
            """,
            new
            {
                funder.FunderId,
                PersonId = personId,
                Secret = secret,
                Now = now,
            }
        );
    }

    private async Task<int> RunAsync(string verb)
    {
        var stderr = new StringWriter();
        var code = await KeyRingCommand.RunAsync(app.Services, ["keyring", verb], new StringWriter(), stderr);
        Assert.True(code == 0, stderr.ToString());
        return code;
    }

    /// <summary>Every stored protected value, in a stable order, with its plaintext through the service's
    /// protectors (a revoked key fails here).</summary>
    private async Task<List<(string Column, string Cipher, string Plain, IDataProtector Protector)>> ValuesAsync()
    {
        var provider = app.Services.GetRequiredService<IDataProtectionProvider>();
        var values = new List<(string, string, string, IDataProtector)>();
        foreach (var column in KeyRotation.Columns)
        {
            Db database = column.MainDatabase
                ? app.Services.GetRequiredService<Db>()
                : app.Services.GetRequiredService<RapidResponseDb>();
            await using var connection = await database.OpenAsync();
            var sub = column.SubPurposeColumn ?? "NULL";
            var sql =
                $"SELECT {column.Column}, {sub} FROM {column.Table} WHERE {column.Column} IS NOT NULL "
                + $"ORDER BY {string.Join(", ", column.Keys)}";
            foreach (var (cipher, subPurpose) in await connection.QueryAsync<(string, string?)>(sql))
            {
                if (cipher.StartsWith(CaseCipher.Prefix, StringComparison.Ordinal))
                {
                    continue; // under a case key, not Data Protection's
                }

                var protector = subPurpose is null
                    ? provider.CreateProtector(column.Purpose)
                    : provider.CreateProtector(column.Purpose, subPurpose);
                var plain = column.Base64
                    ? Convert.ToBase64String(protector.Unprotect(Convert.FromBase64String(cipher)))
                    : protector.Unprotect(cipher);
                values.Add((column.Table + "." + column.Column, cipher, plain, protector));
            }
        }

        return values;
    }
}

public sealed class SqliteKeyRotationTests(SqliteApp app) : KeyRotationTests<SqliteApp>(app);

public sealed class PostgresKeyRotationTests(PostgresApp app) : KeyRotationTests<PostgresApp>(app);
