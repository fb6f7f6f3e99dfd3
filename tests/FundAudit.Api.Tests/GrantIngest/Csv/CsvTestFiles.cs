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
