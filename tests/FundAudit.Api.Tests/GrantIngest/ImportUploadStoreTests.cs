using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

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

    [Fact]
    public async Task The_hourly_sweep_deletes_old_uploads_no_import_needs_and_keeps_queued_and_recent_ones()
    {
        var tenant = await app.CreateTenantAsync();
        await using var instance = Instance("4096");
        var db = app.Services.GetRequiredService<Db>();
        var options = new GrantImportOptions { UploadChunkBytes = 4096 };

        // Left by a process killed between the upload and its import row.
        var orphan = await Store(chunkBytes: 4096)
            .SaveAsync(tenant.FunderId, new MemoryStream(new byte[10_000]), default);
        // Queued, never run: its import still needs it, however old.
        using var client = instance.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.Key);
        var csv = CsvTestFiles.Header360 + "\nQ-1,Title,Description,GBP,10,2024-01-01\n";
        var queued = await HttpAssert.OkJsonAsync(
            await client.PostAsync("/api/grants/imports", new StringContent(csv, Encoding.UTF8, "text/csv")),
            HttpStatusCode.Accepted
        );
        var queuedRow = await instance
            .Services.GetRequiredService<GrantImportStore>()
            .FindAsync(tenant.FunderId, queued.GetProperty("id").GetInt64(), default);
        // Stored 72 hours later: an hour before the sweep, so not yet a leftover.
        var later = app.Clock.GetUtcNow().AddHours(72);
        var recent = await new DatabaseUploadStore(db, options, new FakeTimeProvider(later)).SaveAsync(
            tenant.FunderId,
            new MemoryStream(new byte[100]),
            default
        );

        var sweep = new LeftoverUploadCleanupJob(
            instance.Services.GetRequiredService<IImportUploadStore>(),
            instance.Services.GetRequiredService<GrantImportStore>(),
            options,
            new FakeTimeProvider(later.AddHours(1)),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<LeftoverUploadCleanupJob>.Instance
        );
        Assert.True(await sweep.RunAsync(CancellationToken.None) >= 1);

        Assert.False(await ExistsAsync(tenant.FunderId, orphan!));
        Assert.True(await instance.Services.GetRequiredService<IImportUploadStore>().ExistsAsync(queuedRow!, default));
        Assert.True(await ExistsAsync(tenant.FunderId, recent!));
    }

    private Task<bool> ExistsAsync(long funderId, SavedUpload saved) =>
        Store(chunkBytes: 4096).ExistsAsync(Row(funderId, saved), default);

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

/// <summary>The folder store's side of the leftover sweep: old files no import needs go, the rest stay.</summary>
public sealed class FolderLeftoverUploadTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fundaudit-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Old_files_no_import_needs_are_deleted_and_needed_or_recent_ones_kept()
    {
        var store = new FolderUploadStore(new ImportFiles(new GrantImportOptions { Folder = _folder }));
        var now = DateTimeOffset.UtcNow;
        async Task<string> SaveAsync(TimeSpan age)
        {
            var saved = await store.SaveAsync(1, new MemoryStream([1, 2, 3]), default);
            File.SetLastWriteTimeUtc(Path.Combine(_folder, saved!.StoredName), (now - age).UtcDateTime);
            return saved.StoredName;
        }

        var leftover = await SaveAsync(TimeSpan.FromHours(80));
        var needed = await SaveAsync(TimeSpan.FromHours(80));
        var recent = await SaveAsync(TimeSpan.FromHours(1));

        var deleted = await store.DeleteLeftoversAsync(now.AddHours(-72), new HashSet<string> { needed }, default);

        Assert.Equal(1, deleted);
        Assert.False(File.Exists(Path.Combine(_folder, leftover)));
        Assert.True(File.Exists(Path.Combine(_folder, needed)));
        Assert.True(File.Exists(Path.Combine(_folder, recent)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
