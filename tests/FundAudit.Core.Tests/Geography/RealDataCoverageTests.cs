using System.Text.Json;
using FundAudit.Core.Geography;
using Xunit.Abstractions;

namespace FundAudit.Core.Tests.Geography;

/// <summary>
/// Every beneficiaryLocation name in the real published 360Giving files of ../shared/data/360giving (read there,
/// never copied into the repository) must mostly resolve: to a sub-national place or country through
/// <see cref="Gazetteer"/>, or to a multi-country area ("Global") through <see cref="Places"/>.
/// </summary>
public sealed class RealDataCoverageTests(ITestOutputHelper output)
{
    private const string RelativePath = "shared/data/360giving";

    // Measured on 2026-12-05 over the 9 files with beneficiary locations (2,047 names, 580 distinct): 92.0 %
    // without a country, 94.3 % with one. The misses are Scottish ward names, villages below 5,000 people and
    // English county names that are also towns abroad (Surrey, Kent, Essex) when no country is given.
    private const double MinShareWithoutCountry = 0.91;
    private const double MinShareWithCountry = 0.93;

    [Fact]
    public void Beneficiary_location_names_of_real_files_resolve()
    {
        var folder = FindFolder();
        Assert.True(
            folder is not null,
            $"could not measure: {RelativePath} was not found above {AppContext.BaseDirectory}"
        );

        var names = new List<(string Name, string? Country)>();
        var codes = new List<(string Code, string? Type)>();
        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            if (!doc.RootElement.TryGetProperty("grants", out var grants))
            {
                continue;
            }

            foreach (var grant in grants.EnumerateArray())
            {
                if (
                    !grant.TryGetProperty("beneficiaryLocation", out var locations)
                    || locations.ValueKind != JsonValueKind.Array
                )
                {
                    continue;
                }

                foreach (var location in locations.EnumerateArray())
                {
                    if (Text(location, "geoCode") is { } code)
                    {
                        codes.Add((code, Text(location, "geoCodeType")));
                    }

                    if (
                        location.TryGetProperty("name", out var name)
                        && name.ValueKind == JsonValueKind.String
                        && name.GetString() is { Length: > 0 } text
                    )
                    {
                        var country =
                            location.TryGetProperty("countryCode", out var cc) && cc.ValueKind == JsonValueKind.String
                                ? cc.GetString()
                                : null;
                        names.Add((text, country));
                    }
                }
            }
        }

        Assert.True(names.Count > 1000, $"only {names.Count} beneficiary location names found in {folder}");

        var without = names.Count(n => Resolves(n.Name, null));
        var with = names.Count(n => Resolves(n.Name, n.Country ?? "GB"));
        var shareWithout = (double)without / names.Count;
        var shareWith = (double)with / names.Count;
        output.WriteLine($"{names.Count} names ({names.Select(n => n.Name).Distinct().Count()} distinct)");
        output.WriteLine($"resolved without a country: {without} ({shareWithout:P1})");
        output.WriteLine($"resolved with the location's country, else GB: {with} ({shareWith:P1})");
        foreach (
            var miss in names
                .Where(n => !Resolves(n.Name, null))
                .GroupBy(n => n.Name)
                .OrderByDescending(g => g.Count())
                .Take(60)
        )
        {
            var withCountry = Resolves(miss.Key, miss.First().Country ?? "GB") ? " (resolves with the country)" : "";
            output.WriteLine($"  unresolved x{miss.Count()}: {miss.Key}{withCountry}");
        }

        // Every geoCode that is a code resolves (funders also put names there: "Oxfordshire", "Cherwell")
        var shaped = codes
            .Where(c => c.Code.Length == 9 && char.IsAsciiLetter(c.Code[0]) && c.Code[1..].All(char.IsAsciiDigit))
            .ToList();
        var unresolvedCodes = shaped
            .Where(c => !Gazetteer.TryResolveCode(c.Code, c.Type, out _))
            .Select(c => c.Code)
            .Distinct()
            .ToList();
        output.WriteLine(
            $"{codes.Count} geoCodes, {shaped.Count} ONS codes; unresolved: {string.Join(", ", unresolvedCodes)}"
        );
        Assert.True(shaped.Count > 1000, $"only {shaped.Count} ONS codes");
        Assert.Empty(unresolvedCodes);

        Assert.True(shareWithout >= MinShareWithoutCountry, $"resolved {shareWithout:P1} without a country");
        Assert.True(shareWith >= MinShareWithCountry, $"resolved {shareWith:P1} with a country");
    }

    // Measured on 2026-12-05: see the test output. The recipient's country comes from its address country, else
    // from its organisation identifier; town names shared with towns abroad (Oxford, Bristol) need it.
    private const double MinLocalityShare = 0.87; // 89.4 % measured

    [Fact]
    public void Recipient_addresses_of_real_files_give_a_country_and_mostly_a_place()
    {
        var folder = FindFolder();
        Assert.True(
            folder is not null,
            $"could not measure: {RelativePath} was not found above {AppContext.BaseDirectory}"
        );

        var countries = new List<string>();
        var localities = new List<(string Locality, string? Country)>();
        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            if (!doc.RootElement.TryGetProperty("grants", out var grants))
            {
                continue;
            }

            foreach (var grant in grants.EnumerateArray())
            {
                if (
                    !grant.TryGetProperty("recipientOrganization", out var recipients)
                    || recipients.ValueKind != JsonValueKind.Array
                )
                {
                    continue;
                }

                foreach (var recipient in recipients.EnumerateArray())
                {
                    var addressCountry = Text(recipient, "addressCountry");
                    string? alpha2 = null;
                    if (addressCountry is not null)
                    {
                        countries.Add(addressCountry);
                        alpha2 = Gazetteer.TryResolveName(addressCountry, null, out var c) ? c.Country.Alpha2 : null;
                    }

                    if (alpha2 is null && OrganisationIds.TryBase(Text(recipient, "id"), out var based, out _))
                    {
                        alpha2 = based?.Alpha2;
                    }

                    if (Text(recipient, "addressLocality") is { } locality)
                    {
                        localities.Add((locality, alpha2));
                    }
                }
            }
        }

        Assert.True(localities.Count > 5000, $"only {localities.Count} address localities found");
        var unknownCountries = countries.Where(c => !Gazetteer.TryResolveName(c, null, out _)).Distinct().ToList();
        output.WriteLine($"{countries.Count} address countries; unresolved: {string.Join(", ", unknownCountries)}");
        Assert.Equal(["COMMONWEALTH"], unknownCountries); // not a place

        var resolved = localities.Count(l => Gazetteer.TryResolveName(l.Locality, l.Country, out _));
        var share = (double)resolved / localities.Count;
        output.WriteLine($"{localities.Count} address localities, {resolved} resolved ({share:P1})");
        foreach (
            var miss in localities
                .Where(l => !Gazetteer.TryResolveName(l.Locality, l.Country, out _))
                .GroupBy(l => l.Locality)
                .OrderByDescending(g => g.Count())
                .Take(30)
        )
        {
            output.WriteLine($"  unresolved x{miss.Count()}: {miss.Key} ({miss.First().Country})");
        }

        Assert.True(share >= MinLocalityShare, $"resolved {share:P1} of address localities");
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value)
        && value.ValueKind == JsonValueKind.String
        && value.GetString() is { Length: > 0 } text
            ? text.Trim()
            : null;

    // A list of countries and areas ("Tanzania, Kenya, Peru", "London, Global") counts when each part resolves.
    private static bool Resolves(string name, string? country) =>
        ResolvesOne(name, country)
        || name.Contains(',')
            && name.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .All(part => ResolvesOne(part, country));

    private static bool ResolvesOne(string name, string? country) =>
        Gazetteer.TryResolveName(name, country, out _) || Places.TryResolve(name, out _);

    private static string? FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, RelativePath);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
