namespace FundAudit.Api.Infrastructure.Data.Backup;

/// <summary>
/// Operator commands, run instead of the web server (like <c>keyring</c>): <c>backup</c> writes an encrypted backup
/// into a new folder of <c>Backup:Folder</c> (or <c>--folder</c>), writes the case-key file again and deletes backups
/// older than <c>Backup:HorizonDays</c>; <c>restore &lt;backup&gt; &lt;target&gt;</c> brings one back into an empty
/// folder (SQLite) or an empty database (PostgreSQL: a connection string), with the keys of the cases not shredded
/// since. Output to standard output; problems to standard error with a non-zero exit code.
/// </summary>
internal static class BackupCommand
{
    /// <summary>The format of a backup folder's name: its UTC instant.</summary>
    public const string StampFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static async Task<int> RunAsync(
        IServiceProvider services,
        string[] args,
        TextWriter stdout,
        TextWriter stderr
    )
    {
        var options = services.GetRequiredService<BackupOptions>();
        try
        {
            if (args[0] == "backup" && (Option(args, "--folder") ?? options.Folder) is { Length: > 0 } folder)
            {
                return await BackupAsync(services, folder, options.HorizonDays, stdout);
            }

            if (args[0] == "restore" && args.Length >= 3)
            {
                var keys = Option(args, "--keys")
                    ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(args[1]))!, BackupKeyFile.FileName);
                return await RestoreAsync(services, args[1], args[2], keys, stdout);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync(ex.Message);
            return 1;
        }

        await stderr.WriteLineAsync(
            """
            Usage:
              backup [--folder F]                 an encrypted backup into a new folder of F (default Backup:Folder),
                                                  the case-key file F/case-keys.cms written again, old backups deleted
              restore BACKUP TARGET [--keys K]    BACKUP (a backup's folder) into TARGET: an empty or new folder
                                                  (SQLite) or an empty database's connection string (PostgreSQL);
                                                  case keys from K (default: case-keys.cms beside BACKUP)
            """
        );
        return 2;
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static async Task<int> BackupAsync(
        IServiceProvider services,
        string folder,
        int horizonDays,
        TextWriter stdout
    )
    {
        var clock = services.GetRequiredService<TimeProvider>();
        var backup = services.GetRequiredService<DatabaseBackup>();
        var cipher = services.GetRequiredService<BackupCipher>();
        var now = clock.GetUtcNow();
        var target = Path.Combine(folder, now.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture));
        Directory.CreateDirectory(target);
        var files = await backup.WriteAsync(target, CancellationToken.None);
        var provider = backup.Provider == DatabaseProvider.Postgres ? "postgres" : "sqlite";
        await new BackupManifest(provider, now, files).WriteAsync(cipher, target, CancellationToken.None);
        var keys = await services.GetRequiredService<BackupKeyFile>().WriteAsync(folder, CancellationToken.None);
        var pruned = Prune(folder, now.AddDays(-horizonDays));
        await stdout.WriteLineAsync(
            $"Backup {target}: {files.Count} files, {files.Sum(f => f.Bytes)} bytes before encryption; "
                + $"{keys} case keys in {BackupKeyFile.FileName}; "
                + $"{pruned} backups older than {horizonDays} days deleted."
        );
        return 0;
    }

    /// <summary>Deletes the backup folders (named by their instant) older than <paramref name="before"/>.</summary>
    public static int Prune(string folder, DateTimeOffset before)
    {
        var pruned = 0;
        foreach (var directory in Directory.EnumerateDirectories(folder))
        {
            if (
                DateTime.TryParseExact(
                    Path.GetFileName(directory),
                    StampFormat,
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
                    out var stamp
                )
                && new DateTimeOffset(stamp, TimeSpan.Zero) < before
            )
            {
                Directory.Delete(directory, recursive: true);
                pruned++;
            }
        }

        return pruned;
    }

    private static async Task<int> RestoreAsync(
        IServiceProvider services,
        string backup,
        string target,
        string keyFile,
        TextWriter stdout
    )
    {
        var cipher = services.GetRequiredService<BackupCipher>();
        var manifest = await BackupManifest.ReadAsync(cipher, backup, CancellationToken.None);
        var keys = File.Exists(keyFile)
            ? await BackupKeyFile.ReadAsync(cipher, keyFile, CancellationToken.None)
            : throw new InvalidOperationException(
                $"No case-key file at {keyFile}: without it no case's sensitive fields can be read."
            );
        var restored = await services
            .GetRequiredService<DatabaseBackup>()
            .RestoreAsync(manifest, backup, target, keys, CancellationToken.None);
        await stdout.WriteLineAsync(
            $"Restored the {manifest.Provider} backup of {manifest.CreatedAt:O} ({manifest.Files.Count} files) with "
                + $"{restored} case keys; cases without one (shredded since) stay unreadable."
        );
        return 0;
    }
}

/// <summary>Registration of the backup services.</summary>
internal static class BackupServiceCollectionExtensions
{
    public static IServiceCollection AddFundAuditBackups(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.Bound<BackupOptions>(BackupOptions.Section));
        services.AddSingleton<BackupCipher>();
        services.AddSingleton<BackupKeyFile>();
        services.AddSingleton<IBackupKeyFile>(sp => sp.GetRequiredService<BackupKeyFile>());
        services.AddSingleton<DatabaseBackup>();
        return services;
    }
}
