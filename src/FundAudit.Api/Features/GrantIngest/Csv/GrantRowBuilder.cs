using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using FundAudit.Core.Grants;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.GrantIngest.Csv;

/// <summary>Turns the current record of a <see cref="CsvReader"/> into a <see cref="CsvRow"/> (pass 2).</summary>
internal sealed partial class GrantRowBuilder(CsvInspection.Accepted plan)
{
    private static readonly CsvRowError[] NoProblems = [];

    private readonly ColumnMap map = plan.Map;
    private readonly int maxCellChars = plan.Options.MaxCellChars;

    // The map's numbered column lists, taken once: the map builds them anew on every call.
    private readonly IReadOnlyList<int> plannedStarts = plan.Map.PlannedStartDates;
    private readonly IReadOnlyList<int> plannedEnds = plan.Map.PlannedEndDates;
    private readonly IReadOnlyList<int> recipientLocationCodes = plan.Map.RecipientLocationCountryCodes;
    private readonly IReadOnlyList<LocationColumns> beneficiaryLocations = plan.Map.BeneficiaryLocations;
    private readonly IReadOnlyList<int> fundingOrgIds = plan.Map.FundingOrgIds;
    private readonly IReadOnlyList<int> fundingOrgNames = plan.Map.FundingOrgNames;
    private readonly IReadOnlyList<int> programmeTitles = plan.Map.ProgrammeTitles;
    private readonly IReadOnlyList<int> fundingTypes = plan.Map.FundingTypes;

    private CsvReader reader = null!;
    private long row;

    // Created on the first error or warning: most rows have neither.
    private List<CsvRowError>? errors;
    private List<CsvRowError>? warnings;

    public CsvRow Build(CsvReader current, long rowNumber, CsvMalformedReason? malformed, long? supersededBy)
    {
        reader = current;
        row = rowNumber;
        errors = null;
        warnings = null;

        if (malformed is { } reason)
        {
            Error(null, CsvProblemCodes.MalformedQuotes, reason switch
            {
                CsvMalformedReason.StrayQuote => "A quote character sits inside an unquoted cell; quote the whole cell and double the quotes inside it.",
                CsvMalformedReason.TextAfterClosingQuote => "Text follows the closing quote of a cell (rows may have been merged by an unbalanced quote); quote the whole cell and double the quotes inside it.",
                _ => "The quotes of this row are not balanced; quote whole cells and double the quotes inside them.",
            });
        }

        CheckNul();
        CheckFieldCount();

        var identifier = Required(map.Identifier, "Identifier", "an identifier for the grant");
        var title = Required(map.Title, "Title", "a title for the grant");
        var description = Cell(map.Description);
        var currency = ReadCurrency();
        var amount = ReadAmount(map.Amount, currency, required: true);
        var awardDate = ReadDate(map.AwardDate, required: true);
        var extra = ReadExtra();

        if (supersededBy is { } later)
        {
            (warnings ??= []).Add(new CsvRowError(row, Title(map.Identifier), CsvProblemCodes.DuplicateIdentifier,
                $"Row {later} has the same identifier and replaces this row."));
        }

        // The record is built once, with placeholders for missing required values (it is dropped then).
        var required = new RequiredCells(identifier ?? string.Empty, title, description, currency ?? string.Empty, amount ?? 0, awardDate ?? default);
        var record = map.Layout == CsvLayout.Template ? ReadTemplateFields(required) : Read360Fields(required, currency);
        var valid = errors is null && identifier is not null && currency is not null && amount is not null && awardDate is not null;
        return new CsvRow(
            row,
            valid ? record : null,
            (IReadOnlyList<CsvRowError>?)errors ?? NoProblems,
            (IReadOnlyList<CsvRowError>?)warnings ?? NoProblems,
            extra,
            reader.ByteOffset,
            supersededBy);
    }

    private GrantRecord Read360Fields(RequiredCells required, string? currency) => new()
    {
        Identifier = required.Identifier,
        Title = required.Title,
        Description = required.Description,
        Currency = required.Currency,
        AmountAwardedMinor = required.AmountAwardedMinor,
        AwardDate = required.AwardDate,
        AmountDisbursedMinor = map.AmountDisbursed >= 0 ? ReadAmount(map.AmountDisbursed, currency, required: false) : null,
        PlannedStartDate = ReadDate(FirstNonEmpty(plannedStarts), required: false),
        PlannedEndDate = ReadDate(FirstNonEmpty(plannedEnds), required: false),
        RecipientOrgId = Cell(map.RecipientOrgId),
        RecipientOrgName = Cell(map.RecipientOrgName),
        RecipientOrgCountry = Cell(map.RecipientOrgCountry),
        RecipientLocationCountryCodes = Distinct(recipientLocationCodes, upper: true),
        BeneficiaryLocations = ReadBeneficiaryLocations(),
        FundingOrgId = Cell(FirstNonEmpty(fundingOrgIds)),
        FundingOrgName = Cell(FirstNonEmpty(fundingOrgNames)),
        ProgrammeTitle = Cell(FirstNonEmpty(programmeTitles)),
        FundingTypes = Distinct(fundingTypes, upper: false),
        LocationScope = Cell(map.LocationScope),
        RegrantType = Cell(map.RegrantType),
    };

    /// <summary>The distinct ";"-separated parts of the columns, in order (upper-cased first when asked).</summary>
    private IReadOnlyList<string> Distinct(IReadOnlyList<int> columns, bool upper)
    {
        if (columns.Count == 0)
        {
            return [];
        }

        var parts = columns.SelectMany(i => Split(Cell(i)));
        return [.. (upper ? parts.Select(c => c.ToUpperInvariant()) : parts).Distinct()];
    }

    private IReadOnlyList<BeneficiaryLocation> ReadBeneficiaryLocations()
    {
        List<BeneficiaryLocation>? all = null;
        foreach (var group in beneficiaryLocations)
        {
            Locations(group, ref all);
        }

        return all is null ? [] : all;
    }

    private GrantRecord ReadTemplateFields(RequiredCells required)
    {
        var countries = new List<BeneficiaryLocation>();
        foreach (var code in Split(Cell(map.BeneficiaryCountries)))
        {
            if (!CountryCode().IsMatch(code))
            {
                Error(map.BeneficiaryCountries, CsvProblemCodes.InvalidValue, "Expected two-letter ISO 3166 country codes (such as KE or GB) separated by \";\".");
                break;
            }

            countries.Add(new BeneficiaryLocation(null, code.ToUpperInvariant(), null, null));
        }

        return new GrantRecord
        {
            Identifier = required.Identifier,
            Title = required.Title,
            Description = required.Description,
            Currency = required.Currency,
            AmountAwardedMinor = required.AmountAwardedMinor,
            AwardDate = required.AwardDate,
            RecipientOrgName = Cell(map.RecipientOrgName),
            RecipientOrgCountry = Cell(map.RecipientOrgCountry),
            BeneficiaryLocations = [.. countries, .. Split(Cell(map.BeneficiaryPlaces)).Select(p => new BeneficiaryLocation(p, null, null, null))],
            ProgrammeTitle = Cell(FirstNonEmpty(programmeTitles)),
            FundingTypes = Distinct(fundingTypes, upper: false),
            ExplicitLevel = OneOf(map.Level, ["global", "regional", "national", "local"]),
            ExplicitPurpose = OneOf(map.Purpose, ["prevention", "collective", "emergency", "campaign", "other"]),
            ExplicitFlexible = ReadFlexible(),
        };
    }

    private void Locations(LocationColumns group, ref List<BeneficiaryLocation>? locations)
    {
        // A derived file joins several locations with "; " in one cell: the n-th part of each cell is one location.
        // Most cells hold one part: they are not split (nor copied) then, and make one location as they are.
        var name = Cell(group.Name);
        var code = Cell(group.CountryCode);
        var geoCode = Cell(group.GeoCode);
        var geoType = Cell(group.GeoCodeType);
        if (name is null && code is null && geoCode is null && geoType is null)
        {
            return;
        }

        if (!HasParts(name) && !HasParts(code) && !HasParts(geoCode) && !HasParts(geoType))
        {
            (locations ??= []).Add(new BeneficiaryLocation(name, code?.ToUpperInvariant(), geoCode, geoType));
            return;
        }

        var names = Parts(name);
        var codes = Parts(code);
        var geo = Parts(geoCode);
        var types = Parts(geoType);
        var count = Math.Max(Math.Max(names.Length, codes.Length), Math.Max(geo.Length, types.Length));
        locations ??= new List<BeneficiaryLocation>(count);
        for (var k = 0; k < count; k++)
        {
            var location = new BeneficiaryLocation(
                At(names, k),
                At(codes, k)?.ToUpperInvariant(),
                At(geo, k),
                At(types, k));
            if (location is not { Name: null, CountryCode: null, GeoCode: null, GeoCodeType: null })
            {
                locations.Add(location);
            }
        }

        static bool HasParts(string? text) => text is not null && text.Contains(';', StringComparison.Ordinal);

        static string? At(string[] parts, int k) => k < parts.Length && parts[k].Length > 0 ? parts[k] : null;

        static string[] Parts(string? text) =>
            text is null ? [] : text.Contains(';', StringComparison.Ordinal) ? text.Split(';', StringSplitOptions.TrimEntries) : [text];
    }

    private string? ReadCurrency()
    {
        var text = Cell(map.Currency);
        if (text is null)
        {
            if (!HasError(map.Currency))
            {
                Error(map.Currency, CsvProblemCodes.RequiredCellEmpty, "Currency is required: expected a three-letter ISO 4217 code such as GBP, EUR or USD.");
            }

            return null;
        }

        if (!Currencies.IsKnown(text))
        {
            Error(map.Currency, CsvProblemCodes.InvalidCurrency, "Expected a three-letter ISO 4217 currency code such as GBP, EUR or USD.");
            return null;
        }

        return text.ToUpperInvariant();
    }

    private long? ReadAmount(int column, string? currency, bool required)
    {
        if (currency is not null && TryParsePlainAmount(CellBytes(column), Currencies.Exponent(currency), out var plain))
        {
            return plain;
        }

        var text = Cell(column);
        if (text is null)
        {
            if (required && !HasError(column))
            {
                Error(column, CsvProblemCodes.RequiredCellEmpty, "An amount is required: expected a number such as 1234.50.");
            }

            return null;
        }

        string? problem = null;
        var code = CsvProblemCodes.InvalidAmount;
        if (!AmountPattern().IsMatch(text))
        {
            problem = "Expected a number with a dot as decimal separator, such as 1234.50 or 1,234.50, without a currency symbol or other text.";
        }
        else if (currency is null)
        {
            return null; // the currency error is already reported
        }
        else if (!MinorUnits.TryParse(text, currency, out var minor))
        {
            var exponent = Currencies.Exponent(currency);
            var frac = AmountPattern().Match(text).Groups["frac"];
            var decimals = frac.Success ? frac.Value.TrimEnd('0').Length : 0;
            (code, problem) = decimals > exponent
                ? (CsvProblemCodes.TooManyDecimals, $"{currency} amounts have at most {exponent} decimal places.")
                : (CsvProblemCodes.InvalidAmount, "The amount is too large.");
        }
        else
        {
            return minor;
        }

        if (required)
        {
            Error(column, code, problem);
        }
        else
        {
            Ignored(column, problem);
        }

        return null;
    }

    /// <summary>
    /// The usual amount cell as UTF-8, ASCII digits with at most one dot and no more decimals than the currency has
    /// (<c>35656.12</c>), read without a string, the pattern and <see cref="decimal"/>: the same value as
    /// <see cref="MinorUnits.TryParse"/>, in a fraction of the time. Anything else (spaces, signs, thousands separators,
    /// long or odd numbers) returns false and takes the general path, errors included.
    /// </summary>
    private static bool TryParsePlainAmount(ReadOnlySpan<byte> text, int exponent, out long minor)
    {
        minor = 0;
        var dot = text.IndexOf((byte)'.');
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? [] : text[(dot + 1)..].TrimEnd((byte)'0');
        if (whole.Length is 0 or > 14 || (dot >= 0 && text.Length - dot - 1 is 0 or > 18) || fraction.Length > exponent
            || whole.ContainsAnyExceptInRange((byte)'0', (byte)'9') || fraction.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
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

        var text = Cell(column);
        if (text is null)
        {
            if (required && !HasError(column))
            {
                Error(column, CsvProblemCodes.RequiredCellEmpty, "A date is required: " + CsvDates.Expected + ".");
            }

            return null;
        }

        var outcome = CsvDates.TryParse(text, plan.DateOrder, out var date);
        if (outcome == CsvDates.Outcome.Ok)
        {
            return date;
        }

        var (code, message) = outcome == CsvDates.Outcome.Impossible
            ? (CsvProblemCodes.ImpossibleDate, "No such date or time (for example 31/02); " + CsvDates.Expected + ".")
            : (CsvProblemCodes.InvalidDate, char.ToUpperInvariant(CsvDates.Expected[0]) + CsvDates.Expected[1..] + ".");
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

        Error(column, CsvProblemCodes.InvalidValue, $"Expected one of {string.Join(", ", allowed)}, or an empty cell.");
        return null;
    }

    private bool? ReadFlexible()
    {
        switch (Cell(map.Flexible)?.ToLowerInvariant())
        {
            case null: return null;
            case "true" or "yes": return true;
            case "false" or "no": return false;
            default:
                Error(map.Flexible, CsvProblemCodes.InvalidValue, "Expected true, false, yes or no, or an empty cell.");
                return null;
        }
    }

    private string? Required(int column, string name, string what)
    {
        var text = Cell(column);
        if (text is null && !HasError(column))
        {
            Error(column, CsvProblemCodes.RequiredCellEmpty, $"{name} is required: expected {what}.");
        }

        return text;
    }

    /// <summary>The cell's UTF-8 bytes as they are (not trimmed); empty when absent.</summary>
    private ReadOnlySpan<byte> CellBytes(int column) => column >= 0 && column < reader.FieldCount ? reader.GetSpan(column) : default;

    /// <summary>The trimmed cell, or <c>null</c> when empty, absent or too long (a <c>cell_too_long</c> error, reported once).</summary>
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
                Error(column, CsvProblemCodes.CellTooLong, $"The cell is longer than {maxCellChars:N0} characters.");
            }

            return null;
        }

        var text = reader.GetString(column).Trim();
        return text.Length == 0 ? null : text;
    }

    private Dictionary<string, string>? ReadExtra()
    {
        Dictionary<string, string>? extra = null;
        foreach (var column in map.ExtraColumns)
        {
            if (Cell(column) is { } value)
            {
                extra ??= new Dictionary<string, string>(StringComparer.Ordinal);
                var title = map.Titles[column].Trim();
                if (!extra.TryAdd(title, value))
                {
                    extra[$"{title} (column {column + 1})"] = value;
                }
            }
        }

        return extra;
    }

    private void CheckNul()
    {
        if (reader.RawRecord.IndexOf((byte)0) < 0)
        {
            return;
        }

        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (reader.GetRawSpan(i).IndexOf((byte)0) >= 0)
            {
                Error(i < map.Titles.Count ? i : null, CsvProblemCodes.NulCharacter, "The cell contains NUL characters (binary data); a CSV holds text only.");
                return;
            }
        }
    }

    private void CheckFieldCount()
    {
        for (var i = map.Titles.Count; i < reader.FieldCount; i++)
        {
            if (!reader.GetSpan(i).Trim(" \t"u8).IsEmpty)
            {
                Error(null, CsvProblemCodes.TooManyFields,
                    $"The row has {reader.FieldCount} cells but the header has {map.Titles.Count} columns; often a value holds the delimiter without quotes around it.");
                return;
            }
        }
    }

    private static List<string> Split(string? text, bool keepEmpty = false)
    {
        if (text is null)
        {
            return [];
        }

        var parts = text.Split(';', StringSplitOptions.TrimEntries);
        return keepEmpty ? [.. parts] : [.. parts.Where(p => p.Length > 0)];
    }

    private int FirstNonEmpty(IReadOnlyList<int> columns)
    {
        foreach (var c in columns)
        {
            if (c < reader.FieldCount && !reader.GetSpan(c).Trim(" \t"u8).IsEmpty)
            {
                return c;
            }
        }

        return -1;
    }

    private string? Title(int column) => column >= 0 && column < map.Titles.Count ? map.Titles[column] : null;

    private bool HasError(int column) => errors is not null && errors.Exists(e => e.Column == Title(column) && e.Column is not null);

    private void Error(int? column, string code, string message) =>
        (errors ??= []).Add(new CsvRowError(row, column is { } c ? Title(c) : null, code, message));

    private void Ignored(int column, string message) =>
        (warnings ??= []).Add(new CsvRowError(row, Title(column), CsvProblemCodes.OptionalValueIgnored, message + " The cell was left empty."));

    private readonly record struct RequiredCells(string Identifier, string? Title, string? Description, string Currency, long AmountAwardedMinor, DateOnly AwardDate);

    [GeneratedRegex(@"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?<frac>[0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex AmountPattern();

    [GeneratedRegex(@"^[A-Za-z]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex CountryCode();
}
