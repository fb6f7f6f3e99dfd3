using System.Globalization;
using System.Text;
using Dapper;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Hangfire;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.EmergencyRequests;

/// <summary>
/// Retention of defenders' data for every ending of a case (issue 15, item 1), per engine, under the app's fake
/// clock: the canary test reads what the engine keeps on disk; the warning test shows officers are told first.
/// </summary>
public abstract class RetentionTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    [Fact]
    public async Task Every_ending_is_purged_and_no_canary_or_its_ciphertext_is_left_in_the_stored_bytes()
    {
        var cases = new RetentionCases(app);
        await cases.SetUpAsync();

        // The purge job's Hangfire record: it takes no arguments at all.
        var jobs = app.Services.GetRequiredService<IBackgroundJobClient>();
        jobs.Enqueue<PurgePersonalDataJob>(j => j.RunAsync(CancellationToken.None));

        var (closed, closedCode) = await cases.SubmitAsync("closed");
        await cases.AskAndAnswerAsync(closed, closedCode, "closed");
        await cases.ApproveWithDetailsAsync(closed, "closed");
        await cases.DisburseAsync(closed, "closed");
        await cases.ActAsync(closed, "close", v => new { version = v });

        var (withdrawn, withdrawnCode) = await cases.SubmitAsync("withdrawn");
        await cases.AskAndAnswerAsync(withdrawn, withdrawnCode, "withdrawn");
        await cases.ApproveWithDetailsAsync(withdrawn, "withdrawn");
        await cases.WithdrawAsync(withdrawnCode);

        var (declined, declinedCode) = await cases.SubmitAsync("declined");
        await cases.AskAndAnswerAsync(declined, declinedCode, "declined");
        var reason = cases.Canary("decline", "declined");
        await cases.ActAsync(declined, "decline", v => new { version = v, reason });

        var (abandoned, abandonedCode) = await cases.SubmitAsync("abandoned");
        await cases.AskAndAnswerAsync(abandoned, abandonedCode, "abandoned");
        await cases.ApproveWithDetailsAsync(abandoned, "abandoned");

        // Before: every canary is stored, as ciphertext the service decrypts, and that ciphertext is on disk.
        var ciphertexts = await cases.CanaryCiphertextsAsync();
        foreach (var canary in cases.Canaries)
        {
            Assert.Contains(ciphertexts.Values, plain => plain.Contains(canary, StringComparison.Ordinal));
        }

        var before = await StoredBytesAsync();
        Assert.All(ciphertexts.Keys, c => Assert.True(Contains(before, c), "ciphertext not found on disk before"));

        // 167 days on: the ended cases are purged (90 days), the abandoned one is only warned (180 − 14 days).
        app.Clock.Advance(TimeSpan.FromDays(167));
        Assert.Equal(3, await cases.RunPurgeAsync());
        Assert.False(await cases.PurgedAsync(abandoned));
        var due = await cases.PurgeDueAsync();
        Assert.Equal([abandoned], due.Keys);
        Assert.Equal(app.Clock.GetUtcNow().AddDays(14), due[abandoned]);
        Assert.Contains((PurgeStore.WarningCommand, "retention", "system"), await cases.EventsAsync(abandoned));

        app.Clock.Advance(TimeSpan.FromDays(14));
        Assert.Equal(1, await cases.RunPurgeAsync());
        foreach (var reference in new[] { closed, withdrawn, declined, abandoned })
        {
            Assert.True(await cases.PurgedAsync(reference));
            Assert.Equal((PurgeStore.PurgeCommand, "retention", "system"), (await cases.EventsAsync(reference))[^1]);
        }

        Assert.Empty(await cases.CanaryCiphertextsAsync());
        var after = await StoredBytesAsync();

        // PostgreSQL's VACUUM FULL keeps a dead row that a transaction still open in the same database could see
        // (other tests and Hangfire's workers share it): read again, vacuuming again, until no such snapshot is left,
        // for at most 30 s. SQLite's bytes do not change between reads.
        for (var read = 1; read < 60 && ciphertexts.Keys.Any(c => Contains(after, c)); read++)
        {
            await Task.Delay(500);
            after = await StoredBytesAsync();
        }

        Assert.All(cases.Canaries, c => Assert.False(Contains(after, c), $"{c} is still on disk"));
        Assert.All(ciphertexts.Keys, c => Assert.False(Contains(after, c), "a canary's ciphertext is still on disk"));
    }

    [Fact]
    public async Task Officers_are_warned_before_an_inactive_open_case_is_purged_and_any_action_puts_it_off()
    {
        var cases = new RetentionCases(app);
        await cases.SetUpAsync();
        var (open, _) = await cases.SubmitAsync("open");
        var (declined, _) = await cases.SubmitAsync("declined");
        await cases.ActAsync(declined, "decline", v => new { version = v, reason = "Outside the mandate" });

        app.Clock.Advance(TimeSpan.FromDays(89));
        await cases.RunPurgeAsync();
        Assert.False(await cases.PurgedAsync(declined)); // a declined case, never closed: 90 days after the decline
        Assert.Empty(await cases.PurgeDueAsync());
        app.Clock.Advance(TimeSpan.FromDays(2));
        await cases.RunPurgeAsync();
        Assert.True(await cases.PurgedAsync(declined));

        app.Clock.Advance(TimeSpan.FromDays(165)); // 166 days without activity: warned, not purged
        await cases.RunPurgeAsync();
        Assert.False(await cases.PurgedAsync(open));
        Assert.Equal([open], (await cases.PurgeDueAsync()).Keys);
        using (var console = await ConsoleClient.SignInAsync(app, cases.Officer.Key))
        {
            var page = await console.GetPageAsync($"/app/requests?fund={cases.Slug}");
            var due = app.Clock.GetUtcNow().AddDays(14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.Contains($"inactive: data purged on {due}", page, StringComparison.Ordinal);
        }

        await cases.RunPurgeAsync(); // a second run warns nobody twice
        Assert.Single(await cases.EventsAsync(open), e => e.Action == PurgeStore.WarningCommand);

        await cases.ActAsync(open, "acknowledge", v => new { version = v }); // an officer acts: the purge is off
        Assert.Empty(await cases.PurgeDueAsync());
        app.Clock.Advance(TimeSpan.FromDays(15));
        await cases.RunPurgeAsync();
        Assert.False(await cases.PurgedAsync(open));

        app.Clock.Advance(TimeSpan.FromDays(151)); // 166 days after the acknowledgement: warned again
        await cases.RunPurgeAsync();
        Assert.False(await cases.PurgedAsync(open));
        Assert.Equal(2, (await cases.EventsAsync(open)).Count(e => e.Action == PurgeStore.WarningCommand));
        app.Clock.Advance(TimeSpan.FromDays(14));
        await cases.RunPurgeAsync();
        Assert.True(await cases.PurgedAsync(open));
        Assert.Empty(await cases.PurgeDueAsync());
    }

    /// <summary>What the engine keeps on disk, as raw bytes, one entry per file or relation.</summary>
    protected abstract Task<IReadOnlyList<byte[]>> StoredBytesAsync();

    protected async Task<T> QueryAsync<T>(string sql)
    {
        await using var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync();
        return await connection.ExecuteScalarAsync<T>(sql) ?? throw new InvalidOperationException("no value");
    }

    protected async Task ExecuteAsync(string sql)
    {
        await using var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync();
        await connection.ExecuteAsync(sql, commandType: System.Data.CommandType.Text);
    }

    private static bool Contains(IReadOnlyList<byte[]> files, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return files.Any(f => f.AsSpan().IndexOf(needle) >= 0);
    }
}

/// <summary>SQLite: the database file, its -wal and the Hangfire storage file (with its own -wal).</summary>
public sealed class SqliteRetentionTests(SqliteApp app) : RetentionTests<SqliteApp>(app)
{
    private readonly SqliteApp _app = app;

    protected override Task<IReadOnlyList<byte[]>> StoredBytesAsync()
    {
        var database = Path.GetFullPath(new SqliteConnectionStringBuilder(_app.ConnectionString).DataSource);
        var rapid = Path.GetFullPath(
            new SqliteConnectionStringBuilder(
                _app.Services.GetRequiredService<DatabaseOptions>().RapidResponseConnectionString
            ).DataSource
        );
        var hangfire = Path.Combine(
            Path.GetDirectoryName(database)!,
            Path.GetFileNameWithoutExtension(database) + ".hangfire.db"
        );
        Assert.True(File.Exists(hangfire), "the Hangfire storage file exists");
        Assert.True(File.Exists(rapid), "the rapid-response file exists");
        var files = new[]
        {
            database,
            database + "-wal",
            rapid,
            rapid + "-wal",
            hangfire,
            hangfire + "-wal",
            hangfire + "-journal",
        };
        return Task.FromResult<IReadOnlyList<byte[]>>(files.Where(File.Exists).Select(ReadShared).ToList());
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>
/// PostgreSQL: after VACUUM FULL and a CHECKPOINT, the raw pages of every table that holds protected values (and their
/// TOAST tables) read with pg_read_binary_file, which needs a superuser (the private test cluster's user is one); with
/// a server whose role is not, the tables' text as SELECT reads it. The Hangfire schema's job table is read either way.
/// </summary>
public sealed class PostgresRetentionTests(PostgresApp app) : RetentionTests<PostgresApp>(app)
{
    private static readonly string[] Tables = RetentionCases
        .ProtectedColumns.Select(c => c.Table)
        .Distinct()
        .Append("request_events")
        .ToArray();

    protected override async Task<IReadOnlyList<byte[]>> StoredBytesAsync()
    {
        foreach (var table in Tables)
        {
            await ExecuteAsync($"VACUUM FULL {table}");
        }

        var files = new List<byte[]>
        {
            Encoding.UTF8.GetBytes(
                await QueryAsync<string>("SELECT COALESCE(string_agg(j::text, '|'), '') FROM hangfire.job j")
            ),
        };
        if (!await QueryAsync<bool>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
        {
            foreach (var table in Tables)
            {
                var text = await QueryAsync<string>($"SELECT COALESCE(string_agg(t::text, '|'), '') FROM {table} t");
                files.Add(Encoding.UTF8.GetBytes(text));
            }

            return files;
        }

        await ExecuteAsync("CHECKPOINT");
        foreach (var table in Tables)
        {
            files.Add(await QueryAsync<byte[]>($"SELECT pg_read_binary_file(pg_relation_filepath('{table}'))"));
            files.Add(
                await QueryAsync<byte[]>(
                    $"""
                    SELECT COALESCE(pg_read_binary_file(pg_relation_filepath(NULLIF(reltoastrelid, 0::oid))), ''::bytea)
                    FROM pg_class WHERE oid = '{table}'::regclass
                    """
                )
            );
        }

        return files;
    }
}
