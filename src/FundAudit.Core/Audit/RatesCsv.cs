using System.Globalization;

namespace FundAudit.Core.Audit;

/// <summary>A problem in an uploaded rates file, at a 1-based row (the header is row 1) and a column name.</summary>
public sealed record RatesCsvError(int Row, string Column, string Message);

public sealed record RatesCsvResult(
    IReadOnlyList<ExchangeRate> Rates,
    IReadOnlyList<RatesCsvError> Errors,
    string Layout
);

/// <summary>
/// Reads exchange rates from CSV in one of two layouts, told apart by the header:
/// <list type="bullet">
/// <item>ECB reference-rate history (<c>Date,USD,JPY,…</c>, rates per 1 EUR), as published: <c>N/A</c> or empty
/// cells are no rate, a trailing comma (an unnamed last column) is ignored, currencies no longer issued (CYP, ROL…)
/// load like any other.</item>
/// <item>Long: <c>date,currency,rate_to_base,base</c>, where <c>rate_to_base</c> is how many units of
/// <c>currency</c> one unit of <c>base</c> buys (the ECB convention: <c>2025-05-09,USD,1.1252,EUR</c>).</item>
/// </list>
/// The file is all or nothing: any error names its row and column, and the caller stores nothing.
/// </summary>
public static class RatesCsv
{
    public const int MaxErrors = 50;

    public static RatesCsvResult Parse(TextReader reader)
    {
        var header = reader.ReadLine();
        if (header is null)
        {
            return new(
                [],
                [
                    new RatesCsvError(
                        1,
                        "",
                        "The file is empty: expected a header 'Date,USD,…' (ECB) or "
                            + "'date,currency,rate_to_base,base'."
                    ),
                ],
                "unknown"
            );
        }

        var columns = Split(header.TrimStart('\uFEFF')).Select(c => c.Trim()).ToList();
        if (
            columns.Count >= 4
            && columns
                .Take(4)
                .Select(c => c.ToLowerInvariant())
                .SequenceEqual(["date", "currency", "rate_to_base", "base"])
        )
        {
            return ParseLong(reader, columns);
        }

        if (columns.Count >= 2 && string.Equals(columns[0], "Date", StringComparison.OrdinalIgnoreCase))
        {
            return ParseWide(reader, columns);
        }

        return new(
            [],
            [
                new RatesCsvError(
                    1,
                    columns.FirstOrDefault() ?? "",
                    "Unknown layout: expected a header " + "'Date,USD,…' (ECB) or 'date,currency,rate_to_base,base'."
                ),
            ],
            "unknown"
        );
    }

    private static RatesCsvResult ParseWide(TextReader reader, List<string> columns)
    {
        var errors = new List<RatesCsvError>();
        CheckCurrencyColumns(columns, errors);

        var rates = new List<ExchangeRate>();
        foreach (var (row, line) in DataLines(reader, errors))
        {
            var cells = Split(line);
            if (!TryDate(cells[0], out var date))
            {
                errors.Add(new RatesCsvError(row, "Date", $"'{Clip(cells[0])}' is not a date (YYYY-MM-DD)."));
                continue;
            }

            if (cells.Count > columns.Count && cells.Skip(columns.Count).Any(x => x.Trim().Length > 0))
            {
                errors.Add(
                    new RatesCsvError(row, "", $"{cells.Count} cells but the header has {columns.Count} " + $"columns.")
                );
                continue;
            }

            for (var c = 1; c < cells.Count && c < columns.Count; c++)
            {
                var cell = cells[c].Trim();
                if (
                    columns[c].Length == 0
                    || cell.Length == 0
                    || string.Equals(cell, "N/A", StringComparison.OrdinalIgnoreCase)
                )
                {
                    continue;
                }

                if (TryRate(cell, out var rate))
                {
                    rates.Add(new ExchangeRate(date, columns[c].ToUpperInvariant(), "EUR", rate));
                }
                else
                {
                    errors.Add(new RatesCsvError(row, columns[c], $"'{Clip(cell)}' is not a positive rate."));
                }
            }
        }

        return new(errors.Count == 0 ? rates : [], errors, "ecb");
    }

    /// <summary>Notes each column after the date whose title is not a currency code.</summary>
    private static void CheckCurrencyColumns(List<string> columns, List<RatesCsvError> errors)
    {
        for (var c = 1; c < columns.Count; c++)
        {
            if (columns[c].Length == 0 && c == columns.Count - 1)
            {
                continue; // the ECB file's trailing comma
            }

            if (!IsCode(columns[c]))
            {
                errors.Add(
                    new RatesCsvError(
                        1,
                        columns[c],
                        $"Column {c + 1} '{columns[c]}' is not a 3-letter " + $"currency code."
                    )
                );
            }
        }
    }

    private static RatesCsvResult ParseLong(TextReader reader, List<string> columns)
    {
        var errors = new List<RatesCsvError>();
        var rates = new List<ExchangeRate>();
        foreach (var (row, line) in DataLines(reader, errors))
        {
            var cells = Split(line).Select(c => c.Trim()).ToList();
            if (cells.Count < 4)
            {
                errors.Add(
                    new RatesCsvError(
                        row,
                        columns[Math.Min(cells.Count, 3)],
                        $"Expected 4 cells " + $"(date,currency,rate_to_base,base), found {cells.Count}."
                    )
                );
                continue;
            }

            var ok = true;
            if (!TryDate(cells[0], out var date))
            {
                errors.Add(new RatesCsvError(row, "date", $"'{Clip(cells[0])}' is not a date (YYYY-MM-DD)."));
                ok = false;
            }

            ok &= CheckCode(cells[1], row, "currency", errors);

            if (!TryRate(cells[2], out var rate))
            {
                errors.Add(new RatesCsvError(row, "rate_to_base", $"'{Clip(cells[2])}' is not a positive rate."));
                ok = false;
            }

            ok &= CheckCode(cells[3], row, "base", errors);

            if (ok)
            {
                rates.Add(new ExchangeRate(date, cells[1].ToUpperInvariant(), cells[3].ToUpperInvariant(), rate));
            }
        }

        return new(errors.Count == 0 ? rates : [], errors, "long");
    }

    /// <summary>The non-blank lines after the header with their row numbers, until the errors reach the cap.</summary>
    private static IEnumerable<(int Row, string Line)> DataLines(TextReader reader, List<RatesCsvError> errors)
    {
        var row = 1;
        while (reader.ReadLine() is { } line && errors.Count < MaxErrors)
        {
            row++;
            if (line.Trim().Length > 0)
            {
                yield return (row, line);
            }
        }
    }

    /// <summary>
    /// True when <paramref name="cell"/> is a currency code; otherwise notes the error in its column.
    /// </summary>
    private static bool CheckCode(string cell, int row, string column, List<RatesCsvError> errors)
    {
        if (IsCode(cell))
        {
            return true;
        }

        errors.Add(new RatesCsvError(row, column, $"'{Clip(cell)}' is not a 3-letter currency code."));
        return false;
    }

    private static bool IsCode(string text) => text.Length == 3 && text.All(char.IsAsciiLetter);

    private static bool TryDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static bool TryRate(string text, out decimal rate) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out rate)
        && rate > 0
        && rate < 100_000_000m;

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;

    /// <summary>Splits one CSV line (RFC 4180 quotes allowed; rates files do not need them).</summary>
    private static List<string> Split(string line)
    {
        var cells = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                cells.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }

        cells.Add(current.ToString());
        return cells;
    }
}
