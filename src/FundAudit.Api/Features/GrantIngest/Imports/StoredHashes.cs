namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// The funder's stored grants as the import found them: per identifier, its content hash, both as 64-bit keys
/// (16 bytes a grant, so even a million stored grants take a few tens of MiB). An import asks it, before classifying or
/// writing a row, whether the grant is new, changed or unchanged.
/// </summary>
/// <remarks>
/// A key collision cannot store a wrong grant: two identifiers sharing a key make a new grant look <see
/// cref="State.Changed"/>,
/// which goes through the merge (an exact upsert); <see cref="State.Unchanged"/> needs the content keys to match as
/// well, and
/// those come from SHA-256 hashes nobody can aim at. <see cref="State.New"/> is only said of identifiers absent here.
/// </remarks>
internal sealed class StoredHashes
{
    public enum State
    {
        /// <summary>No stored grant has the identifier: the row can be inserted as it is.</summary>
        New,

        /// <summary>A stored grant has (or may have) the identifier with other content: the row is merged.</summary>
        Changed,

        /// <summary>The stored grant has the same content hash: nothing to do.</summary>
        Unchanged,
    }

    private readonly Dictionary<ulong, ulong> _contentByIdentifier;

    public StoredHashes(int capacity) => _contentByIdentifier = new Dictionary<ulong, ulong>(capacity);

    public int Count => _contentByIdentifier.Count;

    public void Add(string identifier, string contentHash)
    {
        var key = Key(identifier);
        var content = Key(contentHash);
        if (!_contentByIdentifier.TryAdd(key, content) && _contentByIdentifier[key] != content)
        {
            _contentByIdentifier[key] = ~content ^ 1; // two identifiers on one key: match neither, so both merge
        }
    }

    /// <summary>Safe for concurrent readers once filled.</summary>
    public State Compare(string identifier, string contentHash) =>
        !_contentByIdentifier.TryGetValue(Key(identifier), out var stored) ? State.New
        : stored == Key(contentHash) ? State.Unchanged
        : State.Changed;

    /// <summary>FNV-1a, 64 bits, over the UTF-16 code units.</summary>
    private static ulong Key(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
