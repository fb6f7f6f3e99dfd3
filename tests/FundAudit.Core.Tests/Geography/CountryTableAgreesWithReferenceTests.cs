using FundAudit.Core.Geography;

namespace FundAudit.Core.Tests.Geography;

/// <summary>
/// Proves the shipped country table agrees with an independent copy of ISO 3166-1 / UN M49
/// (../shared/data/geo, CC BY-SA, read here and never copied into the repository).
/// </summary>
public sealed class CountryTableAgreesWithReferenceTests
{
    private const string RelativePath = "shared/data/geo/iso3166-countries-regions-all.csv";

    [Fact]
    public void Every_code_region_and_sub_region_matches_the_reference()
    {
        var path = FindReference();
        // The shared data folder sits beside the repository on every machine of this project (and in CI); a test
        // that cannot check must not pass.
        Assert.True(
            path is not null,
            $"could not check the country table: {RelativePath} was not found above {AppContext.BaseDirectory}"
        );

        var rows = File.ReadAllLines(path).Skip(1).Select(ParseCsvLine).ToList();
        Assert.True(rows.Count > 240, $"reference has only {rows.Count} rows");
        var problems = new List<string>();
        foreach (var r in rows)
        {
            string a2 = r[1],
                a3 = r[2],
                region = r[5],
                subRegion = r[6],
                intermediate = r[7];
            var mine = Countries.All.FirstOrDefault(c => c.Alpha2 == a2);
            if (mine is null)
            {
                problems.Add($"{a2} missing");
                continue;
            }

            if (mine.Alpha3 != a3)
            {
                problems.Add($"{a2}: alpha-3 {mine.Alpha3}, reference {a3}");
            }

            if (region.Length == 0)
            {
                continue; // the reference leaves Antarctica and Taiwan without an M49 region
            }

            var expectedRegion = region == "Americas" ? subRegion : region;
            if (mine.Region?.DisplayName() != expectedRegion)
            {
                problems.Add($"{a2}: region {mine.Region}, reference {expectedRegion}");
            }

            if (mine.SubRegion != subRegion)
            {
                problems.Add($"{a2}: sub-region {mine.SubRegion}, reference {subRegion}");
            }

            if ((mine.IntermediateRegion ?? "") != intermediate)
            {
                problems.Add($"{a2}: intermediate region {mine.IntermediateRegion}, reference {intermediate}");
            }
        }

        Assert.Equal(rows.Count, Countries.All.Count);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static string? FindReference()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, RelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static List<string> ParseCsvLine(string line)
    {
        var fields = new List<string>();
        var sb = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        fields.Add(sb.ToString());
        return fields;
    }
}
