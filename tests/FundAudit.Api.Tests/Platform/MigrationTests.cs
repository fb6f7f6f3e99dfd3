using System.Text.RegularExpressions;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Platform;

public sealed partial class MigrationTests
{
    [Fact]
    public void The_three_engine_folders_hold_the_same_script_names()
    {
        var folders = new[] { "sqlite", "postgres", "sqlserver" }.ToDictionary(
            f => f,
            f =>
                Directory
                    .GetFiles(Path.Combine(RepoPaths.Root, "migrations", f), "*.sql")
                    .Select(Path.GetFileName)
                    .Order(StringComparer.Ordinal)
                    .ToArray()
        );

        Assert.NotEmpty(folders["sqlite"]);
        Assert.Equal(folders["sqlite"], folders["postgres"]);
        Assert.Equal(folders["sqlite"], folders["sqlserver"]);
    }

    [Fact]
    public void Script_names_are_numbered_verb_noun_without_gaps()
    {
        var names = Directory
            .GetFiles(Path.Combine(RepoPaths.Root, "migrations", "sqlite"), "*.sql")
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToList();
        for (var i = 0; i < names.Count; i++)
        {
            Assert.Matches(ScriptName(), names[i]!);
            Assert.StartsWith($"{i + 1:0000}_", names[i], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_script_on_disk_is_embedded_in_the_service()
    {
        var embedded = Migrator.ScriptNames();
        foreach (var folder in new[] { "sqlite", "postgres", "sqlserver" })
        {
            var onDisk = Directory
                .GetFiles(Path.Combine(RepoPaths.Root, "migrations", folder), "*.sql")
                .Select(Path.GetFileName)
                .Order(StringComparer.Ordinal);
            Assert.Equal(onDisk, embedded[folder]);
        }
    }

    [GeneratedRegex("^[0-9]{4}_[a-z]+(_[a-z0-9]+)+\\.sql$")]
    private static partial Regex ScriptName();
}
