using System.Text;
using System.Text.Unicode;

namespace FundAudit.Api.Features.GrantIngest.Csv;

internal static partial class GrantCsvReader
{
    /// <summary>Refuses empty, binary, zipped and UTF-16/32 files from their first bytes.</summary>
    private static CsvFileProblem? Sniff(Stream file, long length)
    {
        if (length == 0)
        {
            return CsvFileProblem.Keyed(CsvProblemCodes.EmptyFile, null, null, "File_Empty");
        }

        var head = new byte[(int)Math.Min(SniffBytes, length)];
        file.Position = 0;
        file.ReadExactly(head);
        ReadOnlySpan<byte> h = head;
        if (
            h.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])
            || h.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
            || h.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF])
        )
        {
            return CsvFileProblem.Keyed(CsvProblemCodes.UnsupportedEncoding, null, null, "File_Utf16");
        }

        if (h.StartsWith("PK\x03\x04"u8) || h.StartsWith("PK\x05\x06"u8))
        {
            return CsvFileProblem.Keyed(CsvProblemCodes.NotTextCsv, null, null, "File_ZipNotCsv");
        }

        if (h.IndexOf((byte)0) >= 0 || h.StartsWith("%PDF-"u8) || h.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            return CsvFileProblem.Keyed(CsvProblemCodes.NotTextCsv, null, null, "File_BinaryNotCsv");
        }

        var rest = h.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? h[3..] : h;
        if (length <= SniffBytes && rest.Trim(" \t\r\n"u8).IsEmpty)
        {
            return CsvFileProblem.Keyed(CsvProblemCodes.EmptyFile, null, null, "File_Empty");
        }

        return StructuredText(rest.TrimStart(" \t\r\n"u8)) is { } key
            ? CsvFileProblem.Keyed(CsvProblemCodes.NotTextCsv, null, null, key)
            : null;
    }

    /// <summary>
    /// The problem key of a file that starts as XML or HTML (<c>&lt;?xml</c>; or <c>&lt;iati-activities</c>,
    /// <c>&lt;!DOCTYPE</c> on a first line with no comma, semicolon or tab, so not a header such as
    /// <c>&lt;Ref&gt;,Identifier</c>) or opens a JSON object or array of objects (a 360Giving package, which
    /// <c>POST /api/grants</c> takes): the missing columns such a file would be refused for name none of its real
    /// problem.
    /// </summary>
    private static string? StructuredText(ReadOnlySpan<byte> start)
    {
        if (start.Length < 2)
        {
            return null;
        }

        var line = start.IndexOf((byte)'\n') is var end and >= 0 ? start[..end] : start;
        if (
            start.StartsWith("<?xml"u8)
            || (
                start[0] == '<'
                && (char.IsAsciiLetter((char)start[1]) || start[1] is (byte)'!')
                && line.IndexOfAny(",;\t"u8) < 0
            )
        )
        {
            return "File_XmlNotCsv";
        }

        var next = start[1..].TrimStart(" \t\r\n"u8);
        return (start[0], next.IsEmpty ? (byte)0 : next[0]) is ((byte)'{', (byte)'"') or ((byte)'[', (byte)'{')
            ? "File_JsonNotCsv"
            : null;
    }

    /// <summary>Streams the whole file through a strict UTF-8 check (the rules of a throwing UTF-8 decoder, without
    /// decoding).</summary>
    private static bool IsValidUtf8(Stream file)
    {
        var bytes = new byte[64 * 1024];
        var carried = 0; // the start of a sequence cut by the end of the previous block
        file.Position = 0;
        int read;
        while ((read = file.Read(bytes, carried, bytes.Length - carried)) > 0)
        {
            var length = carried + read;
            var complete = length - CutSequenceLength(bytes.AsSpan(0, length));
            if (!Utf8.IsValid(bytes.AsSpan(0, complete)))
            {
                return false;
            }

            carried = length - complete;
            bytes.AsSpan(complete, carried).CopyTo(bytes);
        }

        return Utf8.IsValid(bytes.AsSpan(0, carried));
    }

    /// <summary>How many bytes at the end of <paramref name="block"/> start a sequence that needs more bytes than
    /// follow.</summary>
    private static int CutSequenceLength(ReadOnlySpan<byte> block)
    {
        for (var back = 1; back <= Math.Min(3, block.Length); back++)
        {
            var b = block[^back];
            if ((b & 0xC0) != 0x80)
            {
                var needs =
                    b >= 0xF0 ? 4
                    : b >= 0xE0 ? 3
                    : b >= 0xC0 ? 2
                    : 1;
                return needs > back ? back : 0;
            }
        }

        return 0;
    }

    /// <summary>Picks comma, semicolon or tab: whichever appears most, outside quotes, in the header line.</summary>
    private static bool TryDetectDelimiter(Stream file, Encoding encoding, long length, out char delimiter)
    {
        delimiter = ',';
        var bytes = new byte[(int)Math.Min(HeaderScanBytes, length)];
        file.Position = 0;
        file.ReadExactly(bytes);
        var text = encoding.GetString(bytes).AsSpan().TrimStart('\uFEFF');
        int commas = 0,
            semicolons = 0,
            tabs = 0;
        var inQuotes = false;
        var ended = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (!inQuotes && c is '\r' or '\n')
            {
                ended = true;
                break;
            }
            else if (!inQuotes)
            {
                commas += c == ',' ? 1 : 0;
                semicolons += c == ';' ? 1 : 0;
                tabs += c == '\t' ? 1 : 0;
            }
        }

        if (!ended && length > HeaderScanBytes)
        {
            return false;
        }

        delimiter =
            semicolons > commas && semicolons >= tabs ? ';'
            : tabs > commas && tabs > semicolons ? '\t'
            : ',';
        return true;
    }
}
