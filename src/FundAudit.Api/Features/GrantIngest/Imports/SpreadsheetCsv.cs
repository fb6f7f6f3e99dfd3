using System.Text;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// Writes RFC 4180 CSV for people to open in a spreadsheet: CRLF line ends, cells quoted when they hold a comma, quote,
/// CR or LF (quotes doubled), and every cell that starts with <c>= + - @</c>, tab or CR prefixed with <c>'</c> so a
/// spreadsheet shows it as text instead of running it as a formula (DESIGN "Data about defenders").
/// </summary>
internal static class SpreadsheetCsv
{
    public static string Neutralize(string cell) =>
        cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cell : cell;

    public static void AppendRow(StringBuilder csv, params string?[] cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                csv.Append(',');
            }

            var cell = Neutralize(cells[i] ?? "");
            if (cell.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                csv.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                csv.Append(cell);
            }
        }

        csv.Append("\r\n");
    }
}
