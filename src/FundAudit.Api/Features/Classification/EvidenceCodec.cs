using System.Text;
using System.Text.Json;

namespace FundAudit.Api.Features.Classification;

/// <summary>
/// The stored form of a classification's evidence lines (<c>grants.level_evidence</c>, <c>purpose_evidence</c>,
/// <c>flexible_evidence</c>; issue 18 goal 3). The engine's lines are English sentences built from a few dozen
/// templates ("decision: level.local (right 92 % of the time on labelled real grants)"), so most of their bytes are the
/// templates' fixed words. Stored compactly: <see cref="Marker"/>, then the lines separated by
/// <see cref="LineSeparator"/>, in each line every phrase of the fixed <see cref="Phrases"/> table replaced by its
/// code (one character for the first 27 phrases; <see cref="Escape"/> or <see cref="Escape2"/> and one printable
/// ASCII character for the rest); every other character is kept as it is. Any line at all can be written this way,
/// so a line from a new rule, a custom rule set or the data itself (a place name, a funding type) is never lost, only
/// not shortened.
/// Evidence holding a control character (U+0000–U+001F, which the codes use), an empty list and the evidence of an
/// unclassified answer (a line starting <see cref="UnclassifiedPrefix"/>: the database's <c>grant_quality_totals</c>
/// triggers, migration 0019, read its reason from the JSON text) are stored as a JSON array of strings, the form every
/// row had before this codec; <see cref="Decode"/> reads both forms, so rows written
/// before it still read. The phrase table is part of the stored format: never change or reorder it; a new table needs
/// a new marker (version 2 appended phrases to version 1 under <see cref="Marker2"/>).
/// </summary>
internal static class EvidenceCodec
{
    /// <summary>The first character of the compact form written with version 1 of the phrase table (a JSON array
    /// starts with <c>[</c>): rows written before 7 December.</summary>
    public const char Marker = '\u0001';

    /// <summary>The first character of the compact form written with version 2 of the phrase table
    /// (<see cref="EvidencePhrases.Version2"/>): what <see cref="Encode"/> writes now.</summary>
    public const char Marker2 = '\u0002';

    /// <summary>Between two lines.</summary>
    public const char LineSeparator = '\u001E';

    /// <summary>Before a two-character code of the second tier: the phrase after the one-character ones at
    /// (next character − '!').</summary>
    public const char Escape = '\u001F';

    /// <summary>Before a two-character code of the third tier: the phrase after the second tier's at (next character −
    /// '!').</summary>
    public const char Escape2 = '\u001D';

    /// <summary>
    /// After <see cref="Escape2"/>: the text of the last '…' quote earlier in the line, again (the place lines
    /// "place 'Cauca': Cauca, a region of CO" name a place twice). Outside the phrase table's range.
    /// </summary>
    public const char RepeatQuoted = '~';

    private const char FirstCode = '\u0002';
    private const int OneCharCodes = EvidencePhrases.OneCharacter; // U+0002–U+001C
    private const int ThirdTier = OneCharCodes + EvidencePhrases.BehindEscape;
    private const int MaxKeptLines = 8192;

    /// <summary>Version 2 of the phrase table: version 1, most frequent first (the first 27 take one character),
    /// then the phrases version 2 appended. Rows of both versions are read with it.</summary>
    internal static readonly string[] Phrases = EvidencePhrases.Version2;

    // For each first character, the phrases that start with it, longest first (greedy longest match).
    private static readonly Dictionary<char, (string Phrase, string Code)[]> ByFirstChar = Phrases
        .Select((p, i) => (Phrase: p, Code: CodeOf(i)))
        .GroupBy(p => p.Phrase[0])
        .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.Phrase.Length).ToArray());

    [ThreadStatic]
    private static Dictionary<string, string>? _encodedLines;

    [ThreadStatic]
    private static StringBuilder? _text;

    /// <summary>
    /// The first words of the line that says why an answer is unclassified; such evidence stays a JSON array, which
    /// the quality totals' triggers read in SQL.
    /// </summary>
    public const string UnclassifiedPrefix = "unclassified: ";

    /// <summary>The stored text of <paramref name="evidence"/>.</summary>
    public static string Encode(IReadOnlyList<string> evidence)
    {
        if (evidence.Count == 0 || !Encodable(evidence))
        {
            return GrantIngest.Imports.StoredGrantJson.Current.StringArrayText(evidence);
        }

        var kept = _encodedLines ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var text = (_text ??= new StringBuilder(256)).Clear().Append(Marker2); // one per thread, reused
        for (var i = 0; i < evidence.Count; i++)
        {
            var line = evidence[i];
            if (!kept.TryGetValue(line, out var encoded))
            {
                encoded = EncodeLine(line);
                if (kept.Count < MaxKeptLines)
                {
                    kept[line] = encoded;
                }
            }

            if (i > 0)
            {
                text.Append(LineSeparator); // a char, not "?:" with "": that boxes it (Append(object))
            }

            text.Append(encoded);
        }

        return text.ToString();
    }

    /// <summary>Whether no line holds a control character or starts <see cref="UnclassifiedPrefix"/>.</summary>
    private static bool Encodable(IReadOnlyList<string> evidence)
    {
        for (var i = 0; i < evidence.Count; i++)
        {
            var line = evidence[i];
            if (HasControlCharacter(line) || line.StartsWith(UnclassifiedPrefix, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The evidence lines of a stored text (compact or a JSON array); none for null or empty.</summary>
    public static IReadOnlyList<string> Decode(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return [];
        }

        if (stored[0] is not (Marker or Marker2))
        {
            return JsonSerializer.Deserialize<List<string>>(stored) ?? [];
        }

        var lines = new List<string>();
        var line = new StringBuilder(stored.Length * 4);
        for (var i = 1; i < stored.Length; i++)
        {
            var c = stored[i];
            if (c == LineSeparator)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            else if (c == Escape)
            {
                line.Append(Phrases[OneCharCodes + stored[++i] - '!']);
            }
            else if (c == Escape2 && stored[++i] == RepeatQuoted)
            {
                var decoded = line.ToString();
                line.Append(LastQuoted(decoded, decoded.Length));
            }
            else if (c == Escape2)
            {
                line.Append(Phrases[ThirdTier + stored[i] - '!']);
            }
            else if (c >= FirstCode && c < FirstCode + OneCharCodes)
            {
                line.Append(Phrases[c - FirstCode]);
            }
            else
            {
                line.Append(c);
            }
        }

        lines.Add(line.ToString());
        return lines;
    }

    private static string EncodeLine(string line)
    {
        var text = new StringBuilder(line.Length);
        int i = 0,
            open = -1,
            close = -1; // the last two apostrophes before i (as LastQuoted finds them)
        while (i < line.Length)
        {
            var match = ByFirstChar.TryGetValue(line[i], out var candidates) ? Longest(candidates, line, i) : default;
            var quoted = open < 0 ? default : line.AsSpan(open + 1, close - open - 1);
            var next = i;
            if (quoted.Length > Math.Max(2, match.Phrase?.Length ?? 0) && line.AsSpan(i).StartsWith(quoted))
            {
                text.Append(Escape2).Append(RepeatQuoted);
                next += quoted.Length;
            }
            else if (match.Phrase is null)
            {
                text.Append(line[i]);
                next++;
            }
            else
            {
                text.Append(match.Code);
                next += match.Phrase.Length;
            }

            for (; i < next; i++)
            {
                if (line[i] == '\'')
                {
                    (open, close) = (close, i);
                }
            }
        }

        return text.ToString();
    }

    /// <summary>The first of <paramref name="candidates"/> (longest first) that starts at <paramref name="line"/>'s
    /// index <paramref name="i"/>; none when no phrase does.</summary>
    private static (string Phrase, string Code) Longest((string Phrase, string Code)[] candidates, string line, int i)
    {
        foreach (var candidate in candidates)
        {
            if (line.AsSpan(i).StartsWith(candidate.Phrase, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return default;
    }

    /// <summary>
    /// The text between the last two apostrophes of <paramref name="line"/>'s first <paramref name="length"/>
    /// characters ("" when there are fewer than two): what <see cref="RepeatQuoted"/> stands for. The encoder looks at
    /// the line it writes and the decoder at the line decoded so far, the same characters, so both find the same text.
    /// </summary>
    private static string LastQuoted(string line, int length)
    {
        var close = length == 0 ? -1 : line.LastIndexOf('\'', length - 1);
        var open = close <= 0 ? -1 : line.LastIndexOf('\'', close - 1);
        return open < 0 ? "" : line.Substring(open + 1, close - open - 1);
    }

    private static string CodeOf(int index) =>
        index < OneCharCodes ? ((char)(FirstCode + index)).ToString()
        : index < ThirdTier ? string.Concat(Escape.ToString(), ((char)('!' + index - OneCharCodes)).ToString())
        : string.Concat(Escape2.ToString(), ((char)('!' + index - ThirdTier)).ToString());

    private static bool HasControlCharacter(string line) => line.AsSpan().IndexOfAnyInRange('\0', '\u001F') >= 0;
}
