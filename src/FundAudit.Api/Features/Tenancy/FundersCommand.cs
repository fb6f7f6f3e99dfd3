using FundAudit.Api.Features.People;

namespace FundAudit.Api.Features.Tenancy;

/// <summary>
/// Operator commands, run instead of the web server:
/// <c>funders create "Name" &lt;email&gt;</c>, <c>funders keys create &lt;funder&gt; &lt;role&gt;</c>,
/// <c>funders keys revoke &lt;key-id&gt;</c>.
/// A created funder's first admin is a person: the one-time invitation link is printed alone on the last line of
/// standard output, as a created key is; errors go to standard error.
/// </summary>
internal static class FundersCommand
{
    public static async Task<int> RunAsync(
        IServiceProvider services,
        string[] args,
        TextWriter stdout,
        TextWriter stderr
    )
    {
        var store = services.GetRequiredService<TenancyStore>();
        var issuer = services.GetRequiredService<ApiKeyIssuer>();
        var clock = services.GetRequiredService<TimeProvider>();
        var ct = CancellationToken.None;
        switch (args.Skip(1).ToArray())
        {
            case ["create", var name, var email] when !string.IsNullOrWhiteSpace(name) && IsEmail(email):
            {
                var funder = await store.CreateFunderAsync(name.Trim(), clock.GetUtcNow(), ct);
                var invitations = services.GetRequiredService<Invitations>();
                var by = new Inviter(funder.Id, "cli", null);
                var issued = await invitations.InviteAsync(by, email, "First admin", [Roles.Admin], ct);
                var hours = services.GetRequiredService<PeopleOptions>().InvitationHours;
                await stdout.WriteLineAsync(
                    $"Created funder {funder.Id} \"{funder.Name}\" and invited its first admin. Open the link below "
                        + $"within {hours} hours to set a password and a second factor: it is shown once."
                );
                await stdout.WriteLineAsync(invitations.Link(null, issued!.Token));
                return 0;
            }

            case ["keys", "create", var funderRef, var role]:
                return await CreateKeyAsync(new(store, issuer, clock, stdout, stderr), funderRef, role, null, ct);

            case ["keys", "create", var funderRef, var role, var owner]:
                return await CreateKeyAsync(new(store, issuer, clock, stdout, stderr), funderRef, role, owner, ct);

            case ["keys", "revoke", var keyId]:
                if (await store.RevokeKeyAsync(keyId, clock.GetUtcNow(), ct))
                {
                    await stdout.WriteLineAsync($"Revoked key {keyId}.");
                    return 0;
                }

                await stderr.WriteLineAsync($"No active key {keyId}.");
                return 1;

            default:
                await stderr.WriteLineAsync(
                    """
                    Usage:
                      funders create "<name>" <email>          create a funder and invite its first admin (a link)
                      funders keys create <funder> <role> [<owner-person-id>]
                          another key (funder id or exact name; role admin|analyst|officer|finance), owned by
                          the person given (who must hold the role) or else by a new invited key holder
                      funders keys revoke <key-id>             revoke a key
                    """
                );
                return 2;
        }
    }

    /// <summary>An address with one @ between a name and a domain, no spaces.</summary>
    private static bool IsEmail(string email) =>
        email.Trim() is { Length: > 2 and <= 320 } e
        && e.IndexOf('@', StringComparison.Ordinal) is var at and > 0
        && at < e.Length - 1
        && e.LastIndexOf('@') == at
        && !e.Any(char.IsWhiteSpace);

    private sealed record Tools(
        TenancyStore Store,
        ApiKeyIssuer Issuer,
        TimeProvider Clock,
        TextWriter Stdout,
        TextWriter Stderr
    );

    /// <summary>
    /// funders keys create: another key of a role for a funder named by id or exact name, owned by the person named
    /// (who must hold the role), else by a new invited person holding that role alone.
    /// </summary>
    private static async Task<int> CreateKeyAsync(
        Tools tools,
        string funderRef,
        string role,
        string? ownerRef,
        CancellationToken ct
    )
    {
        var (store, issuer, clock, stdout, stderr) = tools;
        if (!Roles.IsKnown(role))
        {
            await stderr.WriteLineAsync($"Unknown role '{role}': use one of {string.Join(", ", Roles.All)}.");
            return 2;
        }

        var funder = await ResolveFunderAsync(store, funderRef, stderr, ct);
        if (funder is null)
        {
            return 1;
        }

        if (ownerRef is not null && !long.TryParse(ownerRef, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            await stderr.WriteLineAsync($"The owner must be a person id, not '{ownerRef}'.");
            return 2;
        }

        var owner = ownerRef is null
            ? await store.CreateKeyHolderAsync(
                funder.Id,
                $"Key holder ({role})",
                role,
                $"key-holder-{Guid.NewGuid():N}@funder-{funder.Id}.invalid",
                clock.GetUtcNow(),
                ct
            )
            : long.Parse(ownerRef, CultureInfo.InvariantCulture);
        ApiKeyRow row;
        string key;
        try
        {
            (row, key) = await issuer.IssueAsync(funder.Id, role, null, owner, ct);
        }
        catch (KeyIssueException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return 1;
        }

        await stdout.WriteLineAsync(
            $"Created {role} key {row.KeyId} for funder {funder.Id} "
                + $"\"{funder.Name}\", owned by person {owner}, expiring {row.ExpiresAt:u}. Keep the key below: it is "
                + "shown once."
        );
        await stdout.WriteLineAsync(key);
        return 0;
    }

    private static async Task<FunderRow?> ResolveFunderAsync(
        TenancyStore store,
        string funderRef,
        TextWriter stderr,
        CancellationToken ct
    )
    {
        if (long.TryParse(funderRef, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            var byId = await store.FindFunderAsync(id, ct);
            if (byId is not null)
            {
                return byId;
            }
        }

        var byName = await store.FindFundersByNameAsync(funderRef, ct);
        switch (byName.Count)
        {
            case 1:
                return byName[0];
            case 0:
                await stderr.WriteLineAsync($"No funder with id or name '{funderRef}'.");
                return null;
            default:
                await stderr.WriteLineAsync(
                    $"Several funders are named '{funderRef}': use the id "
                        + $"({string.Join(", ", byName.Select(f => f.Id))})."
                );
                return null;
        }
    }
}
