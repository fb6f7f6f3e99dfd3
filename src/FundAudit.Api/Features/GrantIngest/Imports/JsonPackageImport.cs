using System.Text;
using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Csv;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>What pass 1 learnt of a 360Giving JSON package for pass 2.</summary>
/// <param name="DateOrder">How its slash dates are read (<see cref="PackageDates"/>).</param>
/// <param name="Grants">The elements of its <c>grants</c> array.</param>
/// <param name="Duplicates">Grants (by 1-based position) whose identifier a later grant has: the later one wins.
/// </param>
internal sealed record JsonPackagePlan(DateOrder DateOrder, long Grants, IReadOnlyList<DuplicateIdentifier> Duplicates);

/// <summary>
/// A 360Giving JSON package through the import job, in the job's two passes over the stored upload, one grant in
/// memory at a time (<see cref="JsonPackageReader"/>). Pass 1 (<see cref="Inspect"/>) refuses the file as a whole (not
/// JSON, not a package, over <see cref="CsvImportOptions.MaxRows"/> grants, slash dates that cannot be read one way)
/// or plans pass 2. Pass 2 (<see cref="ReadRows"/>) reads each grant as <c>POST /api/grants</c> does (the API's JSON
/// options, its rule for texts, <see cref="PackageDates"/>, <see cref="GivingGrantValidator"/>) into the row the
/// import's pipeline reads: a bad grant is a row error (row: its 1-based position in <c>grants</c>; column: the JSON
/// path, <c>grants[12].amountAwarded</c>), a valid one carries the bytes <c>POST /api/grants</c> stores.
/// </summary>
internal static class JsonPackageImport
{
    /// <summary>Pass 1: the package's shape, its grants against the row limit, their identifiers and dates.</summary>
    /// <param name="file">The stored upload (readable, seekable); left open.</param>
    /// <param name="options">The import's limits and <c>dateFormat</c>.</param>
    /// <param name="plan">Pass 2's plan, when the package is not refused.</param>
    public static CsvInspection.Refused? Inspect(Stream file, CsvImportOptions options, out JsonPackagePlan? plan)
    {
        plan = null;
        if (!CsvImportOptions.TryReadDateOrder(options.DateFormat, out var given))
        {
            return Refuse(CsvProblemCodes.InvalidOption, null, "File_DateFormatOption");
        }

        var reader = new JsonPackageReader(file, options.MaxRowBytes);
        var dates = new PackageDates.Evidence();
        using var identifiers = new IdentifierIndex();
        long count = 0;
        try
        {
            while (reader.Next(out var grant))
            {
                if (++count > options.MaxRows)
                {
                    return Refuse(CsvProblemCodes.TooManyRows, "grants", "Package_TooManyRows", options.MaxRows);
                }

                var keys = Keys(grant.Span);
                if (keys?.Id?.Trim() is { Length: > 0 } id)
                {
                    identifiers.Add(Encoding.UTF8.GetBytes(id), count);
                }

                dates.Add(reader.Index, keys?.AwardDate, keys?.PlannedDates);
            }
        }
        catch (JsonPackageException e)
        {
            return new CsvInspection.Refused([e.Problem]);
        }

        if (count == 0)
        {
            return Refuse(CsvProblemCodes.NoDataRows, "grants", "Package_Empty");
        }

        if (dates.Decide(given, out var order) is { } problem)
        {
            var code =
                problem.Key == "Package_DatesDisagree"
                    ? CsvProblemCodes.InconsistentDateFormat
                    : CsvProblemCodes.AmbiguousDateFormat;
            return Refuse(code, problem.Path, problem.Key, problem.Args);
        }

        plan = new JsonPackagePlan(order, count, identifiers.Duplicates());
        return null;
    }

    /// <summary>Pass 2: one row per element of <c>grants</c>, in package order, streaming.</summary>
    public static IEnumerable<CsvRow> ReadRows(
        Stream file,
        JsonPackagePlan plan,
        CsvImportOptions options,
        JsonSerializerOptions api
    )
    {
        var reader = new JsonPackageReader(file, options.MaxRowBytes);
        var superseded = plan.Duplicates.ToDictionary(d => d.Row, d => d.LaterRow);

        // A grant is read on its own, two levels below where the package holds it: the API's depth limit, as deep.
        var grantOptions = new JsonSerializerOptions(api) { MaxDepth = Math.Max(1, api.MaxDepth - 2) };
        var validator = new GivingGrantValidator();
        while (reader.Next(out var json))
        {
            var row = reader.Index + 1L;
            var later = superseded.TryGetValue(row, out var l) ? l : (long?)null;
            var read = new GrantRead(reader.Index, reader.Offset, later, plan.DateOrder);
            yield return Row(json, read, grantOptions, validator);
        }
    }

    /// <summary>Where one grant is and what applies to it.</summary>
    private readonly record struct GrantRead(int Index, long Offset, long? SupersededBy, DateOrder Order)
    {
        public long Row => Index + 1L;

        public string Path => $"grants[{Index}]";
    }

    /// <summary>One grant as <c>POST /api/grants</c> would read it: the row of a valid grant, or its errors.</summary>
    private static CsvRow Row(
        ReadOnlyMemory<byte> json,
        GrantRead at,
        JsonSerializerOptions options,
        GivingGrantValidator validator
    )
    {
        var errors = new List<CsvRowError>();
        var grant = Deserialize(json, at, options, errors);
        if (grant is not null)
        {
            foreach (var (path, key) in JsonTexts.Problems(grant))
            {
                var code = key == "Text_Nul" ? CsvProblemCodes.NulCharacter : CsvProblemCodes.InvalidValue;
                errors.Add(Error(at.Row, at.Path + "." + path, code, key));
            }
        }

        if (grant is not null && errors.Count == 0)
        {
            PackageDates.Rewrite(grant, at.Order);
            foreach (var failure in validator.Validate(grant).Errors)
            {
                // The message as its key too, when the rule says it with one (the console's languages).
                var text = failure.CustomState is ProblemKey k
                    ? new RowText(k.Key, [.. k.Args.Select(a => a ?? "")])
                    : null;
                var column = at.Path + "." + JsonName(failure.PropertyName);
                errors.Add(new CsvRowError(at.Row, column, CsvProblemCodes.InvalidValue, failure.ErrorMessage, text));
            }
        }

        IReadOnlyList<CsvRowError> warnings = at.SupersededBy is { } later
            ? [Error(at.Row, at.Path + ".id", CsvProblemCodes.DuplicateIdentifier, "Row_Superseded", later)]
            : [];
        var valid = errors.Count == 0 ? grant : null;
        return new CsvRow(
            at.Row,
            valid is null ? null : GrantMapping.ToRecord(valid),
            errors,
            warnings,
            null,
            at.Offset,
            at.SupersededBy
        )
        {
            PublishedJson = valid is null ? null : GrantMapping.ToStoredJsonUtf8(valid),
        };
    }

    /// <summary>The grant, or null with its error: JSON that does not fit the grant's schema (a text where a number
    /// goes, a member given twice), a lone surrogate in a text, or no object at all.</summary>
    private static GivingGrant? Deserialize(
        ReadOnlyMemory<byte> json,
        GrantRead at,
        JsonSerializerOptions options,
        List<CsvRowError> errors
    )
    {
        try
        {
            var grant = JsonSerializer.Deserialize<GivingGrant>(json.Span, options);
            if (grant is null)
            {
                errors.Add(Error(at.Row, at.Path, CsvProblemCodes.InvalidValue, "Package_GrantObject"));
            }

            return grant;
        }
        catch (JsonException e)
        {
            var inside = e.Path is { Length: > 1 } p && p[0] == '$' ? p[1..] : "";
            var key = e.InnerException is InvalidOperationException ? "Text_Surrogate" : "Row_JsonShape";
            errors.Add(Error(at.Row, at.Path + inside, CsvProblemCodes.InvalidValue, key));
            return null;
        }
    }

    /// <summary>A validator's property path in JSON's names (<c>recipientOrganization[0].name</c>), whether or not the
    /// process set FluentValidation's name resolver (the API does, at start-up; a job run elsewhere need not).
    /// </summary>
    private static string JsonName(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));

    private static CsvRowError Error(long row, string column, string code, string key, params object[] args)
    {
        var text = new RowText(key, args);
        return new CsvRowError(row, column, code, text.English(), text);
    }

    private static CsvInspection.Refused Refuse(string code, string? column, string key, params object[] args) =>
        new([CsvFileProblem.Keyed(code, column, null, key, args)]);

    /// <summary>
    /// What pass 1 reads of a grant, with the reader alone (no object made for what it does not read): its
    /// identifier and dates; null when they cannot be read (pass 2 then names the grant's error).
    /// </summary>
    private static GrantKeys? Keys(ReadOnlySpan<byte> grant)
    {
        var reader = new Utf8JsonReader(grant);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var keys = new GrantKeys();
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    keys.Id = Text(ref reader);
                }
                else if (reader.ValueTextEquals("awardDate"u8))
                {
                    keys.AwardDate = Text(ref reader);
                }
                else if (reader.ValueTextEquals("plannedDates"u8))
                {
                    keys.PlannedDates = Events(ref reader);
                }
                else
                {
                    SkipValue(ref reader);
                }
            }
        }
        catch (InvalidOperationException)
        {
            return null; // a lone surrogate
        }

        return keys;
    }

    /// <summary>Moves past the value of the property the reader is on, to that value's last token.</summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    /// <summary>The next value, when it is a text.</summary>
    private static string? Text(ref Utf8JsonReader reader)
    {
        SkipValue(ref reader);
        return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    /// <summary>The start and end dates of the next value, a list of planned dates.</summary>
    private static List<GivingEvent>? Events(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        var events = new List<GivingEvent>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var planned = new GivingEvent();
            events.Add(planned);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("startDate"u8))
                {
                    planned.StartDate = Text(ref reader);
                }
                else if (reader.ValueTextEquals("endDate"u8))
                {
                    planned.EndDate = Text(ref reader);
                }
                else
                {
                    SkipValue(ref reader);
                }
            }
        }

        return events;
    }

    private sealed class GrantKeys
    {
        public string? Id { get; set; }

        public string? AwardDate { get; set; }

        public List<GivingEvent>? PlannedDates { get; set; }
    }
}
