using System.Text;
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

    // The map's numbered column lists, taken once (the map builds them anew on every call), as arrays: a foreach over
    // an IReadOnlyList boxes its enumerator, several times a row.
    private readonly int[] plannedStarts = [.. plan.Map.PlannedStartDates];
    private readonly int[] plannedEnds = [.. plan.Map.PlannedEndDates];
    private readonly int[] recipientLocationCodes = [.. plan.Map.RecipientLocationCountryCodes];
    private readonly LocationColumns[] beneficiaryLocations = [.. plan.Map.BeneficiaryLocations];
    private readonly int[] fundingOrgIds = [.. plan.Map.FundingOrgIds];
    private readonly int[] fundingOrgNames = [.. plan.Map.FundingOrgNames];
    private readonly int[] programmeTitles = [.. plan.Map.ProgrammeTitles];
    private readonly int[] fundingTypes = [.. plan.Map.FundingTypes];
    private readonly int[] extraColumns = [.. plan.Map.ExtraColumns];

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
            Error(null, CsvProblemCodes.MalformedQuotes, MalformedKey(reason));
        }

        CheckNul();
        CheckFieldCount();

        var identifier = Required(map.Identifier, "Row_IdentifierRequired");
        var title = Required(map.Title, "Row_TitleRequired");
        var description = Cell(map.Description);
        var currency = ReadCurrency();
        var amount = ReadAmount(map.Amount, currency, required: true);
        var awardDate = ReadDate(map.AwardDate, required: true);
        var extra = ReadExtra();

        if (supersededBy is { } later)
        {
            WarnSuperseded(later);
        }

        // The record is built once, with placeholders for missing required values (it is dropped then).
        var required = new RequiredCells(
            identifier ?? string.Empty,
            title,
            description,
            currency ?? string.Empty,
            amount ?? 0,
            awardDate ?? default
        );
        var record =
            map.Layout == CsvLayout.Template ? ReadTemplateFields(required) : Read360Fields(required, currency);
        var valid =
            errors is null
            && identifier is not null
            && currency is not null
            && amount is not null
            && awardDate is not null;
        return new CsvRow(
            row,
            valid ? record : null,
            (IReadOnlyList<CsvRowError>?)errors ?? NoProblems,
            (IReadOnlyList<CsvRowError>?)warnings ?? NoProblems,
            extra,
            reader.ByteOffset,
            supersededBy
        );
    }

    /// <summary>Why the quotes of a malformed row are wrong, and how to fix them (a ProblemText key).</summary>
    private static string MalformedKey(CsvMalformedReason reason) =>
        reason switch
        {
            CsvMalformedReason.StrayQuote => "Row_QuoteStray",
            CsvMalformedReason.TextAfterClosingQuote => "Row_QuoteAfterClosing",
            _ => "Row_QuotesUnbalanced",
        };

    /// <summary>Warns that a later row with the same identifier replaces this one.</summary>
    private void WarnSuperseded(long later)
    {
        var text = new RowText("Row_Superseded", [later]);
        (warnings ??= []).Add(
            new CsvRowError(row, Title(map.Identifier), CsvProblemCodes.DuplicateIdentifier, text.English(), text)
        );
    }

    private GrantRecord Read360Fields(RequiredCells required, string? currency)
    {
        var recipientOrgId = Cell(map.RecipientOrgId);
        var recipientOrgName = Cell(map.RecipientOrgName);
        return new()
        {
            Identifier = required.Identifier,
            Title = required.Title,
            Description = required.Description,
            Currency = required.Currency,
            AmountAwardedMinor = required.AmountAwardedMinor,
            AwardDate = required.AwardDate,
            AmountDisbursedMinor =
                map.AmountDisbursed >= 0 ? ReadAmount(map.AmountDisbursed, currency, required: false) : null,
            PlannedStartDate = ReadDate(FirstNonEmpty(plannedStarts), required: false),
            PlannedEndDate = ReadDate(FirstNonEmpty(plannedEnds), required: false),
            RecipientOrgId = recipientOrgId,
            RecipientOrgName = recipientOrgName,
            RecipientOrgCountry = Cell(map.RecipientOrgCountry),
            RecipientOrgPostalCode = Cell(map.RecipientPostalCode),
            RecipientOrgLocality = Cell(map.RecipientCity),
            RecipientOrgRegion = Cell(map.RecipientCounty),
            RecipientIsIndividual =
                recipientOrgId is null
                && recipientOrgName is null
                && (Cell(map.RecipientIndividualId) ?? Cell(map.RecipientIndividualName)) is not null,
            RecipientLocationCountryCodes = Distinct(recipientLocationCodes, upper: true),
            BeneficiaryLocations = ReadBeneficiaryLocations(),
            FundingOrgId = Cell(FirstNonEmpty(fundingOrgIds)),
            FundingOrgName = Cell(FirstNonEmpty(fundingOrgNames)),
            ProgrammeTitle = Cell(FirstNonEmpty(programmeTitles)),
            FundingTypes = Distinct(fundingTypes, upper: false),
            LocationScope = ReadLocationScope(),
            RegrantType = Cell(map.RegrantType),
            ExplicitLevel = OneOf(map.Level, ExplicitClassification.Levels),
            ExplicitPurpose = OneOf(map.Purpose, ExplicitClassification.Purposes),
            ExplicitFlexible = ReadFlexible(),
        };
    }

    /// <summary>The distinct ";"-separated parts of the columns, in order (upper-cased first when asked).</summary>
    private IReadOnlyList<string> Distinct(int[] columns, bool upper)
    {
        // Written out rather than with LINQ (SelectMany, Select, Distinct): most cells hold one part or none.
        List<string>? parts = null;
        foreach (var column in columns)
        {
            if (Cell(column) is not { } text)
            {
                continue;
            }

            if (!text.Contains(';', StringComparison.Ordinal))
            {
                AddDistinct(ref parts, upper ? text.ToUpperInvariant() : text); // Cell trimmed it: not empty
                continue;
            }

            foreach (var part in text.Split(';', StringSplitOptions.TrimEntries))
            {
                if (part.Length > 0)
                {
                    AddDistinct(ref parts, upper ? part.ToUpperInvariant() : part);
                }
            }
        }

        return parts is null ? [] : parts;

        static void AddDistinct(ref List<string>? parts, string part)
        {
            if (parts is null)
            {
                parts = [part];
            }
            else if (!parts.Contains(part))
            {
                parts.Add(part);
            }
        }
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
                Error(map.BeneficiaryCountries, CsvProblemCodes.InvalidValue, "Row_CountryCodes");
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
            BeneficiaryLocations =
            [
                .. countries,
                .. Split(Cell(map.BeneficiaryPlaces)).Select(p => new BeneficiaryLocation(p, null, null, null)),
            ],
            ProgrammeTitle = Cell(FirstNonEmpty(programmeTitles)),
            FundingTypes = Distinct(fundingTypes, upper: false),
            LocationScope = ReadLocationScope(),
            ExplicitLevel = OneOf(map.Level, ExplicitClassification.Levels),
            ExplicitPurpose = OneOf(map.Purpose, ExplicitClassification.Purposes),
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
                At(types, k)
            );
            if (location is not { Name: null, CountryCode: null, GeoCode: null, GeoCodeType: null })
            {
                locations.Add(location);
            }
        }

        static bool HasParts(string? text) => text is not null && text.Contains(';', StringComparison.Ordinal);

        static string? At(string[] parts, int k) => k < parts.Length && parts[k].Length > 0 ? parts[k] : null;

        static string[] Parts(string? text) =>
            text is null ? []
            : text.Contains(';', StringComparison.Ordinal) ? text.Split(';', StringSplitOptions.TrimEntries)
            : [text];
    }

    private Dictionary<string, string>? ReadExtra()
    {
        Dictionary<string, string>? extra = null;
        foreach (var column in extraColumns)
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
                Error(i < map.Titles.Count ? i : null, CsvProblemCodes.NulCharacter, "Row_NulCharacter");
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
                Error(
                    null,
                    CsvProblemCodes.TooManyFields,
                    "Row_TooManyFields",
                    (long)reader.FieldCount,
                    (long)map.Titles.Count
                );
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

    private int FirstNonEmpty(int[] columns)
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

    private bool HasError(int column) =>
        errors is not null && errors.Exists(e => e.Column == Title(column) && e.Column is not null);

    /// <summary>A row error: the ProblemText <paramref name="key"/> with <paramref name="args"/> (strings or whole
    /// numbers), stored in English and as the key for the console's languages.</summary>
    private void Error(int? column, string code, string key, params object[] args)
    {
        var text = new RowText(key, args);
        (errors ??= []).Add(new CsvRowError(row, column is { } c ? Title(c) : null, code, text.English(), text));
    }

    /// <summary>An optional cell's problem, as a warning: the ProblemText <paramref name="key"/>, then that the cell
    /// was left empty (<c>Row_LeftEmpty</c>).</summary>
    private void Ignored(int column, string key, params object[] args)
    {
        var text = new RowText(key, args, Then: "Row_LeftEmpty");
        (warnings ??= []).Add(
            new CsvRowError(row, Title(column), CsvProblemCodes.OptionalValueIgnored, text.English(), text)
        );
    }

    private readonly record struct RequiredCells(
        string Identifier,
        string? Title,
        string? Description,
        string Currency,
        long AmountAwardedMinor,
        DateOnly AwardDate
    );
}
