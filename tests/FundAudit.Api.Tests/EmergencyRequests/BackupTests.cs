using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Infrastructure.Data.Backup;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FundAudit.Api.Tests.EmergencyRequests;

/// <summary>
/// Backups that honour the purge (issue 15, item 6), per engine: the backup is encrypted (no SQLite or pg_dump header,
/// no canary, no plain-text value of the database), restores with the key ring into a fresh folder or database where a
/// canary decrypts, and a case shredded before the backup, or after it, stays unreadable in the restored copy: backups
/// hold no case key, and the one key file is rewritten by every shred.
/// </summary>
public abstract class BackupTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp, IBackupApp
{
    [Fact]
    public async Task A_backup_is_encrypted_restores_with_the_key_ring_and_keeps_no_shredded_case_readable()
    {
        var cases = new RetentionCases(app);
        await cases.SetUpAsync();
        var (kept, keptCode) = await cases.SubmitAsync("kept");
        await cases.AskAndAnswerAsync(kept, keptCode, "kept");
        var (shreddedBefore, _) = await cases.SubmitAsync("before");
        var (shreddedAfter, _) = await cases.SubmitAsync("after");
        await ShredAsync(cases, shreddedBefore);
        var folder = app.BackupFolder;
        var now = app.Clock.GetUtcNow();
        var old = Directory.CreateDirectory(Path.Combine(folder, Stamp(now.AddDays(-31)))).FullName;
        var recent = Directory.CreateDirectory(Path.Combine(folder, Stamp(now.AddDays(-29)))).FullName;

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.True(await BackupCommand.RunAsync(app.Services, ["backup"], stdout, stderr) == 0, stderr.ToString());
        var backup = Path.Combine(folder, Stamp(now));
        Assert.False(Directory.Exists(old)); // older than the 30-day horizon: deleted
        Assert.True(Directory.Exists(recent));

        // Nothing in the backup folder reads as a database or shows a value: canaries, the fund's slug (stored in
        // clear in the database), the engine's file headers.
        var bytes = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList();
        Assert.True(bytes.Count >= 3, "manifest, a database file and the key file");
        foreach (var needle in cases.Canaries.Append(cases.Slug).Append("SQLite format 3").Append("PGDMP"))
        {
            var text = Encoding.UTF8.GetBytes(needle);
            Assert.DoesNotContain(bytes, b => b.AsSpan().IndexOf(text) >= 0);
        }

        // Shredded after the backup: the service rewrites the key file without the case's key.
        Assert.True((await ShredAsync(cases, shreddedAfter)).GetProperty("backupKeysRewritten").GetBoolean());

        var target = await app.FreshTargetAsync();
        stderr = new StringWriter();
        Assert.True(
            await BackupCommand.RunAsync(app.Services, ["restore", backup, target], new StringWriter(), stderr) == 0,
            stderr.ToString()
        );
        Assert.NotEqual(
            0,
            await BackupCommand.RunAsync(
                app.Services,
                ["restore", backup, target],
                new StringWriter(),
                new StringWriter()
            )
        );

        // The restored copy, opened by the service with its own (restored) key ring and keys.
        await using var restored = app.WithWebHostBuilder(b =>
            b.UseSetting("Database:ConnectionString", app.RestoredConnectionString(target))
        );
        var officer = restored.CreateClient();
        officer.DefaultRequestHeaders.Authorization = cases.Officer.Client.DefaultRequestHeaders.Authorization;
        var view = await HttpAssert.OkJsonAsync(await officer.GetAsync($"/api/requests/{kept}"));
        Assert.StartsWith("CANARY-alias-kept-", view.GetProperty("alias").GetString(), StringComparison.Ordinal);
        Assert.StartsWith(
            "CANARY-question-kept-",
            view.GetProperty("messages")[0].GetProperty("body").GetString(),
            StringComparison.Ordinal
        );
        foreach (var reference in new[] { shreddedBefore, shreddedAfter })
        {
            var gone = await HttpAssert.OkJsonAsync(await officer.GetAsync($"/api/requests/{reference}"));
            Assert.True(Absent(gone, "alias"));
            Assert.True(Absent(gone, "situation"));
            Assert.True(gone.GetProperty("request").GetProperty("shredded").GetBoolean()); // said so after restore too
        }

        // Shredded after the backup: its ciphertext is in the restored copy, its key is nowhere.
        await using var connection = await restored.Services.GetRequiredService<RapidResponseDb>().OpenAsync();
        var stored = await connection.QuerySingleAsync<(string? Alias, long Keys)>(
            "SELECT r.alias_protected, (SELECT COUNT(*) FROM case_keys k WHERE k.request_id = r.id) FROM emergency_requests r WHERE r.reference = @R",
            new { R = shreddedAfter }
        );
        Assert.NotNull(stored.Alias);
        Assert.Equal(0, stored.Keys);
    }

    /// <summary>The service leaves out a property with no value (it never writes null).</summary>
    private static bool Absent(System.Text.Json.JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) || value.ValueKind == System.Text.Json.JsonValueKind.Null;

    private static string Stamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString(BackupCommand.StampFormat, CultureInfo.InvariantCulture);

    private static async Task<System.Text.Json.JsonElement> ShredAsync(RetentionCases cases, string reference) =>
        await HttpAssert.OkJsonAsync(
            await cases.Admin.Client.PostAsJsonAsync($"/api/requests/{reference}/shred", new { reason = "safety_risk" })
        );
}

/// <summary>A test app whose backups go to a folder of its own.</summary>
public interface IBackupApp
{
    string BackupFolder { get; }

    /// <summary>Where a restore may go: an empty folder (SQLite) or an empty database's connection string.</summary>
    Task<string> FreshTargetAsync();

    /// <summary>The connection string of the restored copy.</summary>
    string RestoredConnectionString(string target);
}

/// <summary>SQLite with <c>Backup:Folder</c> set.</summary>
public sealed class SqliteBackupApp : SqliteApp, IBackupApp
{
    public string BackupFolder { get; } =
        Path.Combine(Path.GetTempPath(), "fundaudit-tests", "backups-" + Guid.NewGuid().ToString("N")[..8]);

    public Task<string> FreshTargetAsync() =>
        Task.FromResult(
            Path.Combine(Path.GetTempPath(), "fundaudit-tests", "restore-" + Guid.NewGuid().ToString("N")[..8])
        );

    public string RestoredConnectionString(string target) => $"Data Source={Path.Combine(target, "fundaudit.db")}";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Backup:Folder", BackupFolder);
    }
}

/// <summary>PostgreSQL with <c>Backup:Folder</c> set and the private cluster's pg_dump and pg_restore.</summary>
public sealed class PostgresBackupApp : FundAuditApp, IBackupApp
{
    public override string Provider => "postgres";

    public string BackupFolder { get; } =
        Path.Combine(Path.GetTempPath(), "fundaudit-tests", "backups-" + Guid.NewGuid().ToString("N")[..8]);

    public Task<string> FreshTargetAsync() => PostgresCluster.CreateDatabaseAsync();

    public string RestoredConnectionString(string target) => target;

    protected override Task<string> CreateDatabaseAsync() => PostgresCluster.CreateDatabaseAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Backup:Folder", BackupFolder);
        if (PostgresCluster.FindBinaries() is { } bin)
        {
            builder.UseSetting("Backup:PgDump", Path.Combine(bin, "pg_dump"));
            builder.UseSetting("Backup:PgRestore", Path.Combine(bin, "pg_restore"));
        }
    }
}

public sealed class SqliteBackupTests(SqliteBackupApp app) : BackupTests<SqliteBackupApp>(app);

public sealed class PostgresBackupTests(PostgresBackupApp app) : BackupTests<PostgresBackupApp>(app);
