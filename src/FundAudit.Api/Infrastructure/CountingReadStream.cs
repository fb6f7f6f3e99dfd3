namespace FundAudit.Api.Infrastructure;

/// <summary>
/// A read-only, forward-only pass-through of <paramref name="inner"/> that counts the bytes read (its
/// <see cref="BytesRead"/>, also its position). A subclass checks each read in <see cref="OnRead"/> (the request body's
/// size limit); the backup's manifest only reads the count. Disposing it leaves <paramref name="inner"/> open.
/// </summary>
internal class CountingReadStream(Stream inner) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(
        Memory<byte> buffer,
        CancellationToken cancellationToken = default
    ) => Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Called after each read, once <see cref="BytesRead"/> counts its <paramref name="read"/>
    /// bytes.</summary>
    protected virtual void OnRead(int read) { }

    private int Count(int read)
    {
        BytesRead += read;
        OnRead(read);
        return read;
    }
}
