using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Dapper;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.EmergencyRequests;

/// <summary>
/// Burning a case (issue 15, item 2), per engine: every sensitive field is under the case's own key; an admin shreds the
/// case, its key is gone and every field reads as nothing at once, while its statistics, SLA figures and events stay; a
/// ciphertext copied to another case or field does not decrypt; a case from before case keys still reads.
/// </summary>
public abstract class CaseShreddingTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    [Fact]
    public async Task An_admin_shreds_a_case_and_every_sensitive_field_is_gone_at_once_while_the_figures_stay()
    {
        var cases = new RetentionCases(app);
        await cases.SetUpAsync();
        var (burned, code) = await cases.SubmitAsync("burned");
        await cases.AskAndAnswerAsync(burned, code, "burned");
        await cases.ApproveWithDetailsAsync(burned, "burned");
        await cases.DisburseAsync(burned, "burned");
        var (kept, _) = await cases.SubmitAsync("kept");
        var burnedCanaries = cases.Canaries.Where(c => c.Contains("-burned-", StringComparison.Ordinal)).ToList();
        Assert.Equal(8, burnedCanaries.Count);
        Assert.Equal(
            burnedCanaries.Count,
            (await cases.CanaryCiphertextsAsync()).Count(c => c.Value.Contains("-burned-"))
        );
        var metrics = $"/api/funds/{cases.Slug}/metrics?from=2026-01-01&groupBy=tier";
        var figuresBefore = (await HttpAssert.OkJsonAsync(await cases.Officer.Client.GetAsync(metrics))).ToString();
        var summaryBefore = await SummaryAsync(cases, burned);

        // Only admins shred, with a reason from the list; a refusal changes nothing.
        var shred = $"/api/requests/{burned}/shred";
        var refused = await cases.Officer.Client.PostAsJsonAsync(shred, new { reason = "safety_risk" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var invalid = await cases.Admin.Client.PostAsJsonAsync(shred, new { reason = "because" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("reason", await invalid.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(8, (await cases.CanaryCiphertextsAsync()).Count(c => c.Value.Contains("-burned-")));

        var done = await HttpAssert.OkJsonAsync(
            await cases.Admin.Client.PostAsJsonAsync(shred, new { reason = "safety_risk" })
        );
        Assert.True(done.GetProperty("request").GetProperty("shredded").GetBoolean());

        // The key is gone; nothing of the case decrypts or is stored any more; the other case is untouched.
        Assert.Equal(
            0,
            await CountAsync(
                $"SELECT COUNT(*) FROM case_keys k JOIN emergency_requests r ON r.id = k.request_id WHERE r.reference = '{burned}'"
            )
        );
        Assert.Equal(
            1,
            await CountAsync(
                $"SELECT COUNT(*) FROM case_keys k JOIN emergency_requests r ON r.id = k.request_id WHERE r.reference = '{kept}'"
            )
        );
        var left = await cases.CanaryCiphertextsAsync();
        Assert.DoesNotContain(left.Values, v => v.Contains("-burned-", StringComparison.Ordinal));
        Assert.Contains(left.Values, v => v.Contains("-kept-", StringComparison.Ordinal));
        var view = await HttpAssert.OkJsonAsync(await cases.Officer.Client.GetAsync($"/api/requests/{burned}"));
        Assert.True(view.GetProperty("request").GetProperty("shredded").GetBoolean());
        foreach (var field in new[] { "alias", "contact", "situation", "endorser", "declineReason" })
        {
            Assert.True(Absent(view, field), field);
        }

        Assert.All(view.GetProperty("messages").EnumerateArray(), m => Assert.True(Absent(m, "body")));
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await cases.Finance.Client.GetAsync($"/api/requests/{burned}/payment-details")).StatusCode
        );
        var status = await cases.Anonymous.PostAsJsonAsync("/api/requests/status", new { caseCode = code });
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);

        // Statistics and SLA figures stay; a content-free event says who and when; nothing can be written into it.
        Assert.Equal(
            figuresBefore,
            (await HttpAssert.OkJsonAsync(await cases.Officer.Client.GetAsync(metrics))).ToString()
        );
        Assert.Equal(summaryBefore, await SummaryAsync(cases, burned));
        Assert.Equal(
            (ShredCase.Command, "admin"),
            (await cases.EventsAsync(burned)).Select(e => (e.Action, e.Role)).Last()
        );
        var again = await HttpAssert.OkJsonAsync(
            await cases.Admin.Client.PostAsJsonAsync(shred, new { reason = "other" })
        );
        Assert.Single(await cases.EventsAsync(burned), e => e.Action == ShredCase.Command); // a second shred: nothing more
        Assert.True(again.GetProperty("request").GetProperty("shredded").GetBoolean());
    }

    [Fact]
    public async Task Writing_into_a_shredded_case_is_refused_and_another_funder_cannot_shred()
    {
        var cases = new RetentionCases(app);
        await cases.SetUpAsync();
        var (burned, _) = await cases.SubmitAsync("refused");
        var stranger = await app.CreateTenantAsync();
        var foreign = await stranger.Client.PostAsJsonAsync($"/api/requests/{burned}/shred", new { reason = "other" });
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.False((await SummaryJsonAsync(cases, burned)).GetProperty("shredded").GetBoolean());

        // An admin's API key shreds only when the funder lets keys take decisions (issue 16: keys are machines).
        await StaffFixtures.SetKeysMayDecideAsync(app, cases.Admin.FunderId, false);
        var byKey = await cases.Admin.Client.PostAsJsonAsync($"/api/requests/{burned}/shred", new { reason = "other" });
        await StaffFixtures.SetKeysMayDecideAsync(app, cases.Admin.FunderId, true);
        await HttpAssert.ProblemAsync(byKey, HttpStatusCode.Forbidden);
        Assert.False((await SummaryJsonAsync(cases, burned)).GetProperty("shredded").GetBoolean());

        await HttpAssert.OkJsonAsync(
            await cases.Admin.Client.PostAsJsonAsync($"/api/requests/{burned}/shred", new { reason = "legal_order" })
        );
        // Who shredded, when and why (a code) is in the administration log, which no one can quietly edit.
        var logged = await app
            .Services.GetRequiredService<Db>()
            .QueryListAsync<string>(
                "SELECT details FROM admin_log WHERE funder_id = @FunderId AND action_code = 'case.shredded'",
                new { cases.Admin.FunderId },
                default
            );
        Assert.Equal(["reason=legal_order"], logged);
        var ask = await cases.Officer.Client.PostAsJsonAsync(
            $"/api/requests/{burned}/questions",
            new { version = await cases.VersionAsync(burned), question = "Where are you?" }
        );
        Assert.Equal(HttpStatusCode.Conflict, ask.StatusCode);
        Assert.Contains("case_shredded", await ask.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await cases.ActAsync(burned, "acknowledge", v => new { version = v }); // a transition without content still runs
    }

    [Fact]
    public async Task A_ciphertext_copied_to_another_case_or_another_field_does_not_decrypt()
    {
        var cases = new RetentionCases(app);
        await cases.SetUpAsync();
        var (first, _) = await cases.SubmitAsync("first");
        var (second, _) = await cases.SubmitAsync("second");
        var provider = app.Services.GetRequiredService<IDataProtectionProvider>();
        var (alias, firstKey) = await StoredAsync(first);
        var (_, secondKey) = await StoredAsync(second);
        var own = cases.CaseCipherOf(provider, first, firstKey);
        Assert.StartsWith("CANARY-alias-first-", own.Unprotect(alias, CaseField.Alias), StringComparison.Ordinal);

        Assert.ThrowsAny<CryptographicException>(() => own.Unprotect(alias, CaseField.Situation)); // another field
        var other = cases.CaseCipherOf(provider, second, secondKey);
        Assert.ThrowsAny<CryptographicException>(() => other.Unprotect(alias, CaseField.Alias)); // another case
        // The first case's key under the second case's name: the associated data alone refuses it.
        var key = Convert.FromBase64String(CaseKeys.ProtectorFor(provider, first).Unprotect(firstKey!));
        var misnamed = new CaseCipher(second, key, false, app.Services.GetRequiredService<SensitiveFields>());
        Assert.ThrowsAny<CryptographicException>(() => misnamed.Unprotect(alias, CaseField.Alias));

        // A case key copied to another case does not open either: its protector's purpose names the case.
        Assert.ThrowsAny<CryptographicException>(() => CaseKeys.ProtectorFor(provider, second).Unprotect(firstKey!));
    }

    [Fact]
    public async Task A_case_from_before_case_keys_still_reads_and_its_values_move_under_its_key()
    {
        var cases = new RetentionCases(app);
        await cases.SetUpAsync();
        var (legacy, _) = await cases.SubmitAsync("legacy");
        var sensitive = app.Services.GetRequiredService<SensitiveFields>();
        await using (var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync())
        {
            // As stored before case keys: Data Protection ciphertext and no key row.
            var id = await connection.ExecuteScalarAsync<long>(
                "SELECT id FROM emergency_requests WHERE reference = @R",
                new { R = legacy }
            );
            await connection.ExecuteAsync("DELETE FROM case_keys WHERE request_id = @Id", new { Id = id });
            await connection.ExecuteAsync(
                "UPDATE emergency_requests SET alias_protected = @A, contact_protected = @C, situation_protected = @S, endorser_protected = NULL WHERE id = @Id",
                new
                {
                    Id = id,
                    A = sensitive.Protect("legacy alias"),
                    C = sensitive.Protect("{\"channel\":\"signal\",\"handle\":\"legacy handle\"}"),
                    S = sensitive.Protect("legacy situation"),
                }
            );
        }

        var view = await HttpAssert.OkJsonAsync(await cases.Officer.Client.GetAsync($"/api/requests/{legacy}"));
        Assert.Equal("legacy alias", view.GetProperty("alias").GetString());
        Assert.Equal("legacy handle", view.GetProperty("contact").GetProperty("handle").GetString());

        await cases.ActAsync(legacy, "questions", v => new { version = v, question = "A new question" });
        var (_, key) = await StoredAsync(legacy);
        Assert.NotNull(key); // the case got its key when it was first opened
        view = await HttpAssert.OkJsonAsync(await cases.Officer.Client.GetAsync($"/api/requests/{legacy}"));
        Assert.Equal("legacy situation", view.GetProperty("situation").GetString());
        Assert.Equal("A new question", view.GetProperty("messages")[0].GetProperty("body").GetString());

        // The migration (run at start, and here) moves the old values under the case key, once. A run that crashed
        // after its first update left the alias moved and the rest old: the next run moves the other two.
        var provider = app.Services.GetRequiredService<IDataProtectionProvider>();
        var (oldAlias, caseKey) = await StoredAsync(legacy);
        var moved = cases
            .CaseCipherOf(provider, legacy, caseKey)
            .Protect(sensitive.Unprotect(oldAlias), CaseField.Alias);
        await using (var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync())
        {
            await connection.ExecuteAsync(
                "UPDATE emergency_requests SET alias_protected = @Moved WHERE reference = @R",
                new { Moved = moved, R = legacy }
            );
        }

        var migration = app.Services.GetRequiredService<LegacyFieldMigration>();
        Assert.Equal(2, await migration.RunAsync(default));
        Assert.Equal(0, await migration.RunAsync(default));
        var (alias, _) = await StoredAsync(legacy);
        Assert.StartsWith(CaseCipher.Prefix, alias, StringComparison.Ordinal);
        view = await HttpAssert.OkJsonAsync(await cases.Officer.Client.GetAsync($"/api/requests/{legacy}"));
        Assert.Equal("legacy alias", view.GetProperty("alias").GetString());
        Assert.Equal("legacy handle", view.GetProperty("contact").GetProperty("handle").GetString());
        Assert.Equal("legacy situation", view.GetProperty("situation").GetString());
    }

    private async Task<(string? Alias, string? Key)> StoredAsync(string reference)
    {
        await using var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync();
        return await connection.QuerySingleAsync<(string?, string?)>(
            "SELECT r.alias_protected, k.key_protected FROM emergency_requests r LEFT JOIN case_keys k ON k.request_id = r.id WHERE r.reference = @Reference",
            new { Reference = reference }
        );
    }

    /// <summary>The service leaves out a property with no value (it never writes null).</summary>
    private static bool Absent(System.Text.Json.JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) || value.ValueKind == System.Text.Json.JsonValueKind.Null;

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    private static async Task<System.Text.Json.JsonElement> SummaryJsonAsync(RetentionCases cases, string reference) =>
        (await HttpAssert.OkJsonAsync(await cases.Officer.Client.GetAsync($"/api/requests/{reference}"))).GetProperty(
            "request"
        );

    /// <summary>The request's summary without its version and shred flag (what the statistics are made of).</summary>
    private static async Task<string> SummaryAsync(RetentionCases cases, string reference)
    {
        var summary = System
            .Text.Json.Nodes.JsonNode.Parse((await SummaryJsonAsync(cases, reference)).GetRawText())!
            .AsObject();
        summary.Remove("shredded");
        return summary.ToJsonString();
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteCaseShreddingTests(SqliteApp app) : CaseShreddingTests<SqliteApp>(app);

[Collection(SharedApps.Postgres3)]
public sealed class PostgresCaseShreddingTests(PostgresApp app) : CaseShreddingTests<PostgresApp>(app);
