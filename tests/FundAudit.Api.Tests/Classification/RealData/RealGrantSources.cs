using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Core.Classification;
using FundAudit.Core.Grants;

namespace FundAudit.Api.Tests.Classification.RealData;

/// <summary>One hand-labelled real grant: where it was published (a file of ../shared/data) and what a person decided.</summary>
public sealed record RealLabel(
    string Source,
    string GrantId,
    string Split,
    GrantLevel Level,
    GrantPurpose Purpose,
    bool Flexible,
    string? Note
);

/// <summary>
/// Reads the real published files in <c>../shared/data</c> the way the service reads them: 360Giving JSON through the
/// API's own models and mapping, 360Giving CSV through the import's reader. IATI activity XML, which the service does
/// not ingest, is mapped here for the evaluation only: title, descriptions and the DAC sector names as the text, the
/// implementing organisation as the recipient (see <see cref="IatiRecipient"/>), recipient countries and regions as beneficiary locations, the default
/// aid type as the funding type.
/// </summary>
public static class RealGrantSources
{
    private static readonly JsonSerializerOptions PackageJson = CreatePackageJson();

    /// <summary>The shared data folder (<c>../shared/data</c> beside the repository), or null when it is not there.</summary>
    public static string? FindDataFolder()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(Path.Combine(candidate, "360giving")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>The labelled set files (labels-tuning.jsonl, labels-heldout.jsonl) shipped with the tests.</summary>
    public static IReadOnlyList<RealLabel> ReadLabels(string path)
    {
        var labels = new List<RealLabel>();
        var n = 0;
        foreach (var line in File.ReadLines(path))
        {
            n++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            string S(string name) =>
                r.GetProperty(name).GetString() ?? throw new InvalidDataException($"{path}:{n}: {name}");
            if (
                !LevelNames.TryParse(S("level"), out var level)
                || !RuleSet.TryParsePurpose(S("purpose"), out var purpose)
            )
            {
                throw new InvalidDataException($"{path}:{n}: unknown level or purpose");
            }

            labels.Add(
                new RealLabel(
                    S("source"),
                    S("grantId"),
                    S("split"),
                    level,
                    purpose,
                    r.GetProperty("flexible").GetBoolean(),
                    r.TryGetProperty("note", out var note) ? note.GetString() : null
                )
            );
        }

        return labels;
    }

    /// <summary>Every grant of one source file by its identifier (the first of a repeated identifier).</summary>
    public static IReadOnlyDictionary<string, GrantRecord> Load(string dataFolder, string source)
    {
        var path = Path.Combine(dataFolder, source);
        var grants = Path.GetExtension(source).ToLowerInvariant() switch
        {
            ".json" => FromPackage(path),
            ".csv" => FromCsv(path),
            ".xml" => FromIati(path, dataFolder),
            _ => throw new NotSupportedException(source),
        };
        var byId = new Dictionary<string, GrantRecord>(StringComparer.Ordinal);
        foreach (var g in grants)
        {
            byId.TryAdd(g.Identifier, g);
        }

        return byId;
    }

    /// <summary>The labelled cases of <paramref name="labels"/> as evaluation cases, loading each source once.</summary>
    public static IReadOnlyList<EvaluationCase> Cases(string dataFolder, IEnumerable<RealLabel> labels)
    {
        var sources = new Dictionary<string, IReadOnlyDictionary<string, GrantRecord>>();
        var cases = new List<EvaluationCase>();
        foreach (var l in labels)
        {
            if (!sources.TryGetValue(l.Source, out var grants))
            {
                sources[l.Source] = grants = Load(dataFolder, l.Source);
            }

            var grant = grants.TryGetValue(l.GrantId, out var g)
                ? g
                : throw new InvalidDataException($"{l.Source} has no grant {l.GrantId}");
            cases.Add(
                new EvaluationCase(
                    $"{Path.GetFileNameWithoutExtension(l.Source)}:{l.GrantId}",
                    grant,
                    l.Level,
                    l.Purpose,
                    l.Flexible,
                    l.Note
                )
            );
        }

        return cases;
    }

    private static JsonSerializerOptions CreatePackageJson()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        FundAudit.Api.Infrastructure.Http.JsonDefaults.Configure(o);
        return o;
    }

    private static IEnumerable<GrantRecord> FromPackage(string path)
    {
        using var stream = File.OpenRead(path);
        var package = JsonSerializer.Deserialize<GrantPackage>(stream, PackageJson)
            ?? throw new InvalidDataException(path);
        foreach (var g in package.Grants ?? [])
        {
            if (string.IsNullOrWhiteSpace(g.Id))
            {
                continue;
            }

            // Classification reads neither money nor dates: fill what a grant failing validation lacks.
            g.Currency = string.IsNullOrWhiteSpace(g.Currency) ? "GBP" : g.Currency;
            g.AmountAwarded ??= 0;
            g.AmountAwarded = Math.Round(g.AmountAwarded.Value, 2);
            if (!IsoDate.TryParse(g.AwardDate, out _))
            {
                g.AwardDate = "2000-01-01";
            }

            GrantRecord record;
            try
            {
                record = GrantMapping.ToRecord(g);
            }
            catch (ArgumentException)
            {
                g.Currency = "GBP";
                record = GrantMapping.ToRecord(g);
            }

            yield return record;
        }
    }

    private static IEnumerable<GrantRecord> FromCsv(string path)
    {
        var options = new CsvImportOptions();
        CsvInspection.Accepted plan;
        using (var inspect = File.OpenRead(path))
        {
            plan =
                GrantCsvReader.Inspect(inspect, options) as CsvInspection.Accepted
                ?? throw new InvalidDataException($"{path} is refused by the CSV reader");
        }

        using var read = File.OpenRead(path);
        foreach (var row in GrantCsvReader.ReadRows(read, plan).ToList())
        {
            if (row.Record is { } r)
            {
                yield return r;
            }
        }
    }

    private static IEnumerable<GrantRecord> FromIati(string path, string dataFolder)
    {
        var sectors = Codelist(
            Path.Combine(dataFolder, "iati", "codelists", "iati-datastore-Sector-legacy.csv"),
            Path.Combine(dataFolder, "iati", "codelists", "iati-codelist-Sector.csv")
        );
        var regions = Codelist(
            Path.Combine(dataFolder, "iati", "codelists", "iati-datastore-Region-legacy.csv"),
            Path.Combine(dataFolder, "iati", "codelists", "iati-codelist-Region.csv")
        );
        var root = XDocument.Load(path).Root ?? throw new InvalidDataException(path);
        var activities = root.Name.LocalName == "iati-activity" ? [root] : root.Elements("iati-activity");
        foreach (var a in activities)
        {
            var id = Text(a.Element("iati-identifier"));
            if (string.IsNullOrEmpty(id))
            {
                continue;
            }

            var text = new StringBuilder();
            foreach (var d in a.Elements("description"))
            {
                text.Append(Text(d)).Append(' ');
            }

            var sectorNames = a.Elements("sector")
                .Select(s =>
                    Text(s) is { Length: > 0 } t ? t : sectors.GetValueOrDefault(s.Attribute("code")?.Value ?? "")
                )
                .Where(t => !string.IsNullOrEmpty(t))
                .Distinct()
                .ToList();
            if (sectorNames.Count > 0)
            {
                text.Append("Sectors: ").Append(string.Join("; ", sectorNames)).Append('.');
            }

            var reporting = a.Element("reporting-org");
            var (recipientId, recipientName, recipientCountry) = IatiRecipient(a, reporting);
            var locations = a.Elements("recipient-country")
                .Select(c => new BeneficiaryLocation(Text(c), c.Attribute("code")?.Value, null, null))
                .Concat(
                    a.Elements("recipient-region")
                        .Select(r => new BeneficiaryLocation(
                            Text(r) is { Length: > 0 } t
                                ? t
                                : regions.GetValueOrDefault(r.Attribute("code")?.Value ?? ""),
                            null,
                            null,
                            null
                        ))
                )
                .ToList();
            var aid = a.Element("default-aid-type")?.Attribute("code")?.Value;
            yield return new GrantRecord
            {
                Identifier = id,
                Title = Text(a.Element("title")),
                Description = text.ToString().Trim(),
                Currency = "GBP",
                AmountAwardedMinor = 0,
                AwardDate = new DateOnly(2013, 1, 1),
                RecipientOrgId = recipientId,
                RecipientOrgName = recipientName,
                RecipientOrgCountry = recipientCountry,
                BeneficiaryLocations = locations,
                FundingOrgId = reporting?.Attribute("ref")?.Value,
                FundingOrgName = Text(reporting),
                FundingTypes = aid is null ? [] : [aid],
            };
        }
    }

    /// <summary>
    /// The recipient of an IATI activity: its first implementing organisation, else the extending one (roles by name
    /// in any case, or by code). Its base: an organisation identifier as published; an OECD DAC channel code as the
    /// ref ("41304" UNESCO) is the XM-DAC list of international bodies for international NGOs (21xxx) and
    /// multilateral bodies (4xxxx), and the reporting organisation's own country for a donor-country NGO (22000) or
    /// the donor's public sector (1xxxx); a government agency's IATI ref ("GB-1", "SE-6") gives its country; an
    /// implementing office whose name begins with the reporting organisation's ("CAFOD Kinshasa") is the
    /// reporting organisation itself. Anything else ("Other", an unnamed enterprise) leaves the base unknown.
    /// </summary>
    private static (string? Id, string? Name, string? Country) IatiRecipient(XElement a, XElement? reporting)
    {
        var orgs = a.Elements("participating-org").ToList();
        bool Role(XElement o, string name, string code) =>
            o.Attribute("role")?.Value is { } r && (r.Equals(name, StringComparison.OrdinalIgnoreCase) || r == code);
        var recipient = orgs.FirstOrDefault(o => Role(o, "Implementing", "4"))
            ?? orgs.FirstOrDefault(o => Role(o, "Extending", "3"));
        if (recipient is null)
        {
            return (null, null, null);
        }

        var id = recipient.Attribute("ref")?.Value?.Trim();
        var name = Text(recipient);
        var reportingName = Text(reporting);
        var reportingCountry = IatiCountry(reporting?.Attribute("ref")?.Value);
        if (string.IsNullOrEmpty(id))
        {
            var ownOffice =
                !string.IsNullOrEmpty(reportingName)
                && name is not null
                && name.StartsWith(reportingName, StringComparison.OrdinalIgnoreCase);
            return ownOffice ? (reporting?.Attribute("ref")?.Value, name, null) : (null, name, null);
        }

        if (id.All(char.IsAsciiDigit) && id.Length == 5)
        {
            return id[0] switch
            {
                '4' => ("XM-DAC-" + id, name, null),
                '2' when id.StartsWith("21", StringComparison.Ordinal) => ("XM-DAC-" + id, name, null),
                '2' when id == "22000" => (null, name, reportingCountry),
                '1' => (null, name, reportingCountry),
                _ => (null, name, null),
            };
        }

        return (id, name, IatiCountry(id));
    }

    /// <summary>A government agency's IATI identifier ("GB-1", "SE-6", "US-1"): its country code.</summary>
    private static string? IatiCountry(string? id) =>
        id is { Length: >= 2 }
        && char.IsAsciiLetterUpper(id[0])
        && char.IsAsciiLetterUpper(id[1])
        && (id.Length == 2 || (id.Length >= 4 && id[2] == '-' && id[3..].All(char.IsAsciiDigit)))
            ? id[..2]
            : null;

    private static string? Text(XElement? e) =>
        e is null ? null : string.Join(' ', e.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static Dictionary<string, string> Codelist(params string[] paths)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths.Where(File.Exists))
        {
            using var parser = new Microsoft.VisualBasic.FileIO.TextFieldParser(path) { Delimiters = [","] };
            parser.ReadFields(); // the header
            while (!parser.EndOfData)
            {
                if (parser.ReadFields() is [{ Length: > 0 } code, var name, ..])
                {
                    d.TryAdd(code, name);
                }
            }
        }

        return d;
    }
}
