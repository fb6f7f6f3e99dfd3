using System.Buffers.Binary;
using System.Text;

namespace FundAudit.Api.Tests.GrantIngest.Xlsx;

/// <summary>
/// What Excel saves for a workbook with "Encrypt with Password": not a zip but an OLE compound file (MS-CFB, version
/// 3, 512-byte sectors) holding the streams <c>EncryptionInfo</c> and <c>EncryptedPackage</c> (MS-OFFCRYPTO). Built
/// here with a FAT sector, a directory sector and one sector of (random) encrypted bytes.
/// </summary>
internal static class EncryptedWorkbook
{
    private const uint EndOfChain = 0xFFFFFFFE;
    private const uint FatSector = 0xFFFFFFFD;
    private const uint NoStream = 0xFFFFFFFF;

    public static byte[] Bytes()
    {
        var file = new byte[512 * 4];
        var header = file.AsSpan(0, 512);
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[24..], 0x003E);
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], 0x0003);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(header[30..], 9);
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 6);
        BinaryPrimitives.WriteUInt32LittleEndian(header[44..], 1); // FAT sectors
        BinaryPrimitives.WriteUInt32LittleEndian(header[48..], 1); // first directory sector
        BinaryPrimitives.WriteUInt32LittleEndian(header[56..], 4096);
        BinaryPrimitives.WriteUInt32LittleEndian(header[60..], EndOfChain);
        BinaryPrimitives.WriteUInt32LittleEndian(header[68..], EndOfChain);
        BinaryPrimitives.WriteUInt32LittleEndian(header[76..], 0); // DIFAT[0]: the FAT is sector 0
        for (var i = 1; i < 109; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header[(76 + (4 * i))..], NoStream);
        }

        var fat = file.AsSpan(512, 512);
        fat.Fill(0xFF);
        BinaryPrimitives.WriteUInt32LittleEndian(fat, FatSector);
        BinaryPrimitives.WriteUInt32LittleEndian(fat[4..], EndOfChain); // the directory
        BinaryPrimitives.WriteUInt32LittleEndian(fat[8..], EndOfChain); // the encrypted package

        var directory = file.AsSpan(1024, 512);
        Entry(directory[..128], "Root Entry", 5, NoStream, NoStream, 1, EndOfChain, 0);
        Entry(directory[128..256], "EncryptionInfo", 2, NoStream, 2, NoStream, EndOfChain, 0);
        Entry(directory[256..384], "EncryptedPackage", 2, NoStream, NoStream, NoStream, 2, 512);
        Random.Shared.NextBytes(file.AsSpan(1536, 512));
        return file;
    }

    private static void Entry(
        Span<byte> entry,
        string name,
        byte type,
        uint left,
        uint right,
        uint child,
        uint start,
        ulong size
    )
    {
        var utf16 = Encoding.Unicode.GetBytes(name + "\0");
        utf16.CopyTo(entry);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[64..], (ushort)utf16.Length);
        entry[66] = type;
        entry[67] = 1; // black
        BinaryPrimitives.WriteUInt32LittleEndian(entry[68..], left);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[72..], right);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[76..], child);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[116..], start);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[120..], size);
    }
}
