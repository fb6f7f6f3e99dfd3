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

    /// <summary>A stored grant: its identifier and its content hash as stored (the hash's bytes, migration
    /// 0024).</summary>
    public void Add(string identifier, ReadOnlySpan<byte> contentHash)
    {
        var key = Key(identifier);
        var content = Key(contentHash);
        if (!_contentByIdentifier.TryAdd(key, content) && _contentByIdentifier[key] != content)
        {
            _contentByIdentifier[key] = ~content ^ 1; // two identifiers on one key: match neither, so both merge
        }
    }

    /// <summary>Safe for concurrent readers once filled. <paramref name="contentHash"/> is the row's hash as the
    /// service writes it (<see cref="GrantMapping.ContentHash(ReadOnlySpan{byte})"/>: lowercase hex), compared with
    /// the stored bytes it encodes.</summary>
    public State Compare(string identifier, string contentHash) =>
        !_contentByIdentifier.TryGetValue(Key(identifier), out var stored) ? State.New
        : stored == HexKey(contentHash) ? State.Unchanged
        : State.Changed;

    /// <summary>The key of the bytes a hex hash encodes (the same key <see cref="Add"/> takes from them); text that is
    /// not hex matches no stored hash.</summary>
    private static ulong HexKey(string hex)
    {
        Span<byte> bytes = stackalloc byte[64];
        return
            hex.Length <= 2 * bytes.Length
            && Convert.FromHexString(hex, bytes, out _, out var written) == System.Buffers.OperationStatus.Done
            ? Key(bytes[..written])
            : ~Key(hex); // never a stored hash's key in practice: the row merges, an exact upsert
    }

    /// <summary>FNV-1a, 64 bits, over the bytes.</summary>
    private static ulong Key(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

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
