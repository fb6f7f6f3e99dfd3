using System.Text.Json.Nodes;
using FundAudit.Api.Features.GrantIngest.Imports;

namespace FundAudit.Api.Features.Audit.Publish;

/// <summary>
/// The standard's own columns that a CSV or XLSX import keeps aside (<c>additionalColumns</c>, by column title)
/// instead of reading them into FundAudit's columns: the recipient's charity and company numbers, address and web
/// address, the funder's department, the grant's URL. Published back where the standard puts them
/// (<see cref="GivingCsv.TitleOf"/>), so that a grant imported from a flat file keeps them on the way out, as one
/// imported from a JSON package does. Only what the publisher's own properties lack is filled.
/// </summary>
internal static class KeptAsideColumns
{
    /// <summary>The cell kept aside under the standard's title of <paramref name="path"/>, trimmed; null when the grant
    /// has none (or an empty one).</summary>
    public static string? Text(JsonObject stored, params string[] path)
    {
        if (
            stored[CsvGrantMapping.AdditionalColumns] is not JsonObject kept
            || GivingCsv.TitleOf(path) is not { } title
        )
        {
            return null;
        }

        foreach (var (name, value) in kept)
        {
            if (string.Equals(name.Trim(), title, StringComparison.OrdinalIgnoreCase) && Cell(value) is { } text)
            {
                return text;
            }
        }

        return null;
    }

    /// <summary>Each of <paramref name="names"/> that <paramref name="to"/> lacks, from the cell kept aside under the
    /// title of <paramref name="prefix"/>/name.</summary>
    public static void Fill(JsonObject stored, JsonObject to, string[] prefix, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            if (to[name] is null && Text(stored, [.. prefix, name]) is { } value)
            {
                to[name] = value;
            }
        }
    }

    /// <summary>A cell as text: a workbook's number cell (a charity number typed as a number) as its digits.</summary>
    private static string? Cell(JsonNode? node)
    {
        var text =
            node is not JsonValue v ? null
            : v.TryGetValue<string>(out var s) ? s
            : v.TryGetValue<decimal>(out var d) ? d.ToString(CultureInfo.InvariantCulture)
            : null;
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }
}
