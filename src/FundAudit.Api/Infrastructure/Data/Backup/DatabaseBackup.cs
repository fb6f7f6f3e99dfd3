using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FundAudit.Api.Infrastructure.Data.Backup;

/// <summary>
/// Writes and restores the database's files for a backup, per engine. SQLite: each file (main, rapid-response,
/// Hangfire's) copied with <c>VACUUM INTO</c> into a working folder beside the database, the copy's case keys deleted
/// and the copy vacuumed again, then encrypted; the working folder is deleted. PostgreSQL: <c>pg_dump</c> (custom
/// format, the <c>case_keys</c> rows left out) streamed straight into the encryption.
/// </summary>
internal sealed class DatabaseBackup(
    DatabaseOptions database,
    BackupCipher cipher,
    BackupOptions options,
    TimeProvider clock
)
{
    private const string InsertKey = """
        INSERT INTO case_keys (request_id, funder_id, reference, key_protected, created_at)
        SELECT @RequestId, @FunderId, @Reference, @KeyProtected, @CreatedAt
        WHERE EXISTS (SELECT 1 FROM emergency_requests
                      WHERE id = @RequestId AND reference = @Reference AND shredded_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM case_keys WHERE request_id = @RequestId)
        """;

    /// <summary>
    /// After the keys: a case whose fields are under a case key that is in no key file any more was shredded (or
    /// purged) after the backup; the restored copy says so and its case code stops working, as in the live database.
    /// </summary>
    private const string MarkKeyless = """
        UPDATE emergency_requests SET shredded_at = @Now, case_code_hash = NULL
        WHERE shredded_at IS NULL AND alias_protected LIKE 'c1.%'
          AND NOT EXISTS (SELECT 1 FROM case_keys k WHERE k.request_id = emergency_requests.id)
        """;

    public DatabaseProvider Provider => DataServiceCollectionExtensions.ParseProvider(database.Provider);

    /// <summary>Writes the engine's files, encrypted, into <paramref name="folder"/>.</summary>
    public Task<IReadOnlyList<BackupFile>> WriteAsync(string folder, CancellationToken ct) =>
        Provider switch
        {
            DatabaseProvider.Sqlite => WriteSqliteAsync(folder, ct),
            DatabaseProvider.Postgres => WritePostgresAsync(folder, ct),
            _ => throw new InvalidOperationException(
                "The backup command covers SQLite and PostgreSQL; on SQL Server use BACKUP DATABASE … WITH ENCRYPTION."
            ),
        };

    private async Task<IReadOnlyList<BackupFile>> WriteSqliteAsync(string folder, CancellationToken ct)
    {
        var main = Path.GetFullPath(new SqliteConnectionStringBuilder(database.ConnectionString).DataSource);
        var rapid = Path.GetFullPath(
            new SqliteConnectionStringBuilder(database.RapidResponseConnectionString).DataSource
        );
        var hangfire = Path.Combine(
            Path.GetDirectoryName(main)!,
            Path.GetFileNameWithoutExtension(main) + ".hangfire.db"
        );
        var work = Path.Combine(Path.GetDirectoryName(main)!, "backup-work-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            // Main, rapid-response (its case keys left out), then Hangfire's file if there is one: restore reads the
            // case keys into the second.
            var files = new List<BackupFile>
            {
                await CopySqliteAsync(main, work, folder, stripKeys: false, ct),
                await CopySqliteAsync(rapid, work, folder, stripKeys: true, ct),
            };
            if (File.Exists(hangfire))
            {
                files.Add(await CopySqliteAsync(hangfire, work, folder, stripKeys: false, ct));
            }

            return files;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>One SQLite file: VACUUM INTO the working folder, case keys out, encrypted into the backup.</summary>
    private async Task<BackupFile> CopySqliteAsync(
        string source,
        string work,
        string folder,
        bool stripKeys,
        CancellationToken ct
    )
    {
        var name = Path.GetFileName(source);
        var copy = Path.Combine(work, name);
        await using (var connection = Open(source))
        {
            await connection.OpenAsync(ct);
            await connection.ExecuteAsync(
                new CommandDefinition(
                    $"PRAGMA busy_timeout = {database.BusyTimeoutMs}; VACUUM INTO @Copy",
                    new { Copy = copy },
                    cancellationToken: ct
                )
            );
        }

        if (stripKeys)
        {
            await using var stripped = Open(copy);
            await stripped.OpenAsync(ct);
            await stripped.ExecuteAsync(
                new CommandDefinition(
                    "PRAGMA secure_delete = ON; DELETE FROM case_keys; VACUUM;",
                    cancellationToken: ct
                )
            );
        }

        await using var plain = File.OpenRead(copy);
        return await BackupManifest.EncryptFileAsync(
            cipher,
            name,
            plain,
            Path.Combine(folder, BackupManifest.EncryptedName(name)),
            ct
        );
    }

    private async Task<IReadOnlyList<BackupFile>> WritePostgresAsync(string folder, CancellationToken ct)
    {
        const string name = "postgres.dump";
        using var process = Start(
            options.PgDump,
            ["--format=custom", "--no-owner", "--exclude-table-data=case_keys"],
            database.ConnectionString!
        );
        var errors = process.StandardError.ReadToEndAsync(ct);
        var file = await BackupManifest.EncryptFileAsync(
            cipher,
            name,
            process.StandardOutput.BaseStream,
            Path.Combine(folder, BackupManifest.EncryptedName(name)),
            ct
        );
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_dump failed ({process.ExitCode}): {await errors}");
        }

        return [file];
    }

    /// <summary>
    /// Restores a SQLite backup into <paramref name="target"/> (an empty or new folder), or a PostgreSQL one into the
    /// empty database <paramref name="target"/> names (a connection string), then adds the case keys of
    /// <paramref name="keys"/> for the cases it holds that were not shredded since.
    /// </summary>
    public async Task<int> RestoreAsync(
        BackupManifest manifest,
        string backup,
        string target,
        IReadOnlyList<CaseKeyRow> keys,
        CancellationToken ct
    )
    {
        if (manifest.Provider == "postgres")
        {
            return await RestorePostgresAsync(manifest.Files.Single(), backup, target, keys, ct);
        }

        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new InvalidOperationException($"{target} is not empty: restore into an empty or new folder.");
        }

        Directory.CreateDirectory(target);
        foreach (var file in manifest.Files)
        {
            var source = Path.Combine(backup, BackupManifest.EncryptedName(file.Name));
            await BackupManifest.DecryptFileAsync(cipher, file, source, Path.Combine(target, file.Name), ct);
        }

        var rapid = manifest.Files[1].Name;
        await using var connection = Open(Path.Combine(target, rapid));
        await connection.OpenAsync(ct);
        var restored = await InsertKeysAsync(connection, keys, ct);
        SqliteConnection.ClearPool(connection);
        return restored;
    }

    private async Task<int> RestorePostgresAsync(
        BackupFile file,
        string backup,
        string target,
        IReadOnlyList<CaseKeyRow> keys,
        CancellationToken ct
    )
    {
        var dump = Path.Combine(Path.GetTempPath(), "fundaudit-restore-" + Guid.NewGuid().ToString("N")[..8] + ".dump");
        try
        {
            var source = Path.Combine(backup, BackupManifest.EncryptedName(file.Name));
            await BackupManifest.DecryptFileAsync(cipher, file, source, dump, ct);
            using var process = Start(options.PgRestore, ["--no-owner", "--exit-on-error", dump], target, dbArg: true);
            var errors = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"pg_restore failed ({process.ExitCode}): {await errors}");
            }
        }
        finally
        {
            File.Delete(dump);
        }

        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync(ct);
        return await InsertKeysAsync(connection, keys, ct);
    }

    private async Task<int> InsertKeysAsync(
        System.Data.Common.DbConnection connection,
        IReadOnlyList<CaseKeyRow> keys,
        CancellationToken ct
    )
    {
        var restored = 0;
        foreach (var key in keys)
        {
            restored += await connection.ExecuteAsync(new CommandDefinition(InsertKey, key, cancellationToken: ct));
        }

        var now = new { Now = clock.GetUtcNow() };
        await connection.ExecuteAsync(new CommandDefinition(MarkKeyless, now, cancellationToken: ct));
        return restored;
    }

    /// <summary>A connection of its own to a SQLite file (no pool: the file is copied or restored next), waiting for a
    /// writer as the service does.</summary>
    private SqliteConnection Open(string path) =>
        new(
            new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Pooling = false,
                DefaultTimeout = Math.Max(1, database.BusyTimeoutMs / 1000),
            }.ToString()
        );

    /// <summary>A PostgreSQL client program, connected by environment variables (never the password on the command
    /// line).</summary>
    private static Process Start(string program, string[] args, string connectionString, bool dbArg = false)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (dbArg)
        {
            start.ArgumentList.Add("--dbname=" + builder.Database);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PGHOST"] = builder.Host;
        start.Environment["PGPORT"] = builder.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGDATABASE"] = builder.Database;
        start.Environment["PGUSER"] = builder.Username;
        start.Environment["PGPASSWORD"] = builder.Password ?? "";
        return Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
    }
}
