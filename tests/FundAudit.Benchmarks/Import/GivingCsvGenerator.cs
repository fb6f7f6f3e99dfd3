using System.Globalization;
using System.Text;

namespace FundAudit.Benchmarks.Import;

/// <summary>
/// Writes a realistic 360Giving flat CSV: multilingual descriptions (en/es/pt/fr) with commas and quotes, one to three
/// beneficiary locations, several currencies, planned dates, recipient and funder organisations. Deterministic per seed.
/// </summary>
internal static class GivingCsvGenerator
{
    private static readonly string[] Header =
    [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Amount Disbursed",
        "Award Date",
        "Planned Dates:Start Date",
        "Planned Dates:End Date",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Recipient Org:Country",
        "Beneficiary Location:0:Name",
        "Beneficiary Location:0:Country Code",
        "Beneficiary Location:1:Name",
        "Beneficiary Location:1:Country Code",
        "Beneficiary Location:2:Name",
        "Beneficiary Location:2:Country Code",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Grant Programme:Title",
        "Location Scope",
        "Internal Reference",
    ];

    private static readonly string[] Descriptions =
    [
        "Emergency relocation, legal support and digital security for a land defender facing threats after reporting illegal logging.",
        "Apoyo de emergencia para la reubicación temporal de una defensora indígena y su familia, incluida asistencia legal y \"acompañamiento\".",
        "Apoio jurídico e psicológico a defensores quilombolas ameaçados; inclui formação em protocolos de segurança coletiva.",
        "Soutien d'urgence à une journaliste menacée : relocalisation, frais médicaux et accompagnement juridique, « sans délai ».",
        "Core funding for a national network documenting attacks on environmental defenders, with flexible use of funds.",
        "Fortalecimiento de redes regionales de protección, campañas públicas y litigio estratégico ante el sistema interamericano.",
    ];

    private static readonly (string Code, string Place)[] Places =
    [
        ("HN", "Atlántida"),
        ("BR", "Pará"),
        ("CO", "Cauca"),
        ("KE", "Nairobi"),
        ("PH", "Mindanao"),
        ("MX", "Guerrero"),
        ("GT", "Alta Verapaz"),
        ("CD", "Nord-Kivu"),
        ("SN", "Dakar"),
        ("PE", "Loreto"),
        ("UG", "Kampala"),
        ("FR", "Île-de-France"),
    ];

    private static readonly string[] Currencies = ["USD", "EUR", "GBP", "BRL", "COP", "JPY", "CHF"];

    public static long Write(string path, int rows, int seed = 42)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write(string.Join(',', Header));
        writer.Write("\r\n");
        var line = new StringBuilder(1024);
        for (var i = 1; i <= rows; i++)
        {
            line.Clear();
            var currency = Currencies[random.Next(Currencies.Length)];
            var whole = random.Next(500, 250_000);
            var amount =
                currency == "JPY"
                    ? (whole * 100).ToString(CultureInfo.InvariantCulture)
                    : $"{whole}.{random.Next(100):D2}";
            var award = new DateOnly(2015, 1, 1).AddDays(random.Next(3650));
            var locations = random.Next(1, 4);
            Cell(line, $"360G-BENCH-{i:D8}");
            Cell(line, $"Protection grant {i} / Subvención {i}");
            Cell(line, Descriptions[random.Next(Descriptions.Length)] + $" Ref {i}.");
            Cell(line, currency);
            Cell(line, amount);
            Cell(line, random.Next(3) == 0 ? "" : amount);
            Cell(line, award.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            Cell(line, award.AddDays(14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            Cell(line, award.AddDays(14 + random.Next(90, 720)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            Cell(line, $"XI-ORG-{random.Next(20_000):D5}");
            Cell(line, $"Colectivo de Defensores {random.Next(20_000)}");
            var home = Places[random.Next(Places.Length)];
            Cell(line, home.Code);
            for (var l = 0; l < 3; l++)
            {
                var place = l < locations ? Places[random.Next(Places.Length)] : ("", "");
                Cell(line, place.Item2);
                Cell(line, place.Item1);
            }

            Cell(line, "GB-CHC-1234567");
            Cell(line, "Example Protection Fund");
            Cell(line, random.Next(2) == 0 ? "Rapid Response" : "Resilience");
            Cell(line, "GLS0" + (10 + (10 * random.Next(5))).ToString(CultureInfo.InvariantCulture));
            Cell(line, $"INT-{random.Next(1_000_000)}", last: true);
            line.Append("\r\n");
            writer.Write(line);
        }

        writer.Flush();
        return writer.BaseStream.Length;
    }

    private static void Cell(StringBuilder line, string value, bool last = false)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
        {
            line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            line.Append(value);
        }

        if (!last)
        {
            line.Append(',');
        }
    }
}
