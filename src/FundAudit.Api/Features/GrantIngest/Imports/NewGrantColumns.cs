namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// Where the values that both import totals group by (<see cref="NewGrantDayTotals"/>,
/// <see cref="NewGrantQualityTotals"/>) stand in a row the bulk path writes (<see cref="GrantStore.WriteColumns"/>).
/// </summary>
internal static class NewGrantColumns
{
    public static readonly int AwardDate = GrantStore.WriteColumnIndex("award_date");
    public static readonly int Currency = GrantStore.WriteColumnIndex("currency");
    public static readonly int Level = GrantStore.WriteColumnIndex("level");
    public static readonly int Purpose = GrantStore.WriteColumnIndex("purpose");
    public static readonly int PurposeSource = GrantStore.WriteColumnIndex("purpose_source");
    public static readonly int Amount = GrantStore.WriteColumnIndex("amount_awarded");
}
