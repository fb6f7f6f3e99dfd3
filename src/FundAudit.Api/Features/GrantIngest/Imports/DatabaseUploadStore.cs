using System.Data;
using System.Security.Cryptography;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// Uploads in the database, in grant_import_uploads: chunks of <see cref="GrantImportOptions.UploadChunkBytes"/>
/// (1 MiB) keyed by (funder_id, stored_name, seq), each written in a short statement of its own as the request streams
/// in, so any instance's job can read the file and no long transaction holds the database while a client uploads.
/// The job reads them back one chunk at a time (<see cref="ChunkedUploadStream"/>). Every statement names the funder.
/// </summary>
internal sealed class DatabaseUploadStore(Db db, GrantImportOptions options, TimeProvider clock) : IImportUploadStore
{
    private const string InsertChunk = """
        INSERT INTO grant_import_uploads (funder_id, stored_name, seq, bytes, created_at)
        VALUES (@FunderId, @StoredName, @Seq, @Bytes, @Now)
        """;

    private const string SelectChunk = """
        SELECT bytes FROM grant_import_uploads WHERE funder_id = @FunderId AND stored_name = @StoredName AND seq = @Seq
        """;

    private const string CountChunks = """
        SELECT count(*) FROM grant_import_uploads WHERE funder_id = @FunderId AND stored_name = @StoredName
        """;

    private const string DeleteChunks = """
        DELETE FROM grant_import_uploads WHERE funder_id = @FunderId AND stored_name = @StoredName
        """;

    // Maintenance over every funder (the leftover sweep); each delete then names its funder.
    private const string SelectStoredBefore = """
        SELECT funder_id AS FunderId, stored_name AS StoredName FROM grant_import_uploads
        WHERE seq = 0 AND created_at < @Before
        """;

    public async Task<SavedUpload?> SaveAsync(long funderId, Stream source, CancellationToken ct)
    {
        var name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + ".csv";
        var chunk = new byte[Math.Max(4096, options.UploadChunkBytes)];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        var seq = 0;
        var completed = false;
        try
        {
            await using (var connection = await db.OpenAsync(ct))
            {
                int filled;
                do
                {
                    filled = await source.ReadAtLeastAsync(chunk, chunk.Length, throwOnEndOfStream: false, ct);
                    total += filled;
                    if (total > options.MaxFileBytes)
                    {
                        return null;
                    }

                    if (filled == 0 && seq > 0)
                    {
                        break; // an empty file still gets its one (empty) chunk, so that it can be found
                    }

                    hash.AppendData(chunk, 0, filled);
                    var bytes = filled == chunk.Length ? chunk : chunk[..filled];
                    var row = new
                    {
                        FunderId = funderId,
                        StoredName = name,
                        Seq = seq++,
                        Bytes = bytes,
                        Now = clock.GetUtcNow(),
                    };
                    await InsertChunkAsync(connection, row, ct);
                } while (filled == chunk.Length);
            }

            completed = true;
            return new SavedUpload(name, Convert.ToHexStringLower(hash.GetHashAndReset()), total);
        }
        finally
        {
            if (!completed && seq > 0)
            {
                await DeleteAsync(funderId, name, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Stores one chunk in a transaction of its own that commits without waiting for the log flush on PostgreSQL
    /// (<see cref="IDbDialect.CommitWithoutWaitingForFlush"/>): a 317 MB file is 317 commits, each of which would
    /// otherwise wait for an fsync while the client waits to send more. This loses no durability the caller is told
    /// about. The upload is only complete when the import that names it is recorded (<c>grant_imports</c>, by
    /// <see cref="GrantImportStore.CreateAsync"/>), in a statement committed synchronously after the last chunk; the
    /// write-ahead log is flushed in order, so that commit's flush also makes every earlier chunk durable. A crash
    /// before it can lose the latest chunks, but then no import names them either, and the client got no answer.
    /// The chunk is compressed with lz4 where PostgreSQL has it (<see cref="IDbDialect.FastValueCompression"/>): about
    /// twice as fast as the default pglz on CSV text, and no larger.
    /// </summary>
    private async Task InsertChunkAsync(DbConnection connection, object row, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        var sql = db.Dialect.CommitWithoutWaitingForFlush + db.Dialect.FastValueCompression + InsertChunk;
        await connection.ExecuteAsync(new CommandDefinition(sql, row, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    public Stream OpenRead(GrantImportRow import) =>
        new ChunkedUploadStream(
            import.FileBytes,
            (seq, buffer) => ReadChunk(import, seq, buffer),
            (seq, buffer, ct) => ReadChunkAsync(import, seq, buffer, ct)
        );

    public async Task<bool> ExistsAsync(GrantImportRow import, CancellationToken ct) =>
        await db.ExecuteScalarAsync<long>(new CommandDefinition(CountChunks, Key(import), cancellationToken: ct)) > 0;

    public Task DeleteAsync(GrantImportRow import, CancellationToken ct) =>
        DeleteAsync(import.FunderId, import.StoredName, ct);

    private async Task DeleteAsync(long funderId, string storedName, CancellationToken ct) =>
        await db.ExecuteAsync(
            new CommandDefinition(
                DeleteChunks,
                new { FunderId = funderId, StoredName = storedName },
                cancellationToken: ct
            )
        );

    public async Task<int> DeleteLeftoversAsync(DateTimeOffset before, IReadOnlySet<string> keep, CancellationToken ct)
    {
        var stored = await db.QueryListAsync<StoredUpload>(SelectStoredBefore, new { Before = before }, ct);
        var leftovers = stored.Where(u => !keep.Contains(u.StoredName)).ToList();
        foreach (var upload in leftovers)
        {
            await DeleteAsync(upload.FunderId, upload.StoredName, ct);
        }

        return leftovers.Count;
    }

    /// <summary>
    /// Reads chunk <paramref name="seq"/> into <paramref name="buffer"/> (a larger array when it does not fit) with
    /// sequential access, so the driver streams the value into the stream's one buffer instead of allocating a
    /// chunk-sized array per chunk (1 MiB on the large-object heap, two passes over every chunk of the file).
    /// </summary>
    private ArraySegment<byte> ReadChunk(GrantImportRow import, int seq, byte[] buffer)
    {
        using var connection = db.Open();
        using var reader = connection.ExecuteReader(
            new CommandDefinition(SelectChunk, Key(import, seq)),
            CommandBehavior.SequentialAccess
        );
        return reader.Read() ? Fill(reader, buffer) : throw Missing(import, seq);
    }

    private async Task<ArraySegment<byte>> ReadChunkAsync(
        GrantImportRow import,
        int seq,
        byte[] buffer,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenAsync(ct);
        await using var reader = await connection.ExecuteReaderAsync(
            new CommandDefinition(SelectChunk, Key(import, seq), cancellationToken: ct),
            CommandBehavior.SequentialAccess
        );
        return await reader.ReadAsync(ct) ? Fill(reader, buffer) : throw Missing(import, seq);
    }

    private static ArraySegment<byte> Fill(IDataReader reader, byte[] buffer)
    {
        var length = checked((int)reader.GetBytes(0, 0, null, 0, 0));
        if (buffer.Length < length)
        {
            buffer = new byte[length];
        }

        var filled = 0;
        while (filled < length)
        {
            var read = (int)reader.GetBytes(0, filled, buffer, filled, length - filled);
            if (read == 0)
            {
                throw new InvalidDataException($"An upload chunk ended after {filled} of its {length} bytes.");
            }

            filled += read;
        }

        return new ArraySegment<byte>(buffer, 0, filled);
    }

    private static object Key(GrantImportRow import, int seq = 0) =>
        new
        {
            import.FunderId,
            import.StoredName,
            Seq = seq,
        };

    private sealed record StoredUpload(long FunderId, string StoredName);

    private static FileNotFoundException Missing(GrantImportRow import, int seq) =>
        new($"Chunk {seq} of the upload of import {import.Id} is not stored.");
}

/// <summary>
/// A stored upload read back chunk by chunk: seekable, holding one chunk at a time. Every chunk but the last has the
/// size of the first, so a position maps to its chunk without asking the database.
/// </summary>
internal sealed class ChunkedUploadStream(
    long length,
    Func<int, byte[], ArraySegment<byte>> readChunk,
    Func<int, byte[], CancellationToken, Task<ArraySegment<byte>>> readChunkAsync
) : Stream
{
    private long _position;
    private long _chunkSize;
    private int _loaded = -1;
    private ArraySegment<byte> _chunk = ArraySegment<byte>.Empty;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= length || buffer.IsEmpty)
        {
            return 0;
        }

        if (_chunkSize == 0)
        {
            Loaded(0, readChunk(0, Buffer));
        }

        var seq = (int)(_position / _chunkSize);
        if (seq != _loaded)
        {
            Loaded(seq, readChunk(seq, Buffer));
        }

        return CopyOut(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_position >= length || buffer.IsEmpty)
        {
            return 0;
        }

        if (_chunkSize == 0)
        {
            Loaded(0, await readChunkAsync(0, Buffer, ct));
        }

        var seq = (int)(_position / _chunkSize);
        if (seq != _loaded)
        {
            Loaded(seq, await readChunkAsync(seq, Buffer, ct));
        }

        return CopyOut(buffer.Span);
    }

    public override long Seek(long offset, SeekOrigin origin) =>
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>The array the chunks are read into, reused from one chunk to the next.</summary>
    private byte[] Buffer => _chunk.Array is { Length: > 0 } array ? array : [];

    private void Loaded(int seq, ArraySegment<byte> chunk)
    {
        if (seq == 0)
        {
            _chunkSize =
                chunk.Count > 0 ? chunk.Count : throw new InvalidDataException("The upload's chunks are empty.");
        }

        _chunk = chunk;
        _loaded = seq;
    }

    private int CopyOut(Span<byte> buffer)
    {
        var start = (int)(_position - (_loaded * _chunkSize));
        var count = Math.Min(buffer.Length, _chunk.Count - start);
        if (count <= 0)
        {
            throw new InvalidDataException("The stored upload is shorter than its import says.");
        }

        _chunk.AsSpan(start, count).CopyTo(buffer);
        _position += count;
        return count;
    }
}
