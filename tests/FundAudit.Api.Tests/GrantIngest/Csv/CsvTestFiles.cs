using System.Text;
using FundAudit.Api.Features.GrantIngest.Csv;

namespace FundAudit.Api.Tests.GrantIngest.Csv;

internal static class CsvTestFiles
{
    public const string Header360 = "Identifier,Title,Description,Currency,Amount Awarded,Award Date";

    public static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    public static CsvInspection Inspect(string text, CsvImportOptions? options = null) =>
        GrantCsvReader.Inspect(Utf8(text), options ?? new CsvImportOptions());

    public static CsvInspection Inspect(byte[] bytes, CsvImportOptions? options = null) =>
        GrantCsvReader.Inspect(new MemoryStream(bytes), options ?? new CsvImportOptions());

    public static CsvInspection.Accepted Accept(CsvInspection inspection) =>
        inspection switch
        {
            CsvInspection.Accepted a => a,
            CsvInspection.Refused r => throw new Xunit.Sdk.XunitException(
                "Expected the file to be accepted, but it was refused: "
                    + string.Join("; ", r.Problems.Select(p => $"{p.Code}: {p.Message}"))
            ),
            _ => throw new InvalidOperationException(),
        };

    public static CsvFileProblem RefusedWith(CsvInspection inspection, string code)
    {
        var refused = Assert.IsType<CsvInspection.Refused>(inspection);
        return Assert.Single(refused.Problems, p => p.Code == code);
    }

    /// <summary>Both passes over the same bytes.</summary>
    public static (CsvInspection.Accepted Plan, List<CsvRow> Rows) Read(byte[] bytes, CsvImportOptions? options = null)
    {
        var plan = Accept(GrantCsvReader.Inspect(new MemoryStream(bytes), options ?? new CsvImportOptions()));
        return (plan, GrantCsvReader.ReadRows(new MemoryStream(bytes), plan).ToList());
    }

    public static (CsvInspection.Accepted Plan, List<CsvRow> Rows) Read(
        string text,
        CsvImportOptions? options = null
    ) => Read(Encoding.UTF8.GetBytes(text), options);

    /// <summary>
    /// The rows of a shared data file (<paramref name="relative"/> under <see cref="SharedData"/>; Millfield House's
    /// dates are day first), or null when the file is refused as a whole: nothing is stored (SharedDataCsvTests checks
    /// why).
    /// </summary>
    public static IEnumerable<CsvRow>? SharedFileRows(string relative)
    {
        var bytes = File.ReadAllBytes(Path.Combine(SharedData(), relative));
        var options = relative.Contains("millfield", StringComparison.Ordinal)
            ? new CsvImportOptions(CsvImportOptions.DayFirst)
            : new CsvImportOptions();
        return GrantCsvReader.Inspect(new MemoryStream(bytes), options) is CsvInspection.Accepted plan
            ? GrantCsvReader.ReadRows(new MemoryStream(bytes), plan)
            : null;
    }

    /// <summary>
    /// Five valid rows whose text is awkward to write as JSON by hand: quotes, markup, apostrophes, a tab, curly quotes,
    /// CJK and emoji (surrogate pairs in a note and a place name), repeated funding types and a repeated column, in the
    /// template's layout and in 360Giving's flattened one.
    /// </summary>
    public static List<CsvRow> AwkwardRows()
    {
        var (_, rows) = Read(
            """"
            Identifier,Title,Description,Currency,Amount,Award Date,Recipient Name,Recipient Country,Beneficiary Countries,Beneficiary Places,Programme,Funding Type,Level,Purpose,Flexible,Notes,Notes
            T-1,"Quote "" and <tag> & 'apos'",Línea 1 — “curly” 日本語 😀,JPY,1200,2024-02-29,Org,KE,KE;ug,Nairobi;Kampala,Prog,Core;Core;Project,LOCAL,Prevention,yes,"=HYPERLINK(""x"") 😀",second
            T-2,Tab	inside,,EUR,0.50,2024-01-01T10:00:00Z,,,,,,,,,no,,
            T-3,No extras,,GBP,10,2023-12-31,,,,,,,,collective,,,
            """"
        );
        var (_, giving) = Read(
            """"
            Identifier,Title,Currency,Amount Awarded,Amount Disbursed,Award Date,Planned Dates:End Date,Recipient Org:Identifier,Recipient Org:Location:0:Country Code,Recipient Org:Location:1:Country Code,Beneficiary Location:0:Name,Beneficiary Location:0:Geographic Code,Beneficiary Location:0:Geographic Code Type,Funding Org:Name,Funding Type,Location Scope,For Regrant Type,Extra
            G-1,Título,USD,100.00,5,2020-01-01,2021-06-30,XI-1,ke,UG,"Cauca; Pará 😀",CO-CAU;BR-PA,ADM1;ADM1,Fund,Grant,GLS030,Other,"x ""y"""
            G-2,Plain,CHF,7,,2020-01-02,,,,,,,,,,,,
            """"
        );
        rows.AddRange(giving);
        return rows;
    }

    /// <summary>The repository root (where FundAudit.sln is).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FundAudit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FundAudit.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary><c>../shared/data</c> beside the repository; fails (never skips) when it is missing.</summary>
    public static string SharedData()
    {
        var path = Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "data"));
        if (Directory.Exists(path))
        {
            return path;
        }

        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        throw new Xunit.Sdk.XunitException(
            ci
                ? $"CI=true and the shared data folder {path} is missing: the real-file CSV tests cannot run."
                : $"The shared data folder {path} is missing, so the real 360Giving CSV tests cannot run. Put the shared data beside the repository (../shared/data)."
        );
    }
}
