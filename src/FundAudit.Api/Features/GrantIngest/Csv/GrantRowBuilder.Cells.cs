using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using FundAudit.Core.Grants;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.GrantIngest.Csv;

internal sealed partial class GrantRowBuilder
{
    private string? ReadCurrency()
    {
        if (Required(map.Currency, "Row_CurrencyRequired") is not { } text)
        {
            return null;
        }

        if (!Currencies.IsKnown(text))
        {
            Error(map.Currency, CsvProblemCodes.InvalidCurrency, "Row_CurrencyUnknown");
            return null;
        }

        return text.ToUpperInvariant();
    }

    private long? ReadAmount(int column, string? currency, bool required)
    {
        if (
            currency is not null
            && TryParsePlainAmount(CellBytes(column), Currencies.Exponent(currency), out var plain)
        )
        {
            return plain;
        }

        if (Required(column, "Row_AmountRequired", required) is not { } text)
        {
            return null;
        }

        string? problem = null;
        object[] args = [];
        var code = CsvProblemCodes.InvalidAmount;
        if (!AmountPattern().IsMatch(text))
        {
            problem = "Row_AmountNotNumber";
        }
        else if (currency is null)
        {
            return null; // the currency error is already reported
        }
        else if (!TryMinorUnits(text, currency, out var minor))
        {
            (code, problem, args) = OutOfRange(text, currency);
        }
        else
        {
            return minor;
        }

        if (required)
        {
            Error(column, code, problem, args);
        }
        else
        {
            Ignored(column, problem, args);
        }

        return null;
    }

    /// <summary>
    /// A well-formed amount in minor units, read as the JSON package reads it: a double's binary noise from a
    /// spreadsheet export (<c>41133.770000000004</c>) is dropped by
    /// <see cref="PublishedAmount.WithoutDoubleNoise(decimal)"/>; any other digit beyond the currency's decimals
    /// still refuses the row.
    /// </summary>
    private static bool TryMinorUnits(string text, string currency, out long minor)
    {
        minor = 0;
        return MinorUnits.TryParseNumber(text, out var value)
            && MinorUnits.TryFromDecimal(PublishedAmount.WithoutDoubleNoise(value), currency, out minor);
    }

    /// <summary>
    /// Why a well-formed amount has no value in minor units (a ProblemText key and its arguments): more decimals than
    /// the currency has, or too large.
    /// </summary>
    private static (string Code, string Problem, object[] Args) OutOfRange(string text, string currency)
    {
        var exponent = Currencies.Exponent(currency);
        var frac = AmountPattern().Match(text).Groups["frac"];
        var decimals = frac.Success ? frac.Value.TrimEnd('0').Length : 0;
        return decimals > exponent
            ? (CsvProblemCodes.TooManyDecimals, "Row_AmountDecimals", [currency, (long)exponent])
            : (CsvProblemCodes.InvalidAmount, "Row_AmountTooLarge", []);
    }

    /// <summary>
    /// The usual amount cell as UTF-8, ASCII digits with at most one dot and no more decimals than the currency has
    /// (<c>35656.12</c>), read without a string, the pattern and <see cref="decimal"/>: the same value as
    /// <see cref="MinorUnits.TryParse"/>, in a fraction of the time. Anything else (spaces, signs, thousands
    /// separators,
    /// long or odd numbers) returns false and takes the general path, errors included.
    /// </summary>
    private static bool TryParsePlainAmount(ReadOnlySpan<byte> text, int exponent, out long minor)
    {
        minor = 0;
        var dot = text.IndexOf((byte)'.');
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? [] : text[(dot + 1)..].TrimEnd((byte)'0');
        if (
            whole.Length is 0 or > 14
            || (dot >= 0 && text.Length - dot - 1 is 0 or > 18)
            || fraction.Length > exponent
            || whole.ContainsAnyExceptInRange((byte)'0', (byte)'9')
            || fraction.ContainsAnyExceptInRange((byte)'0', (byte)'9')
        )
        {
            return false;
        }

        long value = 0;
        foreach (var c in whole)
        {
            value = (value * 10) + (c - '0');
        }

        for (var k = 0; k < exponent; k++)
        {
            value = (value * 10) + (k < fraction.Length ? fraction[k] - '0' : 0);
        }

        minor = value;
        return true;
    }

    private DateOnly? ReadDate(int column, bool required)
    {
        if (CsvDates.TryParsePlain(CellBytes(column), out var plain))
        {
            return plain;
        }

        if (Required(column, "Row_DateRequired", required) is not { } text)
        {
            return null;
        }

        var outcome = CsvDates.TryParse(text, plan.DateOrder, out var date);
        if (outcome == CsvDates.Outcome.Ok)
        {
            return date;
        }

        var (code, message) =
            outcome == CsvDates.Outcome.Impossible
                ? (CsvProblemCodes.ImpossibleDate, "Row_DateImpossible")
                : (CsvProblemCodes.InvalidDate, "Row_DateInvalid");
        if (required)
        {
            Error(column, code, message);
        }
        else
        {
            Ignored(column, message);
        }

        return null;
    }

    private string? OneOf(int column, string[] allowed)
    {
        var text = Cell(column);
        if (text is null)
        {
            return null;
        }

        var lower = text.ToLowerInvariant();
        if (allowed.Contains(lower))
        {
            return lower;
        }

        Error(column, CsvProblemCodes.InvalidValue, "Row_OneOf", string.Join(", ", allowed));
        return null;
    }

    /// <summary>The Location Scope code (any case) or its codelist title as the code; anything else is a row error
    /// (the uploader stated it on purpose).</summary>
    private string? ReadLocationScope()
    {
        if (Cell(map.LocationScope) is not { } text)
        {
            return null;
        }

        var code = ExplicitClassification.LocationScope(text);
        if (code is null)
        {
            Error(map.LocationScope, CsvProblemCodes.InvalidValue, "Row_LocationScope");
        }

        return code;
    }

    private bool? ReadFlexible()
    {
        switch (Cell(map.Flexible)?.ToLowerInvariant())
        {
            case null:
                return null;
            case "true" or "yes":
                return true;
            case "false" or "no":
                return false;
            default:
                Error(map.Flexible, CsvProblemCodes.InvalidValue, "Row_Flexible");
                return null;
        }
    }

    /// <summary>The cell, or (when <paramref name="required"/>) a <c>required_cell_empty</c> error saying
    /// <paramref name="key"/>.</summary>
    private string? Required(int column, string key, bool required = true)
    {
        var text = Cell(column);
        if (text is null && required && !HasError(column))
        {
            Error(column, CsvProblemCodes.RequiredCellEmpty, key);
        }

        return text;
    }

    /// <summary>The cell's UTF-8 bytes as they are (not trimmed); empty when absent.</summary>
    private ReadOnlySpan<byte> CellBytes(int column) =>
        column >= 0 && column < reader.FieldCount ? reader.GetSpan(column) : default;

    /// <summary>The trimmed cell, or <c>null</c> when empty, absent or too long (a <c>cell_too_long</c> error, reported
    /// once).</summary>
    private string? Cell(int column)
    {
        if (column < 0 || column >= reader.FieldCount)
        {
            return null;
        }

        var span = reader.GetSpan(column);
        if (span.IsEmpty)
        {
            return null;
        }

        if (span.Length > maxCellChars && Encoding.UTF8.GetCharCount(span) > maxCellChars)
        {
            if (!HasError(column))
            {
                Error(column, CsvProblemCodes.CellTooLong, "Row_CellTooLong", (long)maxCellChars);
            }

            return null;
        }

        var text = reader.GetString(column).Trim();
        return text.Length == 0 ? null : text;
    }

    [GeneratedRegex(@"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?<frac>[0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex AmountPattern();

    [GeneratedRegex(@"^[A-Za-z]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex CountryCode();
}
