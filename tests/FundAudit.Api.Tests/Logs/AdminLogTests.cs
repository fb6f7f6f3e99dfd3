using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Logs;

/// <summary>
/// The administration log (issue 16 item 6): changes to keys and funds are written to it with who, what and when, as
/// ids and codes only, chained per funder; and no one can change or remove an entry through SQL.
/// </summary>
public abstract class AdminLogTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private sealed class Entry
    {
        public long Seq { get; init; }

        public string Actor { get; init; } = "";

        public string ActionCode { get; init; } = "";

        public string SubjectType { get; init; } = "";

        public string SubjectId { get; init; } = "";
    }

    [Fact]
    public async Task Key_issue_and_revocation_and_a_new_fund_are_logged_in_one_chain_without_labels_or_names()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        // A key never has more roles than its owner (the caller): this admin is an officer too.
        await StaffFixtures.SetRolesAsync(app, admin.FunderId, admin.PersonId, "admin,officer");
        var created = await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync(
                "/api/keys",
                Giving.Json(new JsonObject { ["role"] = "officer", ["label"] = "Marisol Quispe desk" })
            ),
            HttpStatusCode.Created
        );
        var keyId = created.GetProperty("keyId").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync($"/api/keys/{keyId}")).StatusCode);
        var slug = "log-" + Guid.NewGuid().ToString("N")[..10];
        var fund = new JsonObject
        {
            ["slug"] = slug,
            ["name"] = "Logged Fund",
            ["currency"] = "USD",
            ["maxAmount"] = 2000,
        };
        await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync("/api/funds", Giving.Json(fund)),
            HttpStatusCode.Created
        );

        var entries = await EntriesAsync(admin.FunderId);

        var actor = "key:" + admin.KeyId;
        Assert.Equal(
            [
                ("operator", "funder.created", "funder"),
                ("operator", "api_key.issued", "api_key"),
                (actor, "api_key.issued", "api_key"),
                (actor, "api_key.revoked", "api_key"),
                (actor, "fund.created", "fund"),
            ],
            entries.Select(e => (e.Actor, e.ActionCode, e.SubjectType))
        );
        Assert.Equal([1L, 2, 3, 4, 5], entries.Select(e => e.Seq));
        Assert.Equal(keyId, entries[2].SubjectId);
        Assert.Equal(keyId, entries[3].SubjectId);
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var text = string.Join(
            "|",
            await connection.QueryAsync<string>(
                "SELECT actor || action_code || subject_type || subject_id || COALESCE(details, '') || hash "
                    + "FROM admin_log WHERE funder_id = @FunderId",
                new { admin.FunderId }
            )
        );
        Assert.DoesNotContain("Marisol", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Logged Fund", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_funders_changes_are_in_another_chain()
    {
        var one = await app.CreateTenantAsync(Roles.Admin);
        var two = await app.CreateTenantAsync(Roles.Admin);
        await app.AddKeyAsync(two, Roles.Analyst);

        Assert.Equal([1L, 2], (await EntriesAsync(one.FunderId)).Select(e => e.Seq));
        Assert.Equal([1L, 2, 3], (await EntriesAsync(two.FunderId)).Select(e => e.Seq));
    }

    [Theory]
    [InlineData("UPDATE admin_log SET actor = 'key:someone' WHERE funder_id = @FunderId")]
    [InlineData("UPDATE admin_log SET seq = seq + 100 WHERE funder_id = @FunderId")]
    [InlineData("DELETE FROM admin_log WHERE funder_id = @FunderId")]
    public async Task The_database_refuses_to_change_or_remove_an_entry(string sql)
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();

        var error = await Record.ExceptionAsync(() => connection.ExecuteAsync(sql, new { admin.FunderId }));

        Assert.NotNull(error);
        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await EntriesAsync(admin.FunderId)).Count);
    }

    private async Task<List<Entry>> EntriesAsync(long funderId)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        return (
            await connection.QueryAsync<Entry>(
                "SELECT seq, actor, action_code, subject_type, subject_id FROM admin_log WHERE funder_id = @FunderId "
                    + "ORDER BY seq",
                new { FunderId = funderId }
            )
        ).AsList();
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteAdminLogTests(SqliteApp app) : AdminLogTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresAdminLogTests(PostgresApp app) : AdminLogTests<PostgresApp>(app);
