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

    /// <summary>The kept-aside titles that classification reads, and the property each one's index goes to.</summary>
    private static readonly Dictionary<string, Action<ColumnMap, int>> KeptAsideTitles = new(StringComparer.Ordinal)
    {
        ["recipient org:postal code"] = (m, i) => m.RecipientPostalCode = i,
        ["recipient org:city"] = (m, i) => m.RecipientCity = i,
        ["recipient org:county"] = (m, i) => m.RecipientCounty = i,
        ["recipient ind:identifier"] = (m, i) => m.RecipientIndividualId = i,
        ["recipient ind:name"] = (m, i) => m.RecipientIndividualName = i,
    };

    private readonly HashSet<string> notedKeptAside = new(StringComparer.Ordinal);

    /// <summary>Notes a kept-aside column that classification reads (the first of each title).</summary>
    private void NoteKeptAside(string n, int i)
    {
        if (KeptAsideTitles.TryGetValue(n, out var set) && notedKeptAside.Add(n))
        {
            set(this, i);
        }
    }
}
