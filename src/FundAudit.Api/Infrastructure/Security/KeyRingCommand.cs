using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace FundAudit.Api.Infrastructure.Security;

/// <summary>
/// Operator commands on the Data Protection key ring, run instead of the web server (like <c>funders</c>):
/// <c>keyring status</c>, <c>keyring reencrypt</c>, <c>keyring rotate</c>, <c>keyring reprotect</c>,
/// <c>keyring revoke-old</c>. Output to standard output; problems to standard error with a non-zero exit code.
/// </summary>
internal static class KeyRingCommand
{
    public static async Task<int> RunAsync(
        IServiceProvider services,
        string[] args,
        TextWriter stdout,
        TextWriter stderr
    )
    {
        var verb = args.Length == 2 ? args[1] : null;
        if (verb is not ("status" or "reencrypt" or "rotate" or "reprotect" or "revoke-old"))
        {
            await stderr.WriteLineAsync(
                """
                Usage:
                  keyring status       the keys, which one is current, how many values are not under it
                  keyring reencrypt    encrypt keys stored in clear with DataProtection:CertificatePath
                  keyring rotate       a new current key, then every protected value re-protected under it
                  keyring reprotect    every protected value not under the current key re-protected under it
                  keyring revoke-old   revoke every key but the current one (refused while a value needs one)
                """
            );
            return 2;
        }

        var maintenance = services.GetRequiredService<KeyRingMaintenance>();
        try
        {
            DataProtectionStartupCheck.Check(
                services.GetRequiredService<DataProtectionSettings>(),
                services.GetRequiredService<IHostEnvironment>(),
                maintenance,
                allowUnencryptedKeys: verb == "reencrypt"
            );
        }
        catch (InvalidOperationException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return 1;
        }

        return await RunVerbAsync(services, verb, stdout, stderr);
    }

    private static async Task<int> RunVerbAsync(
        IServiceProvider services,
        string verb,
        TextWriter stdout,
        TextWriter stderr
    )
    {
        var rotation = services.GetRequiredService<KeyRotation>();
        var ct = CancellationToken.None;
        switch (verb)
        {
            case "reencrypt":
                var done = await services.GetRequiredService<KeyRingMaintenance>().ReencryptAsync(ct);
                await stdout.WriteLineAsync(
                    done.Count == 0
                        ? "Every key is already encrypted."
                        : $"Encrypted {done.Count} key(s) with the certificate: {string.Join(", ", done)}."
                );
                return 0;
            case "rotate":
                var key = await rotation.CreateKeyAsync(ct);
                await stdout.WriteLineAsync($"Created key {key.KeyId:D}, current from now on.");
                await WriteReportAsync(stdout, await rotation.ReprotectAsync(ct));
                return 0;
            case "reprotect":
                await WriteReportAsync(stdout, await rotation.ReprotectAsync(ct));
                return 0;
            case "revoke-old":
                var revoked = await rotation.RevokeOlderKeysAsync("keyring revoke-old", ct);
                if (revoked is null)
                {
                    await stderr.WriteLineAsync(
                        "Some stored values are still under an older key: run `keyring reprotect` first."
                    );
                    return 1;
                }

                await stdout.WriteLineAsync($"Revoked {revoked.Count} key(s): {string.Join(", ", revoked)}.");
                return 0;
            default:
                return await StatusAsync(services, rotation, stdout, ct);
        }
    }

    private static async Task<int> StatusAsync(
        IServiceProvider services,
        KeyRotation rotation,
        TextWriter stdout,
        CancellationToken ct
    )
    {
        var current = rotation.CurrentKeyId();
        var clear = services.GetRequiredService<KeyRingMaintenance>().UnencryptedKeyIds();
        foreach (var key in services.GetRequiredService<IKeyManager>().GetAllKeys().OrderBy(k => k.CreationDate))
        {
            await stdout.WriteLineAsync(
                $"{key.KeyId:D} created {key.CreationDate:u} expires {key.ExpirationDate:u}"
                    + (key.KeyId == current ? " current" : "")
                    + (key.IsRevoked ? " revoked" : "")
                    + (clear.Contains(key.KeyId.ToString("D")) ? " NOT ENCRYPTED" : "")
            );
        }

        var report = await rotation.CheckAsync(ct);
        await stdout.WriteLineAsync($"{report.Scanned} protected values, {report.Skipped} not under the current key.");
        return 0;
    }

    private static Task WriteReportAsync(TextWriter stdout, ReprotectReport report) =>
        stdout.WriteLineAsync(
            $"Scanned {report.Scanned} protected values; re-protected {report.Reprotected} under the current key"
                + (report.Skipped > 0 ? $"; {report.Skipped} changed meanwhile (run reprotect again)." : ".")
        );
}
