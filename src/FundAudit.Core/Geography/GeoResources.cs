namespace FundAudit.Core.Geography;

/// <summary>Reads the tab-separated geography tables embedded from Geography/Data (see tools/geo/README.md).</summary>
internal static class GeoResources
{
    private const string Prefix = "FundAudit.Core.Geography.Data.";

    /// <summary>The rows of an embedded table, split on tabs; blank lines and '#' comment lines skipped.</summary>
    public static IEnumerable<string[]> Rows(string file)
    {
        using var stream = typeof(GeoResources).Assembly.GetManifestResourceStream(Prefix + file)
            ?? throw new InvalidOperationException($"embedded resource {Prefix + file} is missing");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            yield return line.Split('\t');
        }
    }

    /// <summary>The field at <paramref name="index"/>, or "" when the row is shorter (trailing empty fields).</summary>
    public static string At(this string[] row, int index) => index < row.Length ? row[index] : "";
}
