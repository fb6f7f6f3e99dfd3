namespace FundAudit.Api.Features.GrantIngest.Csv;

/// <summary>
/// The recipient's address and the individual-recipient columns of the 360Giving flat layout
/// (<c>Recipient Org:Postal Code</c>, <c>Recipient Org:City</c>, <c>Recipient Org:County</c>,
/// <c>Recipient Ind:Identifier</c>, <c>Recipient Ind:Name</c>): read for classification (where the recipient is based,
/// whether it is a person), and still kept aside as they are, so a stored grant does not change. -1 when absent.
/// </summary>
internal sealed partial class ColumnMap
{
    public int RecipientPostalCode { get; private set; } = -1;
    public int RecipientCity { get; private set; } = -1;
    public int RecipientCounty { get; private set; } = -1;
    public int RecipientIndividualId { get; private set; } = -1;
    public int RecipientIndividualName { get; private set; } = -1;

    /// <summary>Notes a kept-aside column that classification reads (the first of each title).</summary>
    private void NoteKeptAside(string n, int i)
    {
        switch (n)
        {
            case "recipient org:postal code" when RecipientPostalCode < 0:
                RecipientPostalCode = i;
                break;
            case "recipient org:city" when RecipientCity < 0:
                RecipientCity = i;
                break;
            case "recipient org:county" when RecipientCounty < 0:
                RecipientCounty = i;
                break;
            case "recipient ind:identifier" when RecipientIndividualId < 0:
                RecipientIndividualId = i;
                break;
            case "recipient ind:name" when RecipientIndividualName < 0:
                RecipientIndividualName = i;
                break;
        }
    }
}
