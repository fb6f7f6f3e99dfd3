using System.Globalization;
using System.Text;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Core.Money;
using static FundAudit.Api.Tests.GrantIngest.Csv.CsvTestFiles;

namespace FundAudit.Api.Tests.GrantIngest.Csv;

/// <summary>Rules about rows and cells: required cells, dates, amounts, currencies, quotes, limits, mapping.</summary>
public sealed class GrantCsvReaderRowTests
{
    private static CsvRowError SingleError(CsvRow row, string code)
    {
        Assert.Null(row.Record);
        return Assert.Single(row.Errors, e => e.Code == code);
    }

    private static void NoEcho(CsvRow row, string hostile)
    {
        foreach (var e in row.Errors.Concat(row.Warnings))
        {
            Assert.DoesNotContain(hostile, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_clean_row_becomes_a_grant_record()
    {
        var (_, rows) = Read(
            Header360
                + ",Recipient Org:Name,Funding Org:Identifier,Funding Org:Name,Planned Dates:Start Date,Amount Disbursed\n"
                + "G1, Core support ,For defenders,GBP,1000.5,2024-03-31,Org,GB-CHC-1,Funder,2024-04-01,500\n"
        );
        var row = Assert.Single(rows);
        Assert.Equal(2, row.Row);
        Assert.Empty(row.Errors);
        var r = row.Record!;
        Assert.Equal(
            ("G1", "Core support", "For defenders", "GBP", 100050L),
            (r.Identifier, r.Title, r.Description, r.Currency, r.AmountAwardedMinor)
        );
        Assert.Equal(new DateOnly(2024, 3, 31), r.AwardDate);
        Assert.Equal(new DateOnly(2024, 4, 1), r.PlannedStartDate);
        Assert.Equal(50000L, r.AmountDisbursedMinor);
        Assert.Equal(("Org", "GB-CHC-1", "Funder"), (r.RecipientOrgName, r.FundingOrgId, r.FundingOrgName));
    }

    [Theory]
    [InlineData(",T,,GBP,1,2024-01-01", "Identifier")]
    [InlineData("G1,,,GBP,1,2024-01-01", "Title")]
    [InlineData("G1,T,,,1,2024-01-01", "Currency")]
    [InlineData("G1,T,,GBP,,2024-01-01", "Amount Awarded")]
    [InlineData("G1,T,,GBP,1,  ", "Award Date")]
    public void Empty_required_cell_is_a_row_error_naming_the_column(string line, string column)
    {
        var (_, rows) = Read(Header360 + "\nG0,T,,GBP,1,2024-01-01\n" + line + "\n");
        Assert.NotNull(rows[0].Record);
        var error = SingleError(rows[1], CsvProblemCodes.RequiredCellEmpty);
        Assert.Equal(3, error.Row);
        Assert.Equal(column, error.Column);
    }

    [Fact]
    public void Error_names_the_column_title_as_written_in_the_file()
    {
        var (_, rows) = Read("IDENTIFIER,title,currency,amount awarded,AWARD DATE\nG1,T,GBP,1,\n");
        Assert.Equal("AWARD DATE", SingleError(rows[0], CsvProblemCodes.RequiredCellEmpty).Column);
    }

    [Theory]
    [InlineData("2024-03-31", 2024, 3, 31)]
    [InlineData("2024-03-31T23:30:00+05:00", 2024, 3, 31)]
    [InlineData("2024-03-31T00:00:00Z", 2024, 3, 31)]
    [InlineData("2020-04-14T12:30:15.123Z", 2020, 4, 14)]
    [InlineData("2008-06-04 00:00:00.000000", 2008, 6, 4)]
    [InlineData("31/03/2024", 2024, 3, 31)]
    [InlineData("31/03/2024 14:05", 2024, 3, 31)]
    [InlineData("31/03/2024 14:05:09", 2024, 3, 31)]
    [InlineData("08/2013", 2013, 8, 1)]
    [InlineData("19 April 2013", 2013, 4, 19)]
    public void Accepted_date_forms_keep_the_date_part(string cell, int y, int m, int d)
    {
        var (_, rows) = Read(Header360 + $"\nG1,T,,GBP,1,{cell}\n");
        Assert.Equal(new DateOnly(y, m, d), Assert.Single(rows).Record?.AwardDate);
    }

    [Fact]
    public void Day_first_is_detected_and_the_proving_row_recorded()
    {
        var (plan, rows) = Read(
            Header360 + "\nG1,T,,GBP,1,03/04/2020\nG2,T,,GBP,1,2020-01-01\nG3,T,,GBP,1,25/12/2020\n"
        );
        Assert.Equal(
            (DateOrder.DayFirst, DateOrderSource.Detected, 4L),
            (plan.DateOrder, plan.DateOrderSource, plan.DateOrderRow)
        );
        Assert.Equal(new DateOnly(2020, 4, 3), rows[0].Record?.AwardDate);
    }

    [Fact]
    public void Month_first_is_detected_from_a_second_part_above_twelve()
    {
        var (plan, rows) = Read(Header360 + "\nG1,T,,GBP,1,03/04/2020\nG2,T,,GBP,1,12/25/2020\n");
        Assert.Equal(
            (DateOrder.MonthFirst, DateOrderSource.Detected, 3L),
            (plan.DateOrder, plan.DateOrderSource, plan.DateOrderRow)
        );
        Assert.Equal(new DateOnly(2020, 3, 4), rows[0].Record?.AwardDate);
    }

    [Fact]
    public void Both_orders_in_one_file_is_refused_as_inconsistent()
    {
        var problem = RefusedWith(
            Inspect(Header360 + "\nG1,T,,GBP,1,25/12/2020\nG2,T,,GBP,1,12/25/2020\n"),
            CsvProblemCodes.InconsistentDateFormat
        );
        Assert.Equal(3, problem.Row);
        Assert.Equal("Award Date", problem.Column);
    }

    [Fact]
    public void Ambiguous_slash_dates_are_refused_asking_for_date_format()
    {
        var problem = RefusedWith(
            Inspect(Header360 + "\nG1,T,,GBP,1,2020-01-01\nG2,T,,GBP,1,03/04/2020\n"),
            CsvProblemCodes.AmbiguousDateFormat
        );
        Assert.Equal(3, problem.Row);
        Assert.Contains("dateFormat", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("03/04/2020", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_given_date_format_decides_and_is_recorded()
    {
        var (plan, rows) = Read(Header360 + "\nG1,T,,GBP,1,03/04/2020\n", new CsvImportOptions("mm/dd/yyyy"));
        Assert.Equal((DateOrder.MonthFirst, DateOrderSource.Given), (plan.DateOrder, plan.DateOrderSource));
        Assert.Equal(new DateOnly(2020, 3, 4), rows[0].Record?.AwardDate);
    }

    [Fact]
    public void Dates_that_need_no_order_say_so()
    {
        var plan = Accept(
            Inspect(Header360 + "\nG1,T,,GBP,1,2020-01-01\nG2,T,,GBP,1,05/2020\nG3,T,,GBP,1,05/05/2020\n")
        );
        Assert.Equal(
            (DateOrder.NotNeeded, DateOrderSource.NotNeeded, (long?)null),
            (plan.DateOrder, plan.DateOrderSource, plan.DateOrderRow)
        );
    }

    [Theory]
    [InlineData("31/02/2020", CsvProblemCodes.ImpossibleDate)]
    [InlineData("2021-02-29", CsvProblemCodes.ImpossibleDate)]
    [InlineData("13/2020", CsvProblemCodes.ImpossibleDate)]
    [InlineData("next tuesday", CsvProblemCodes.InvalidDate)]
    [InlineData("43831", CsvProblemCodes.InvalidDate)]
    [InlineData("٢٠٢٤-٠٣-٣١", CsvProblemCodes.InvalidDate)] // Arabic-Indic digits: once matched \d, then crashed the import
    [InlineData("٣١/٠٣/٢٠٢٤", CsvProblemCodes.InvalidDate)]
    public void Impossible_or_unknown_dates_are_row_errors(string cell, string code)
    {
        var (_, rows) = Read(Header360 + $"\nG0,T,,GBP,1,25/12/2020\nG1,T,,GBP,1,{cell}\n");
        var error = SingleError(rows[1], code);
        Assert.Equal(("Award Date", 3L), (error.Column, error.Row));
        NoEcho(rows[1], cell);
    }

    [Theory]
    [InlineData("\"1,234.50\"", "GBP", 123450)]
    [InlineData("1234.5", "GBP", 123450)]
    [InlineData("50000.0", "GBP", 5000000)]
    [InlineData("1000", "JPY", 1000)]
    [InlineData("1.250", "KWD", 1250)]
    [InlineData("175290", "chf", 17529000)]
    public void Amounts_become_minor_units(string cell, string currency, long minor)
    {
        var (_, rows) = Read(Header360 + $"\nG1,T,,{currency},{cell},2024-01-01\n");
        Assert.Equal(minor, Assert.Single(rows).Record?.AmountAwardedMinor);
    }

    /// <summary>
    /// A CSV written from a spreadsheet's doubles carries their binary noise; the cell is read at the 15 significant
    /// digits a spreadsheet keeps, as a JSON package's amount is (one rule: <c>PublishedAmount</c>), never dropping a
    /// digit a person wrote (the next test).
    /// </summary>
    [Fact]
    public void A_doubles_binary_noise_is_read_as_the_json_package_reads_it()
    {
        (string Cell, string Currency, long Minor)[] cases =
        [
            ("41133.770000000004", "GBP", 4113377),
            ("\"41,133.770000000004\"", "GBP", 4113377),
            ("1234.5599999999999", "GBP", 123456),
            ("0.30000000000000004", "GBP", 30),
            ("99999.990000000005", "USD", 9999999),
            ("1500.0000000000002", "JPY", 1500),
        ];
        foreach (var (cell, currency, minor) in cases)
        {
            var (_, rows) = Read(Header360 + $"\nG1,T,,{currency},{cell},2024-01-01\n");
            var number = decimal.Parse(cell.Trim('"'), NumberStyles.Number, CultureInfo.InvariantCulture);
            var json = new GivingGrant { AmountAwarded = number }.AmountAwarded;
            Assert.True(MinorUnits.TryFromDecimal(json!.Value, currency, out var jsonMinor), cell);
            Assert.Equal((minor, minor), (Assert.Single(rows).Record?.AmountAwardedMinor, jsonMinor));
        }
    }

    [Theory]
    [InlineData("1.005")]
    [InlineData("1.0000001")]
    [InlineData("41133.7700001")]
    public void A_real_fraction_of_a_penny_is_still_refused(string cell)
    {
        var (_, rows) = Read(Header360 + $"\nG1,T,,GBP,{cell},2024-01-01\n");
        Assert.Contains(
            "2 decimal",
            SingleError(rows[0], CsvProblemCodes.TooManyDecimals).Message,
            StringComparison.Ordinal
        );
    }

    [Theory]
    [InlineData("£100", CsvProblemCodes.InvalidAmount)]
    [InlineData("100 GBP", CsvProblemCodes.InvalidAmount)]
    [InlineData("١٠٠", CsvProblemCodes.InvalidAmount)]
    [InlineData("\"1.234,50\"", CsvProblemCodes.InvalidAmount)]
    [InlineData("\"1,2,3\"", CsvProblemCodes.InvalidAmount)]
    [InlineData("12.345", CsvProblemCodes.TooManyDecimals)]
    public void Bad_amounts_are_row_errors_saying_what_was_expected(string cell, string code)
    {
        var (_, rows) = Read(Header360 + $"\nG1,T,,GBP,{cell},2024-01-01\n");
        var error = SingleError(rows[0], code);
        Assert.Equal("Amount Awarded", error.Column);
        Assert.Contains(
            code == CsvProblemCodes.TooManyDecimals ? "2 decimal" : "1234.50",
            error.Message,
            StringComparison.Ordinal
        );
        NoEcho(rows[0], cell.Trim('"'));
    }

    [Fact]
    public void Decimals_beyond_a_zero_decimal_currency_are_refused_for_the_row()
    {
        var (_, rows) = Read(Header360 + "\nG1,T,,JPY,100.5,2024-01-01\n");
        Assert.Contains(
            "0 decimal",
            SingleError(rows[0], CsvProblemCodes.TooManyDecimals).Message,
            StringComparison.Ordinal
        );
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("£")]
    [InlineData("pounds")]
    public void Unknown_currency_is_a_row_error(string cell)
    {
        var (_, rows) = Read(Header360 + $"\nG1,T,,{cell},1,2024-01-01\n");
        Assert.Equal("Currency", SingleError(rows[0], CsvProblemCodes.InvalidCurrency).Column);
        NoEcho(rows[0], cell);
    }

    [Fact]
    public void Stray_quote_is_a_row_error_and_the_next_rows_are_read()
    {
        var (plan, rows) = Read(
            Header360 + "\nG1,T,,GBP,1,2024-01-01\nG2,Big \"quote here,,GBP,1,2024-01-01\nG3,T,,GBP,1,2024-01-01\n"
        );
        Assert.Equal(3, plan.DataRowCount);
        var error = SingleError(rows[1], CsvProblemCodes.MalformedQuotes);
        Assert.Equal(3, error.Row);
        Assert.NotNull(rows[2].Record);
        Assert.Equal(4, rows[2].Row);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_a_row_error()
    {
        var (_, rows) = Read(Header360 + "\nG1,\"quoted\" tail,,GBP,1,2024-01-01\n");
        SingleError(rows[0], CsvProblemCodes.MalformedQuotes);
    }

    [Fact]
    public void A_one_megabyte_cell_is_a_row_error_and_the_reader_goes_on()
    {
        var hostile = new string('x', 1024 * 1024);
        var (_, rows) = Read(Header360 + $"\nG1,T,\"{hostile}\",GBP,1,2024-01-01\nG2,T,,GBP,1,2024-01-01\n");
        var error = SingleError(rows[0], CsvProblemCodes.CellTooLong);
        Assert.Equal(("Description", 2L), (error.Column, error.Row));
        NoEcho(rows[0], "xxxxxxxx");
        Assert.NotNull(rows[1].Record);
    }

    [Fact]
    public void More_cells_than_the_header_is_a_row_error_but_trailing_empty_cells_are_not()
    {
        var (_, rows) = Read(Header360 + "\nG1,T,,GBP,1,2024-01-01,surplus\nG2,T,,GBP,1,2024-01-01,,\n");
        var error = SingleError(rows[0], CsvProblemCodes.TooManyFields);
        Assert.Equal((2L, (string?)null), (error.Row, error.Column));
        NoEcho(rows[0], "surplus");
        Assert.NotNull(rows[1].Record);
    }

    [Fact]
    public void Nul_bytes_after_the_first_kilobytes_are_a_row_error()
    {
        var filler = string.Concat(
            Enumerable.Range(1, 200).Select(i => $"F{i},Filler title for row {i},,GBP,1,2024-01-01\n")
        );
        var bytes = Encoding
            .UTF8.GetBytes(Header360 + "\n" + filler + "G1,Bad")
            .Concat(new byte[] { 0 })
            .Concat(Encoding.UTF8.GetBytes("title,,GBP,1,2024-01-01\nG2,T,,GBP,1,2024-01-01\n"))
            .ToArray();
        Assert.True(bytes.Length > 8 * 1024);
        var (_, rows) = Read(bytes);
        var error = SingleError(rows[200], CsvProblemCodes.NulCharacter);
        Assert.Equal(("Title", 202L), (error.Column, error.Row));
        Assert.NotNull(rows[201].Record);
    }

    [Fact]
    public void Formula_looking_text_is_kept_as_plain_text()
    {
        var (_, rows) = Read(
            Header360 + "\nG1,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",@SUM(A1),GBP,1,2024-01-01\n"
        );
        var record = Assert.Single(rows).Record;
        Assert.Equal("=HYPERLINK(\"http://evil.example\",\"x\")", record?.Title);
        Assert.Equal("@SUM(A1)", record?.Description);
    }

    [Fact]
    public void Duplicate_identifier_later_row_wins_and_earlier_row_is_warned()
    {
        var (plan, rows) = Read(
            Header360
                + "\nG1,First,,GBP,1,2024-01-01\nG2,T,,GBP,1,2024-01-01\n G1 ,Second,,GBP,2,2024-01-01\nG3,T,,GBP,1,2024-01-01\nG1,Third,,GBP,3,2024-01-01\n"
        );
        Assert.Equal([new DuplicateIdentifier(2, 6), new DuplicateIdentifier(4, 6)], plan.Duplicates);
        Assert.Equal(6, rows[0].SupersededByRow);
        Assert.Equal(CsvProblemCodes.DuplicateIdentifier, Assert.Single(rows[0].Warnings).Code);
        Assert.NotNull(rows[0].Record);
        Assert.Null(rows[4].SupersededByRow);
        Assert.Empty(rows[4].Warnings);
        Assert.Null(rows[1].SupersededByRow);
    }

    [Fact]
    public void Row_numbers_are_spreadsheet_rows_with_multiline_cells_and_blank_lines()
    {
        var (plan, rows) = Read(Header360 + "\nG1,\"two\nlines\",,GBP,1,2024-01-01\n\n,,,,,\nG2,T,,GBP,1,\n");
        Assert.Equal(2, plan.DataRowCount);
        Assert.Equal([2L, 5L], rows.Select(r => r.Row));
        Assert.Equal("two\nlines", rows[0].Record?.Title);
        Assert.Equal(5, SingleError(rows[1], CsvProblemCodes.RequiredCellEmpty).Row);
        Assert.True(rows[1].BytePosition > rows[0].BytePosition);
    }

    [Fact]
    public void Unknown_columns_are_kept_aside()
    {
        var (plan, rows) = Read(
            Header360
                + ",WebAddress,Internal Organisation ID,Beneficiary Location:Latitude\nG1,T,,GBP,1,2024-01-01,http://x.example,,51.5\n"
        );
        Assert.Equal(["WebAddress", "Internal Organisation ID", "Beneficiary Location:Latitude"], plan.ExtraColumns);
        var extra = Assert.Single(rows).Extra;
        Assert.NotNull(extra);
        Assert.Equal("http://x.example", extra["WebAddress"]);
        Assert.Equal("51.5", extra["Beneficiary Location:Latitude"]);
        Assert.False(extra.ContainsKey("Internal Organisation ID"));
        Assert.Empty(rows[0].Errors);
    }

    [Fact]
    public void Beneficiary_locations_numbered_unnumbered_and_joined_are_read()
    {
        var csv =
            Header360
            + ",Beneficiary Location:Name,Beneficiary Location:Country Code,Beneficiary Location:1:Name,Beneficiary Location:1:Country Code,Beneficiary Location:1:Geographic Code,Beneficiary Location:1:Geographic Code Type,Recipient Org:Location:0:Country Code,Grant Programme:0:Title,Grant Programme:1:Title,Funding Type,Location Scope,For Regrant Type\n"
            + "G1,T,,GBP,1,2024-01-01,Kenya; Uganda,ke; UG,Leeds,GB,E08000035,LAD,gb,,Rapid,Grant;Core,GLS010,FRG010\n";
        var (_, rows) = Read(csv);
        var r = Assert.Single(rows).Record!;
        Assert.Equal(
            [new("Kenya", "KE", null, null), new("Uganda", "UG", null, null), new("Leeds", "GB", "E08000035", "LAD")],
            r.BeneficiaryLocations
        );
        Assert.Equal(["GB"], r.RecipientLocationCountryCodes);
        Assert.Equal("Rapid", r.ProgrammeTitle);
        Assert.Equal(["Grant", "Core"], r.FundingTypes);
        Assert.Equal(("GLS010", "FRG010"), (r.LocationScope, r.RegrantType));
    }

    [Fact]
    public void Unreadable_optional_planned_date_is_left_empty_with_a_warning()
    {
        var (_, rows) = Read(
            Header360 + ",Planned Dates:Start Date,Amount Disbursed\nG1,T,,GBP,1,2024-01-01,someday,lots\n"
        );
        var row = Assert.Single(rows);
        Assert.NotNull(row.Record);
        Assert.Null(row.Record.PlannedStartDate);
        Assert.Null(row.Record.AmountDisbursedMinor);
        Assert.Equal(
            ["Amount Disbursed", "Planned Dates:Start Date"],
            row.Warnings.Select(w => w.Column).Order(StringComparer.Ordinal)
        );
        NoEcho(row, "someday");
        NoEcho(row, "lots");
    }

    [Fact]
    public void Template_constant_reads_as_one_grant_with_explicit_fields()
    {
        var (plan, rows) = Read(GrantCsvReader.TemplateCsv);
        Assert.Equal(CsvLayout.Template, plan.Layout);
        Assert.Empty(plan.ExtraColumns);
        var row = Assert.Single(rows);
        Assert.Empty(row.Errors);
        var r = row.Record!;
        Assert.Equal(("USD", 1500000L, new DateOnly(2024, 3, 31)), (r.Currency, r.AmountAwardedMinor, r.AwardDate));
        Assert.Equal(("national", "emergency", (bool?)true), (r.ExplicitLevel, r.ExplicitPurpose, r.ExplicitFlexible));
        Assert.Equal(
            ("Example Defenders Network", "KE", "Rapid Response"),
            (r.RecipientOrgName, r.RecipientOrgCountry, r.ProgrammeTitle)
        );
        Assert.Equal(
            ["KE", "UG"],
            r.BeneficiaryLocations.Where(l => l.CountryCode is not null).Select(l => l.CountryCode)
        );
        Assert.Equal(["Nairobi", "Kampala"], r.BeneficiaryLocations.Where(l => l.Name is not null).Select(l => l.Name));
        Assert.Equal(["Grant"], r.FundingTypes);
    }

    [Theory]
    [InlineData("planetary,,", "Level")]
    [InlineData(",charity,", "Purpose")]
    [InlineData(",,maybe", "Flexible")]
    public void Template_explicit_fields_must_be_known_values(string cells, string column)
    {
        var (_, rows) = Read(
            "Identifier,Title,Currency,Amount,Award Date,Level,Purpose,Flexible\nG1,T,GBP,1,2024-01-01," + cells + "\n"
        );
        Assert.Equal(column, SingleError(rows[0], CsvProblemCodes.InvalidValue).Column);
    }

    [Fact]
    public void Template_optional_fields_may_be_empty_and_flexible_accepts_no()
    {
        var (_, rows) = Read(
            "Identifier,Title,Currency,Amount,Award Date,Level,Purpose,Flexible\nG1,T,GBP,1,2024-01-01,,,No\nG2,T,GBP,1,2024-01-01,GLOBAL,Campaign,\n"
        );
        Assert.Equal(
            (null, null, (bool?)false),
            (rows[0].Record?.ExplicitLevel, rows[0].Record?.ExplicitPurpose, rows[0].Record?.ExplicitFlexible)
        );
        Assert.Equal(
            ("global", "campaign", (bool?)null),
            (rows[1].Record?.ExplicitLevel, rows[1].Record?.ExplicitPurpose, rows[1].Record?.ExplicitFlexible)
        );
    }

    [Fact]
    public void Template_beneficiary_countries_must_be_two_letter_codes()
    {
        var (_, rows) = Read(
            "Identifier,Title,Currency,Amount,Award Date,Beneficiary Countries\nG1,T,GBP,1,2024-01-01,Kenya;UG\n"
        );
        Assert.Equal("Beneficiary Countries", SingleError(rows[0], CsvProblemCodes.InvalidValue).Column);
        NoEcho(rows[0], "Kenya");
    }
}
