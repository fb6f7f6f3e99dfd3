using System.Text;

namespace FundAudit.Api.Tests.GrantIngest.Csv;

/// <summary>A large, seekable CSV generated on the fly (fixed-width rows), so tests can stream tens of MB without holding them.</summary>
internal sealed class GeneratedCsvStream(int rows) : Stream
{
    private static readonly byte[] Header = Encoding.ASCII.GetBytes(CsvTestFiles.Header360 + "\n");
    private static readonly int RowLength = MakeRow(1).Length;
    private long position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => Header.Length + ((long)rows * RowLength);

    public override long Position
    {
        get => position;
        set => position = value;
    }

    private static byte[] MakeRow(int i) =>
        Encoding.ASCII.GetBytes(
            $"G{i:D8},Title {i:D8},A description long enough to make each row of this file well over a hundred bytes,GBP,{(i % 1000) + 1:D4}.50,2024-01-15\n"
        );

    public override int Read(byte[] buffer, int offset, int count)
    {
        var written = 0;
        while (written < count && position < Length)
        {
            byte[] source;
            long start;
            if (position < Header.Length)
            {
                source = Header;
                start = 0;
            }
            else
            {
                var index = (position - Header.Length) / RowLength;
                source = MakeRow((int)index + 1);
                start = Header.Length + (index * RowLength);
            }

            var from = (int)(position - start);
            var n = Math.Min(count - written, source.Length - from);
            Array.Copy(source, from, buffer, offset + written, n);
            written += n;
            position += n;
        }

        return written;
    }

    public override long Seek(long offset, SeekOrigin origin) =>
        position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => Length + offset,
        };

    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
