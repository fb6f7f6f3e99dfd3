using System.IO.Compression;
using System.Security;
using System.Text;

namespace FundAudit.Api.Tests.GrantIngest.Xlsx;

/// <summary>A formula cell: the expression and the value Excel cached for it (null: none cached).</summary>
internal sealed record Formula(string Expression, object? Cached);

/// <summary>A number cell formatted as a date (style 1, number format 14), holding its Excel serial number.</summary>
internal sealed record DateCell(DateTime Date);

/// <summary>
/// Small XLSX workbooks written part by part (an .xlsx is a zip of XML parts), so tests state exactly what a cell
/// holds: inline strings, numbers, date-formatted serials, formulas with or without a cached value. A null row leaves
/// a gap (no row element), as spreadsheet programs do for empty rows.
/// </summary>
internal sealed class TestWorkbook
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private readonly List<(string Name, object?[]?[] Rows)> sheets = [];

    public TestWorkbook Sheet(string name, params object?[]?[] rows)
    {
        sheets.Add((name, rows));
        return this;
    }

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Part(zip, "[Content_Types].xml", ContentTypes());
            Part(
                zip,
                "_rels/.rels",
                $"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + $"<Relationship Id=\"rId1\" Type=\"{Rel}/officeDocument\" Target=\"xl/workbook.xml\"/>"
                    + "</Relationships>"
            );
            Part(zip, "xl/workbook.xml", Workbook());
            Part(zip, "xl/_rels/workbook.xml.rels", WorkbookRels());
            Part(zip, "xl/styles.xml", Styles);
            for (var i = 0; i < sheets.Count; i++)
            {
                Part(zip, $"xl/worksheets/sheet{i + 1}.xml", SheetXml(sheets[i].Rows));
            }
        }

        return buffer.ToArray();
    }

    public ByteArrayContent Content()
    {
        var content = new ByteArrayContent(ToBytes());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        return content;
    }

    public static void Part(ZipArchive zip, string name, string xml)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        writer.Write("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
        writer.Write(xml);
    }

    private string ContentTypes()
    {
        var xml = new StringBuilder(
            "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                + "<Override PartName=\"/xl/workbook.xml\" "
                + "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
                + "<Override PartName=\"/xl/styles.xml\" "
                + "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
        );
        for (var i = 0; i < sheets.Count; i++)
        {
            xml.Append(
                $"<Override PartName=\"/xl/worksheets/sheet{i + 1}.xml\" "
                    + "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
            );
        }

        return xml.Append("</Types>").ToString();
    }

    private string Workbook()
    {
        var xml = new StringBuilder($"<workbook xmlns=\"{Main}\" xmlns:r=\"{Rel}\"><sheets>");
        for (var i = 0; i < sheets.Count; i++)
        {
            xml.Append(
                $"<sheet name=\"{SecurityElement.Escape(sheets[i].Name)}\" sheetId=\"{i + 1}\" r:id=\"rId{i + 1}\"/>"
            );
        }

        return xml.Append("</sheets></workbook>").ToString();
    }

    private string WorkbookRels()
    {
        var xml = new StringBuilder(
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        );
        for (var i = 0; i < sheets.Count; i++)
        {
            xml.Append(
                $"<Relationship Id=\"rId{i + 1}\" Type=\"{Rel}/worksheet\" Target=\"worksheets/sheet{i + 1}.xml\"/>"
            );
        }

        xml.Append($"<Relationship Id=\"rIdStyles\" Type=\"{Rel}/styles\" Target=\"styles.xml\"/>");
        return xml.Append("</Relationships>").ToString();
    }

    private static string SheetXml(object?[]?[] rows)
    {
        var xml = new StringBuilder($"<worksheet xmlns=\"{Main}\"><sheetData>");
        for (var r = 0; r < rows.Length; r++)
        {
            if (rows[r] is not { } cells)
            {
                continue;
            }

            xml.Append($"<row r=\"{r + 1}\">");
            for (var c = 0; c < cells.Length; c++)
            {
                xml.Append(Cell($"{Column(c)}{r + 1}", cells[c]));
            }

            xml.Append("</row>");
        }

        return xml.Append("</sheetData></worksheet>").ToString();
    }

    private static string Cell(string reference, object? value) =>
        value switch
        {
            null => string.Empty,
            string s => $"<c r=\"{reference}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">"
                + $"{SecurityElement.Escape(s)}</t></is></c>",
            DateCell d => $"<c r=\"{reference}\" s=\"1\"><v>{Number(d.Date.ToOADate())}</v></c>",
            bool b => $"<c r=\"{reference}\" t=\"b\"><v>{(b ? 1 : 0)}</v></c>",
            Formula { Cached: string s } f =>
                $"<c r=\"{reference}\" t=\"str\"><f>{SecurityElement.Escape(f.Expression)}"
                    + $"</f><v>{SecurityElement.Escape(s)}</v></c>",
            Formula f => $"<c r=\"{reference}\"><f>{SecurityElement.Escape(f.Expression)}</f>"
                + (f.Cached is null ? string.Empty : $"<v>{Number(Convert.ToDouble(f.Cached))}</v>")
                + "</c>",
            _ => $"<c r=\"{reference}\"><v>{Number(Convert.ToDouble(value))}</v></c>",
        };

    private static string Number(double d) => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    public static string Column(int index)
    {
        var letters = string.Empty;
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + ((n - 1) % 26)) + letters;
        }

        return letters;
    }

    private const string Styles =
        $"<styleSheet xmlns=\"{Main}\"><fonts count=\"1\"><font/></fonts><fills count=\"1\"><fill/></fills>"
        + "<borders count=\"1\"><border/></borders><cellStyleXfs count=\"1\"><xf/></cellStyleXfs>"
        + "<cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/></cellXfs>"
        + "</styleSheet>";
}
