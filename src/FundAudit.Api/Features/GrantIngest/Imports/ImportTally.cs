using System.Globalization;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// The reader's count of one run: rows read, accepted, rejected and superseded, how far into the file, and the
/// warnings and row errors kept within the stored limits (<see cref="GrantImportOptions.MaxStoredWarnings"/>,
/// <see cref="GrantImportOptions.MaxStoredErrors"/>; the counts stay exact). Only the reader's thread writes it.
/// </summary>
internal sealed class ImportTally(ImportSource source, GrantImportOptions options, long fileBytes)
{
    private long _storedErrors;

    /// <summary>The amounts of the superseded rows per currency (decimal, exact: no sum can overflow).</summary>
    private readonly SortedDictionary<string, decimal> _superseded = new(StringComparer.Ordinal);

    public long Read { get; private set; }

    public long Accepted { get; private set; }

    public long Rejected { get; private set; }

    public long Superseded { get; private set; }

    /// <summary>Where the last row read starts; the file's size once it is read to the end.</summary>
    public long Bytes { get; private set; }

    public List<ImportProblem> Warnings { get; } = source.Warnings.Select(ImportOutcome.Problem).ToList();

    public long WarningCount { get; private set; } = source.Warnings.Count;

    public bool ErrorsTruncated { get; private set; }

    /// <summary>Every row is read: progress shows the whole file.</summary>
    public void ReadToEnd() => Bytes = fileBytes;

    public ImportProgressCounts Counts() => new(source.DataRows, Read, Accepted, Rejected, Superseded, Bytes);

    /// <summary>
    /// Counts one row and keeps its warnings, and its errors in <paramref name="errors"/>. True when the row is to be
    /// stored: valid, and not superseded by a later row with its identifier (accepted, since it was readable, but the
    /// file's last word wins).
    /// </summary>
    public bool Count(CsvRow row, List<ImportRowError> errors)
    {
        Read++;
        Bytes = row.BytePosition;
        foreach (var warning in row.Warnings)
        {
            if (++WarningCount <= options.MaxStoredWarnings)
            {
                Warnings.Add(
                    new ImportProblem(warning.Code, warning.Message, warning.Column, warning.Row, warning.Text)
                );
            }
        }

        if (row.Errors.Count > 0)
        {
            Rejected++;
            foreach (var error in row.Errors)
            {
                if (++_storedErrors <= options.MaxStoredErrors)
                {
                    errors.Add(new ImportRowError(error.Row, error.Column, error.Code, error.Message, error.Text));
                }
                else
                {
                    ErrorsTruncated = true;
                }
            }

            return false;
        }

        Accepted++;
        if (row.SupersededByRow is not null)
        {
            Superseded++;
            if (row.Record is { } grant)
            {
                _superseded[grant.Currency] =
                    _superseded.GetValueOrDefault(grant.Currency)
                    + MinorUnits.ToDecimal(grant.AmountAwardedMinor, grant.Currency);
            }

            return false;
        }

        return true;
    }

    /// <summary>How the run ends once every row is read: succeeded, or refused when no row was valid.</summary>
    public ImportOutcome Outcome()
    {
        IReadOnlyList<ImportProblem> problems =
            Accepted > 0 ? [] : [new("no_valid_rows", ProblemText.Invariant("Import_NoValidRows"))];
        var status = Accepted > 0 ? ImportStatus.Succeeded : ImportStatus.Refused;
        if (Superseded > 0)
        {
            Warnings.Add(SupersededTotal());
            WarningCount++;
        }

        return new ImportOutcome(status, Counts(), problems, Warnings, WarningCount, ErrorsTruncated);
    }

    /// <summary>
    /// The file's one warning about its duplicate identifiers, kept whatever the limit on stored warnings: how many
    /// rows a later row with their identifier replaced, and their money, which is not stored. Real publishers give one
    /// identifier to different grants (a published arts council's file lost two thirds of its money that way), so
    /// the import says what the audit will not count.
    /// </summary>
    private ImportProblem SupersededTotal()
    {
        var amounts = string.Join(
            "; ",
            _superseded.Select(a =>
                a.Key + " " + a.Value.ToString("N" + Currencies.Exponent(a.Key), CultureInfo.InvariantCulture)
            )
        );
        var text = new RowText("Import_SupersededTotal", [Superseded, amounts]);
        return new ImportProblem(CsvProblemCodes.DuplicateIdentifiersNotStored, text.English(), Text: text);
    }
}
