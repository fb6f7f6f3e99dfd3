using System.Reflection;
using System.Text.RegularExpressions;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// The classes that share an app (<see cref="SharedApps"/>) leave it as they found it for the next class: their source,
/// and that of the generic class they run, neither moves the shared clock, nor derives an app with other settings, nor
/// runs the jobs over every funder, nor gives a funder single sign-on (which every funder's sign-in page then offers).
/// </summary>
public sealed class SharedAppsTests
{
    /// <summary>What a class that shares an app may not say, and why.</summary>
    private static readonly (string Text, string Why)[] Forbidden =
    [
        ("Clock.Advance", "moves the shared clock"),
        ("Clock.SetUtcNow", "moves the shared clock"),
        ("WithWebHostBuilder(", "derives an app with other settings"),
        (".Shared(", "derives an app with other settings"),
        ("Sweep", "runs a job over every funder"),
        ("Purge", "runs a job over every funder"),
        ("BackgroundJob", "runs jobs"),
        ("RecurringJob", "runs jobs"),
        ("SsoHarness", "gives a funder single sign-on, which every sign-in page then offers"),
    ];

    [Fact]
    public void Every_shared_collection_has_classes_and_none_of_them_changes_the_app_for_the_next()
    {
        var shared = SharedClasses();
        Assert.All(SharedApps.Names, name => Assert.Contains(shared, c => c.Collection == name));

        var problems = new List<string>();
        foreach (var (type, _) in shared)
        {
            foreach (var (file, text) in SourcesOf(type))
            {
                problems.AddRange(Problems(type.Name, Path.GetFileName(file), text));
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_check_finds_a_class_that_moves_the_clock_and_passes_one_that_does_not()
    {
        var moves = Problems(
            "SomeTests",
            "SomeTests.cs",
            "await Task.Yield(); app.Clock.Advance(TimeSpan.FromDays(1));"
        );
        Assert.Equal("SomeTests (SomeTests.cs) says 'Clock.Advance': it moves the shared clock", Assert.Single(moves));
        Assert.Empty(Problems("SomeTests", "SomeTests.cs", "var now = app.Clock.GetUtcNow();"));
    }

    /// <summary>What the source <paramref name="text"/> of <paramref name="typeName"/> says that a class sharing an
    /// app may not.</summary>
    private static IEnumerable<string> Problems(string typeName, string fileName, string text) =>
        Forbidden
            .Where(f => text.Contains(f.Text, StringComparison.Ordinal))
            .Select(f => $"{typeName} ({fileName}) says '{f.Text}': it {f.Why}");

    private static List<(Type Type, string Collection)> SharedClasses() =>
        [
            .. from type in typeof(SharedAppsTests).Assembly.GetTypes()
            from attribute in type.GetCustomAttributesData()
            where attribute.AttributeType == typeof(CollectionAttribute)
            let name = attribute.ConstructorArguments[0].Value as string
            where name is not null && SharedApps.Names.Contains(name)
            select (type, name),
        ];

    /// <summary>The files that declare <paramref name="type"/> and the generic test class it runs, if any, with their
    /// text. Only these are read: a helper they call is not (today only test classes move the clock).</summary>
    private static IEnumerable<(string File, string Text)> SourcesOf(Type type)
    {
        var names = new List<string> { type.Name };
        if (type.BaseType is { IsGenericType: true } generic)
        {
            names.Add(generic.Name[..generic.Name.IndexOf('`')] + "<");
        }

        foreach (var name in names)
        {
            var declaration = new Regex(
                @"\bclass " + Regex.Escape(name.TrimEnd('<')) + (name.EndsWith('<') ? "<" : @"\b")
            );
            var files = TestSources.Value.Where(f => declaration.IsMatch(f.Text)).ToList();
            Assert.True(files.Count == 1, $"{name}: declared in {files.Count} files");
            yield return files[0];
        }
    }

    private static readonly Lazy<(string File, string Text)[]> TestSources = new(() =>
        Directory
            .GetFiles(Path.Combine(RepoPaths.Root, "tests", "FundAudit.Api.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (f, File.ReadAllText(f)))
            .ToArray()
    );
}
