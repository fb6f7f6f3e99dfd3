using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.GrantIngest;

/// <summary>
/// PostgreSQL's writes of an upload kept in the database: each chunk is compressed with lz4 and commits without
/// waiting for the log flush, the import row that completes the upload commits synchronously, and by the time the
/// client has its 202 the log is flushed past every chunk. Triggers on the real tables record the setting each row was written under, in an
/// instance started after the database's default was set to the server's own (on).
/// </summary>
public sealed class PostgresUploadCommitTests(PostgresApp app) : IClassFixture<PostgresApp>
{
    // The tests' cluster runs with synchronous_commit off for speed: this database is set back to the server default
    // (on) for the connections of the instance the test starts, so what the service itself sets shows.
    private const string Record = """
        DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = on', current_database()); END $$;
        CREATE TABLE commit_modes (tbl text NOT NULL, mode text NOT NULL, lsn pg_lsn NOT NULL);
        CREATE FUNCTION record_commit_mode() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO commit_modes VALUES (TG_TABLE_NAME, current_setting('synchronous_commit'),
                                           pg_current_wal_insert_lsn());
          RETURN NULL;
        END $$;
        CREATE TRIGGER record_chunk AFTER INSERT ON grant_import_uploads
          FOR EACH ROW WHEN (NEW.funder_id = @FunderId) EXECUTE FUNCTION record_commit_mode();
        CREATE TRIGGER record_import AFTER INSERT ON grant_imports
          FOR EACH ROW WHEN (NEW.funder_id = @FunderId) EXECUTE FUNCTION record_commit_mode();
        """;

    private const string Forget = """
        DROP TRIGGER IF EXISTS record_chunk ON grant_import_uploads;
        DROP TRIGGER IF EXISTS record_import ON grant_imports;
        DROP FUNCTION IF EXISTS record_commit_mode();
        DROP TABLE IF EXISTS commit_modes;
        DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET synchronous_commit', current_database()); END $$;
        """;

    [Fact]
    public async Task Chunks_commit_without_waiting_for_the_flush_and_the_import_row_that_completes_them_waits()
    {
        var tenant = await app.CreateTenantAsync();
        var db = app.Services.GetRequiredService<Db>();
        await db.ExecuteAsync(
            Record.Replace("@FunderId", tenant.FunderId.ToString(CultureInfo.InvariantCulture)),
            null,
            default
        );
        try
        {
            await using var instance = app.WithWebHostBuilder(b =>
            {
                b.UseSetting("Imports:UploadStore", "database");
                b.UseSetting("Imports:UploadChunkBytes", "4096");
            });
            using var client = instance.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.Key);
            var rows = Enumerable.Range(1, 300).Select(i => $"S-{i},Title {i},Description {i},GBP,{i},2024-01-01");
            var csv = CsvTestFiles.Header360 + "\n" + string.Join("\n", rows) + "\n";

            var response = await client.PostAsync(
                "/api/grants/imports",
                new StringContent(csv, Encoding.UTF8, "text/csv")
            );
            await HttpAssert.OkJsonAsync(response, HttpStatusCode.Accepted);
            var flushed = await db.ExecuteScalarAsync<string>("SELECT pg_current_wal_flush_lsn()::text", null, default);

            var modes = await db.QueryListAsync<(string Table, string Mode)>(
                "SELECT tbl, mode FROM commit_modes ORDER BY lsn",
                null,
                default
            );
            var chunks = modes.Where(m => m.Table == "grant_import_uploads").ToList();
            Assert.True(chunks.Count > 3, $"a file of several chunks, not {chunks.Count}");
            Assert.All(chunks, c => Assert.Equal("off", c.Mode));
            Assert.Equal(("grant_imports", "on"), modes[^1]);
            var unflushedChunks = await db.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM commit_modes WHERE tbl = 'grant_import_uploads' AND lsn > @Flushed::pg_lsn",
                new { Flushed = flushed },
                default
            );
            Assert.Equal(0, unflushedChunks); // the 202 came after the log was flushed past every chunk
        }
        finally
        {
            await db.ExecuteAsync(Forget, null, default);
        }
    }

    [Fact]
    public async Task Chunks_are_compressed_with_lz4_and_read_back_exactly()
    {
        var tenant = await app.CreateTenantAsync();
        var db = app.Services.GetRequiredService<Db>();
        var store = new DatabaseUploadStore(db, new GrantImportOptions { UploadChunkBytes = 4096 }, app.Clock);
        var rows = Enumerable.Range(1, 500).Select(i => $"Z-{i},Title {i},Description {i},GBP,{i},2024-01-01");
        var content = Encoding.UTF8.GetBytes(CsvTestFiles.Header360 + "\n" + string.Join("\n", rows) + "\n");

        var saved = await store.SaveAsync(tenant.FunderId, new MemoryStream(content), default);

        var methods = await db.QueryListAsync<string?>(
            "SELECT DISTINCT pg_column_compression(bytes) FROM grant_import_uploads "
                + "WHERE funder_id = @FunderId AND stored_name = @StoredName AND length(bytes) = 4096",
            new { tenant.FunderId, saved!.StoredName },
            default
        );
        Assert.Equal("lz4", Assert.Single(methods));
        var import = new GrantImportRow
        {
            Id = 1,
            FunderId = tenant.FunderId,
            StoredName = saved.StoredName,
            FileBytes = saved.Bytes,
        };
        await using var read = store.OpenRead(import);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
    }
}
