using NetArchTest.Rules;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// DESIGN rule 2 and issue 12 item 7, checked on the compiled service: features call each other's use cases
/// (<c>&lt;Feature&gt;UseCases</c>) or Core, never each other's stores. A feature is the first namespace segment under
/// <c>FundAudit.Api.Features</c> (so <c>Audit.Quality</c> and <c>Audit.Publish</c> are the audit's own); a store is
/// any type of a feature whose name ends in <c>Store</c>. Infrastructure (Db, the dialects, Auth) is not a feature
/// and may be used by all.
/// </summary>
public sealed class FeatureLayerTests
{
    private const string Features = "FundAudit.Api.Features.";

    /// <summary>
    /// Deliberate exceptions: "Feature.Type -> Store" (the outer type, as the failure message prints it), each with
    /// its reason. Keep this list as short as possible.
    /// </summary>
    private static readonly Dictionary<string, string> Exceptions = new(StringComparer.Ordinal);

    [Fact]
    public void No_feature_depends_on_another_features_store()
    {
        var stores = StoresByFeature();
        Assert.Contains("EmergencyRequests", stores.Keys);
        Assert.Contains("People", stores.Keys);
        var types = Types.InAssembly(typeof(Program).Assembly);
        var problems = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (owner, owned) in stores)
        {
            foreach (var store in owned)
            {
                foreach (var user in UsersOf(types, store).Where(u => FeatureOf(u) != owner))
                {
                    var line = $"{Short(user)} -> {owner}.{store[(store.LastIndexOf('.') + 1)..]}";
                    if (!Exceptions.ContainsKey(line))
                    {
                        problems.Add(line);
                    }
                }
            }
        }

        Assert.True(
            problems.Count == 0,
            $"{problems.Count} uses of another feature's store (call its use cases instead):\n"
                + string.Join("\n", problems)
        );
    }

    [Fact]
    public void The_check_sees_a_dependency_on_a_store()
    {
        // The rule must be able to fail: a feature's own use-case facade depends on its own stores.
        var users = UsersOf(
            Types.InAssembly(typeof(Program).Assembly),
            typeof(Features.GrantIngest.GrantStore).FullName!
        );
        Assert.Contains("GrantIngest.GrantIngestUseCases", users.Select(Short));
    }

    /// <summary>The outer types (full names) under <c>FundAudit.Api.Features</c> that depend on the store.</summary>
    private static IEnumerable<string> UsersOf(Types types, string store) =>
        (
            types
                .That()
                .ResideInNamespaceStartingWith(Features)
                .ShouldNot()
                .HaveDependencyOn(store)
                .GetResult()
                .FailingTypeNames
            ?? []
        )
            .Select(name => name.Split('/', '+')[0])
            .Distinct(StringComparer.Ordinal);

    /// <summary>"Feature.Type" of a full type name under <c>FundAudit.Api.Features</c>.</summary>
    private static string Short(string fullName) =>
        $"{FeatureOf(fullName)}.{fullName[(fullName.LastIndexOf('.') + 1)..]}";

    /// <summary>Every feature's stores (full names), by feature.</summary>
    private static Dictionary<string, List<string>> StoresByFeature() =>
        typeof(Program)
            .Assembly.GetTypes()
            .Where(t => !t.IsNested && t.Namespace?.StartsWith(Features, StringComparison.Ordinal) == true)
            .Where(t => t.Name.EndsWith("Store", StringComparison.Ordinal))
            .GroupBy(t => FeatureOf(t.Namespace!))
            .ToDictionary(g => g.Key, g => g.Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList());

    /// <summary>The feature of a namespace or full type name under <c>FundAudit.Api.Features</c>.</summary>
    private static string FeatureOf(string name) => name[Features.Length..].Split('.')[0];
}
