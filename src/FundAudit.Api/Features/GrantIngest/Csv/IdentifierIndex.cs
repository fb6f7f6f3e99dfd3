using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FundAudit.Api.Features.GrantIngest.Csv;

/// <summary>
/// Pass 1's record of identifiers: a keyed 64-bit hash and the row of each, 12 bytes a row, then sorted once to find
/// the rows whose identifier comes again later. The key is random per inspection, so nobody can craft two identifiers
/// that collide on purpose.
/// </summary>
internal sealed class IdentifierIndex : IDisposable
{
    private readonly IncrementalHash hmac = IncrementalHash.CreateHMAC(
        HashAlgorithmName.SHA256,
        RandomNumberGenerator.GetBytes(32)
    );
    private ulong[] hashes = new ulong[1024];
    private int[] rows = new int[1024];
    private int count;

    public void Add(ReadOnlySpan<byte> utf8Identifier, long row)
    {
        Span<byte> digest = stackalloc byte[32];
        hmac.AppendData(utf8Identifier);
        hmac.GetHashAndReset(digest);
        if (count == hashes.Length)
        {
            Array.Resize(ref hashes, count * 2);
            Array.Resize(ref rows, count * 2);
        }

        hashes[count] = BinaryPrimitives.ReadUInt64LittleEndian(digest);
        rows[count] = checked((int)row);
        count++;
    }

    /// <summary>Every row whose identifier appears again in a later row, with the last such row (the winner), by
    /// row.</summary>
    public List<DuplicateIdentifier> Duplicates()
    {
        Array.Sort(hashes, rows, 0, count);
        var result = new List<DuplicateIdentifier>();
        var start = 0;
        while (start < count)
        {
            var end = start + 1;
            while (end < count && hashes[end] == hashes[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                var winner = 0;
                for (var i = start; i < end; i++)
                {
                    winner = Math.Max(winner, rows[i]);
                }

                for (var i = start; i < end; i++)
                {
                    if (rows[i] != winner)
                    {
                        result.Add(new DuplicateIdentifier(rows[i], winner));
                    }
                }
            }

            start = end;
        }

        result.Sort((a, b) => a.Row.CompareTo(b.Row));
        return result;
    }

    public void Dispose() => hmac.Dispose();
}
