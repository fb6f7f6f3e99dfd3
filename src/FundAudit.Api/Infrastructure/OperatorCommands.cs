using FundAudit.Api.Features.Logs;
using FundAudit.Api.Features.Tenancy;
using FundAudit.Api.Infrastructure.Data.Backup;
using FundAudit.Api.Infrastructure.Security;

namespace FundAudit.Api.Infrastructure;

/// <summary>
/// The operator's commands, run instead of the web server when the first argument names one (<c>funders</c>,
/// <c>keyring</c>, <c>verify-logs</c>, <c>backup</c>/<c>restore</c>): one list, asked whether the arguments are a
/// command and which one runs them.
/// </summary>
internal static class OperatorCommands
{
    private static readonly Command[] All =
    [
        new(["keyring"], KeyRingCommand.RunAsync),
        new(["verify-logs"], VerifyLogsCommand.RunAsync),
        new(["backup", "restore"], BackupCommand.RunAsync),
        new(["funders"], FundersCommand.RunAsync),
    ];

    /// <summary>Whether <paramref name="args"/> name a command (then the service runs no web server and no jobs).
    /// </summary>
    public static bool IsCommand(string[] args) => All.Any(c => c.Is(args));

    /// <summary>Runs the command <paramref name="args"/> name, with the console's output and error; its exit code.
    /// </summary>
    public static Task<int> RunAsync(IServiceProvider services, string[] args) =>
        All.First(c => c.Is(args)).Run(services, args, Console.Out, Console.Error);

    /// <summary>One command: the first arguments that name it, and how it runs.</summary>
    private sealed record Command(
        string[] Names,
        Func<IServiceProvider, string[], TextWriter, TextWriter, Task<int>> Run
    )
    {
        public bool Is(string[] args) => args.Length > 0 && Names.Contains(args[0]);
    }
}
