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
/// Uploads kept in the database (grant_import_uploads): chunked, read back as a seekable stream, isolated per funder,
/// and readable by another instance, whose own upload folder is empty.
/// </summary>
public abstract class ImportUploadStoreTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    [Fact]
    public async Task An_upload_is_stored_in_chunks_read_back_exactly_from_any_position_and_only_by_its_funder()
    {
        var owner = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        var store = Store(chunkBytes: 4096);
        var content = new byte[50_000];
        new Random(17).NextBytes(content);

        var saved = await store.SaveAsync(owner.FunderId, new MemoryStream(content), default);
        Assert.NotNull(saved);
        Assert.Equal(content.Length, saved.Bytes);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), saved.Sha256);
        var import = Row(owner.FunderId, saved);

        await using (var read = store.OpenRead(import))
        {
            var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(content, copy.ToArray());
            read.Position = 12_345; // across a chunk boundary, read synchronously
            var middle = new byte[9000];
            read.ReadExactly(middle);
            Assert.Equal(content.AsSpan(12_345, 9000).ToArray(), middle);
            Assert.Equal(0, read.Read(new byte[10], 0, 0));
        }

        // Another funder naming the same stored upload finds nothing.
        var foreign = Row(other.FunderId, saved);
        Assert.False(await store.ExistsAsync(foreign, default));
        Assert.Throws<FileNotFoundException>(() => store.OpenRead(foreign).ReadByte());
        await store.DeleteAsync(foreign, default);
        Assert.True(await store.ExistsAsync(import, default));

        await store.DeleteAsync(import, default);
        Assert.False(await store.ExistsAsync(import, default));
    }

    [Fact]
    public async Task An_empty_upload_is_stored_and_one_over_the_limit_keeps_nothing()
    {
        var owner = await app.CreateTenantAsync();
        var store = Store(chunkBytes: 4096, maxFileBytes: 10_000);

        var empty = await store.SaveAsync(owner.FunderId, new MemoryStream(), default);
        Assert.NotNull(empty);
        Assert.True(await store.ExistsAsync(Row(owner.FunderId, empty), default));
        Assert.Equal(-1, store.OpenRead(Row(owner.FunderId, empty)).ReadByte());

        Assert.Null(await store.SaveAsync(owner.FunderId, new MemoryStream(new byte[10_001]), default));
        Assert.Equal(1, await CountChunksAsync(owner.FunderId)); // only the empty upload's chunk
    }

    [Fact]
    public async Task A_file_uploaded_to_one_instance_is_imported_by_another_that_never_saw_it()
    {
        var tenant = await app.CreateTenantAsync();
        var rows = Enumerable.Range(1, 300).Select(i => $"U-{i},Title {i},Description {i},GBP,{i},2024-01-01");
        var csv = CsvTestFiles.Header360 + "\n" + string.Join("\n", rows) + "\n";
        await using var receiving = Instance("4096");
        await using var working = Instance(null);
        using var client = receiving.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.Key);

        var queued = await HttpAssert.OkJsonAsync(
            await client.PostAsync("/api/grants/imports", new StringContent(csv, Encoding.UTF8, "text/csv")),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        Assert.True(await CountChunksAsync(tenant.FunderId) > 3, "a file of several chunks");

        await working.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        var done = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal(300, done.GetProperty("result").GetProperty("created").GetInt32());
        Assert.Equal(300, await tenant.Client.CountGrantsAsync());
        Assert.Equal(0, await CountChunksAsync(tenant.FunderId)); // deleted once the import succeeded
    }

    /// <summary>Another instance on the same database: its own upload folder, the database store.</summary>
    private ContractCheckedFactory Instance(string? chunkBytes) =>
        app.WithWebHostBuilder(b =>
        {
            b.UseSetting("Imports:UploadStore", "database");
            b.UseSetting(
                "Imports:Folder",
                Path.Combine(Path.GetTempPath(), "fundaudit-tests", Guid.NewGuid().ToString("N"))
            );
            if (chunkBytes is not null)
            {
                b.UseSetting("Imports:UploadChunkBytes", chunkBytes);
            }
        });

    private DatabaseUploadStore Store(int chunkBytes, long maxFileBytes = 1 << 30) =>
        new(
            app.Services.GetRequiredService<Db>(),
            new GrantImportOptions { UploadChunkBytes = chunkBytes, MaxFileBytes = maxFileBytes },
            app.Clock
        );

    private static GrantImportRow Row(long funderId, SavedUpload saved) =>
        new()
        {
            Id = 1,
            FunderId = funderId,
            StoredName = saved.StoredName,
            FileBytes = saved.Bytes,
        };

    private async Task<long> CountChunksAsync(long funderId) =>
        await app
            .Services.GetRequiredService<Db>()
            .ExecuteScalarAsync<long>(
                new Dapper.CommandDefinition(
                    "SELECT count(*) FROM grant_import_uploads WHERE funder_id = @FunderId",
                    new { FunderId = funderId }
                )
            );
}

public sealed class SqliteImportUploadStoreTests(SqliteApp app) : ImportUploadStoreTests<SqliteApp>(app);

public sealed class PostgresImportUploadStoreTests(PostgresApp app) : ImportUploadStoreTests<PostgresApp>(app);
