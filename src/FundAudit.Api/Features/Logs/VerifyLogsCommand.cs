namespace FundAudit.Api.Features.Logs;

/// <summary>
/// The operator's <c>verify-logs [funder-id]</c>, run instead of the web server: verifies the hash chains of the
/// request events, the access log and the administration log, per funder and log; prints each chain's length and head
/// hash (to keep outside the database), the defenders' rows pending seal (not a break: the seal job chains them within
/// about a minute), and the first broken link (log, sequence, expected and found). Exit code 0 when every chain holds,
/// 1 on a break, 2 on bad arguments.
/// </summary>
internal static class VerifyLogsCommand
{
    public static async Task<int> RunAsync(
        IServiceProvider services,
        string[] args,
        TextWriter stdout,
        TextWriter stderr
    )
    {
        long? funderId = null;
        if (args.Length > 2 || (args.Length == 2 && !TryParseId(args[1], out funderId)))
        {
            await stderr.WriteLineAsync("Usage: verify-logs [funder-id]");
            return 2;
        }

        var reports = await services.GetRequiredService<LogChainStore>().VerifyAsync(funderId, CancellationToken.None);
        foreach (var r in reports)
        {
            await stdout.WriteLineAsync(Describe(r));
        }

        var broken = reports.Count(r => !r.Intact);
        var pending = reports.Sum(r => r.Pending);
        var pendingNote = pending == 0 ? "" : $" {pending} defenders' rows pending seal (chained within a minute).";
        await (broken == 0 ? stdout : stderr).WriteLineAsync(
            broken == 0
                ? $"All {reports.Count} chains intact.{pendingNote}"
                : $"{broken} of {reports.Count} chains broken: see BROKEN above.{pendingNote}"
        );
        return broken == 0 ? 0 : 1;
    }

    /// <summary>One line per chain: "log funder N: L links, head S HASH, intact" or "…, BROKEN at seq S (what):
    /// expected E, found F", followed by "; P pending seal" when defenders' rows wait to be sealed.</summary>
    public static string Describe(ChainReport r)
    {
        var head = r.HeadSeq is null ? "empty" : $"head {r.HeadSeq} {r.HeadHash}";
        var state = r.Break is { } b
            ? $"BROKEN at seq {b.Seq} ({b.What}): expected {b.Expected}, found {b.Found}"
            : "intact";
        var pending = r.Pending == 0 ? "" : $"; {r.Pending} pending seal";
        return $"{r.Log} funder {r.FunderId}: {r.Links} links, {head}, {state}{pending}";
    }

    private static bool TryParseId(string text, out long? id)
    {
        id = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
        return id is > 0;
    }
}
