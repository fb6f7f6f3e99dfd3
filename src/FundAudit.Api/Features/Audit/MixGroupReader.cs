namespace FundAudit.Api.Features.Audit;

/// <summary>
/// Reads one row of the sums grouped from the grants (grants, amount, currency, award date, then the summed
/// dimensions in <see cref="MixDimensions"/> order) into a <see cref="MixRow"/>, sharing the strings a row repeats
/// from the one before (currency, level, purpose, region, country, programme).
/// </summary>
/// <param name="funderId">The query's funder.</param>
/// <param name="dimensions">The summed dimensions' names, in the order the SQL selects them.</param>
internal sealed class GroupReader(long funderId, string[] dimensions)
{
    private readonly string?[] _texts = new string?[dimensions.Length + 1];

    public MixRow Read(IRowCursor row)
    {
        string level = "unclassified",
            purpose = "unclassified";
        string? region = null,
            country = null,
            programme = null;
        bool? flexible = null;
        for (var i = 0; i < dimensions.Length; i++)
        {
            var ordinal = 4 + i;
            switch (dimensions[i])
            {
                case "level":
                    level = Text(row, ordinal, i + 1) ?? level;
                    break;
                case "purpose":
                    purpose = Text(row, ordinal, i + 1) ?? purpose;
                    break;
                case "flexible":
                    flexible = row.IsNull(ordinal) ? null : row.Int64(ordinal) != 0;
                    break;
                case "region":
                    region = Text(row, ordinal, i + 1);
                    break;
                case "country":
                    country = Text(row, ordinal, i + 1);
                    break;
                default:
                    programme = Text(row, ordinal, i + 1);
                    break;
            }
        }

        return new MixRow
        {
            Grants = row.Int64(0),
            Amount = row.Int64(1),
            Currency = Text(row, 2, 0)!,
            AwardDate = row.Date(3),
            FunderId = funderId,
            Level = level,
            Purpose = purpose,
            Flexible = flexible,
            Region = region,
            Country = country,
            Programme = programme,
        };
    }

    /// <summary>The column's text, or null; the same string as the previous row's when the text is the same.</summary>
    private string? Text(IRowCursor row, int ordinal, int slot)
    {
        if (row.IsNull(ordinal))
        {
            return null;
        }

        if (_texts[slot] is { } last && row.TextIs(ordinal, last))
        {
            return last;
        }

        return _texts[slot] = row.Text(ordinal);
    }
}
