using System.Globalization;
using System.Text;

namespace FundAudit.Core.Classification;

/// <summary>
/// Folds text for matching: lower case, accents removed (é → e, ç → c, ß → ss, œ → oe), every run of
/// characters that are not letters or digits (spaces, punctuation, apostrophes, hyphens) collapsed to one
/// space, no leading or trailing space. "Côte d'Ivoire" → "cote d ivoire"; "SUB-SAHARAN" → "sub saharan".
/// The same folding is applied to rule terms and to grant text, so they always agree.
/// </summary>
internal static class TextFold
{
    private const int TableSize = 0x0250; // Basic Latin … Latin Extended-B

    // For each char below TableSize: its folded form ("" = separator).
    private static readonly string[] Table = BuildTable();

    // The same as one char, read on every char folded: the folded char, Separator, or Several (then see Table).
    private const char Separator = '\0';
    private const char Several = '\uFFFF';
    private static readonly char[] SingleTable =
    [
        .. Table.Select(f =>
            f.Length switch
            {
                0 => Separator,
                1 => f[0],
                _ => Several,
            }
        ),
    ];

    private static string[] BuildTable()
    {
        var table = new string[TableSize];
        for (var i = 0; i < TableSize; i++)
        {
            var c = (char)i;
            if (!char.IsLetterOrDigit(c))
            {
                table[i] = "";
                continue;
            }

            table[i] = c switch
            {
                'ß' => "ss",
                'æ' or 'Æ' => "ae",
                'œ' or 'Œ' => "oe",
                'ø' or 'Ø' => "o",
                'đ' or 'Đ' => "d",
                'ł' or 'Ł' => "l",
                'ı' => "i",
                _ => Decompose(c),
            };
        }

        return table;
    }

    private static string Decompose(char c)
    {
        var sb = new StringBuilder(2);
        foreach (var d in c.ToString().Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(char.ToLowerInvariant(d));
            }
        }

        return sb.Length == 0 ? char.ToLowerInvariant(c).ToString() : sb.ToString();
    }

    /// <summary>The longest output <see cref="Fold(ReadOnlySpan{char}, Span{char})"/> can produce for an input
    /// length.</summary>
    public static int MaxFoldedLength(int length) => length * 2;

    /// <summary>Folds <paramref name="text"/> into <paramref name="destination"/> (at least twice as long) and returns
    /// the length written.</summary>
    public static int Fold(ReadOnlySpan<char> text, Span<char> destination)
    {
        var n = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (c < TableSize)
            {
                var f = SingleTable[c];
                if (f == Separator)
                {
                    pendingSpace = n > 0;
                    continue;
                }

                if (pendingSpace)
                {
                    destination[n++] = ' ';
                    pendingSpace = false;
                }

                if (f != Several)
                {
                    destination[n++] = f;
                }
                else
                {
                    foreach (var x in Table[c])
                    {
                        destination[n++] = x;
                    }
                }
            }
            else if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace)
                {
                    destination[n++] = ' ';
                    pendingSpace = false;
                }

                destination[n++] = char.ToLowerInvariant(c);
            }
            else if (!char.IsSurrogate(c) && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                // combining accent (decomposed input): drop it without breaking the word
            }
            else
            {
                pendingSpace = n > 0;
            }
        }

        return n;
    }

    /// <summary>Folded words separated by single spaces.</summary>
    public static string Phrase(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var buffer =
            text.Length <= 256 ? stackalloc char[MaxFoldedLength(text.Length)] : new char[MaxFoldedLength(text.Length)];
        var n = Fold(text, buffer);
        return new string(buffer[..n]);
    }

    /// <summary>Folded letters and digits only: "Côte d'Ivoire", "COTE D IVOIRE" and "Cote-dIvoire" all give
    /// "cotedivoire".</summary>
    public static string Key(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        // The phrase without its spaces, removed in place rather than by a second string: place lookups fold every
        // name.
        var buffer =
            text.Length <= 256 ? stackalloc char[MaxFoldedLength(text.Length)] : new char[MaxFoldedLength(text.Length)];
        var n = Fold(text, buffer);
        var kept = 0;
        foreach (var c in buffer[..n])
        {
            if (c != ' ')
            {
                buffer[kept++] = c;
            }
        }

        return new string(buffer[..kept]);
    }
}
