using System.Text.RegularExpressions;
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
        foreach (var feature in stores.Keys.Union(FeaturesOf(types)))
        {
            var others = stores.Where(s => s.Key != feature).SelectMany(s => s.Value).ToArray();
            if (InFeature(types, feature).ShouldNot().HaveDependencyOnAny(others).GetResult().IsSuccessful)
            {
                continue; // one scan per feature; the store-by-store scan below only names what failed
            }

            foreach (var store in others)
            {
                foreach (var user in UsersOf(InFeature(types, feature), store))
                {
                    var line = $"{Short(user)} -> {Short(store)}";
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
            InFeature(Types.InAssembly(typeof(Program).Assembly), "GrantIngest"),
            typeof(Features.GrantIngest.GrantStore).FullName!
        );
        Assert.Contains("GrantIngest.GrantIngestUseCases", users.Select(Short));
    }

    /// <summary>The types of one feature (its sub-namespaces included).</summary>
    private static PredicateList InFeature(Types types, string feature) =>
        types.That().ResideInNamespaceMatching($"^{Regex.Escape(Features + feature)}(\\..+)?$");

    /// <summary>The outer types (full names) among <paramref name="candidates"/> that depend on the store.</summary>
    private static IEnumerable<string> UsersOf(PredicateList candidates, string store) =>
        (candidates.ShouldNot().HaveDependencyOn(store).GetResult().FailingTypeNames ?? [])
            .Select(name => name.Split('/', '+')[0])
            .Distinct(StringComparer.Ordinal);

    /// <summary>Every feature named by a namespace under <c>FundAudit.Api.Features</c>.</summary>
    private static IEnumerable<string> FeaturesOf(Types types) =>
        types
            .GetTypes()
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(ns => ns.StartsWith(Features, StringComparison.Ordinal))
            .Select(FeatureOf)
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
