namespace FundAudit.Api.Features.Audit;

/// <summary>
/// Numbers as the audit's CSV files write them (the mix, the trend, the quality checks): invariant
/// culture, so a share is <c>12.5</c> whatever the server's language.
/// </summary>
internal static class CsvNumbers
{
    public static string Num(decimal d) => d.ToString(CultureInfo.InvariantCulture);

    public static string Num(long d) => d.ToString(CultureInfo.InvariantCulture);
}
