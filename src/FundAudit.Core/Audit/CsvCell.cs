using System.Text;

namespace FundAudit.Core.Audit;

/// <summary>
/// CSV cells safe to open in a spreadsheet: a cell starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or
/// carriage return gets a leading apostrophe so it is shown as text and never evaluated as a formula (OWASP CSV
/// injection); every cell is then quoted per RFC 4180 when it holds a comma, quote or line break.
/// </summary>
public static class CsvCell
{
    public static string Neutralise(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        return value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
    }

    public static string Format(string? value)
    {
        var safe = Neutralise(value);
        return safe.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : safe;
    }

    public static string Line(IEnumerable<string?> cells)
    {
        var sb = new StringBuilder();
        foreach (var cell in cells)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(Format(cell));
        }

        return sb.Append("\r\n").ToString();
    }
}
