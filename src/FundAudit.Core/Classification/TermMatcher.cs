using System.Runtime.CompilerServices;

namespace FundAudit.Core.Classification;

/// <summary>
/// A character trie over folded text (a–z, 0–9, space) built once from all terms. Matching starts only at word
/// starts and takes the longest term there (leftmost-longest, then continues after it), so each word is read a
/// handful of times at most: no regular expressions, no per-term scans. A '*' at the end of a word in a term
/// matches the rest of the word (plurals, verb forms).
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit]
internal sealed class TermMatcher
{
    private const int Alphabet = 37;

    private readonly List<int> _next = [];
    private readonly List<int> _star = [];
    private readonly List<List<int>?> _acceptBuild = [];
    private int[] _nextArr = [];
    private int[] _starArr = [];
    private int[][] _accept = [];
    private bool[] _accepting = [];

    public TermMatcher() => NewNode();

    public int NodeCount => _star.Count;

    private int NewNode()
    {
        for (var i = 0; i < Alphabet; i++)
        {
            _next.Add(-1);
        }

        _star.Add(-1);
        _acceptBuild.Add(null);
        return _star.Count - 1;
    }

    // Symbol of each ASCII char (-1: none), looked up on every step of a match.
    private static readonly sbyte[] AsciiSymbols = BuildSymbols();

    private static sbyte[] BuildSymbols()
    {
        var symbols = new sbyte[128];
        for (var c = 0; c < symbols.Length; c++)
        {
            symbols[c] = (sbyte)(
                (char)c switch
                {
                    >= 'a' and <= 'z' => c - 'a',
                    >= '0' and <= '9' => 26 + (c - '0'),
                    ' ' => 36,
                    _ => -1,
                }
            );
        }

        return symbols;
    }

    private static int Symbol(char c) => c < 128 ? AsciiSymbols[c] : -1;

    /// <summary>Adds a folded pattern (see <see cref="RuleSet.FoldTerm"/>) with the id reported when it
    /// matches.</summary>
    public void Add(string foldedPattern, int id)
    {
        var node = 0;
        foreach (var c in foldedPattern)
        {
            if (c == '*')
            {
                if (_star[node] < 0)
                {
                    var created = NewNode();
                    _star[node] = created;
                }

                node = _star[node];
                continue;
            }

            var s = Symbol(c);
            if (s < 0)
            {
                return; // a character the folded text can never contain: the pattern can never match
            }

            var slot = (node * Alphabet) + s;
            if (_next[slot] < 0)
            {
                var created = NewNode();
                _next[slot] = created;
            }

            node = _next[slot];
        }

        (_acceptBuild[node] ??= []).Add(id);
    }

    /// <summary>Freezes the trie into arrays; call once after the last <see cref="Add"/>.</summary>
    public void Build()
    {
        _nextArr = [.. _next];
        _starArr = [.. _star];
        _accept = new int[_acceptBuild.Count][];
        _accepting = new bool[_acceptBuild.Count];
        for (var i = 0; i < _acceptBuild.Count; i++)
        {
            _accept[i] = _acceptBuild[i]?.ToArray() ?? [];
            _accepting[i] = _accept[i].Length > 0;
        }
    }

    /// <summary>Writes the ids of the terms found in <paramref name="text"/> (folded) to <paramref name="ids"/>;
    /// returns how many.</summary>
    public int Match(ReadOnlySpan<char> text, Span<int> ids) => Match(text, ids, []);

    /// <summary>As <see cref="Match(ReadOnlySpan{char}, Span{int})"/>, and writes where each term starts and ends in
    /// the text to <paramref name="spans"/> (start, end: two entries a term) while it has room.</summary>
    public int Match(ReadOnlySpan<char> text, Span<int> ids, Span<int> spans)
    {
        var count = 0;
        Span<int> stackNode = stackalloc int[64];
        Span<int> stackPos = stackalloc int[64];
        var accept = _accept;
        var i = 0;
        while (i < text.Length)
        {
            var bestEnd = LongestAt(text, i, stackNode, stackPos, out var bestNode, out var bestNode2);
            int resume;
            if (bestEnd > i)
            {
                var before = count;
                count = Append(accept[bestNode], ids, count);
                if (bestNode2 >= 0)
                {
                    count = Append(accept[bestNode2], ids, count);
                }

                for (var k = before; k < count && (2 * k) + 1 < spans.Length; k++)
                {
                    (spans[2 * k], spans[(2 * k) + 1]) = (i, bestEnd);
                }

                resume = bestEnd;
            }
            else
            {
                resume = i;
                while (resume < text.Length && text[resume] != ' ')
                {
                    resume++;
                }
            }

            // next word start
            i = resume + 1;
            if (count == ids.Length)
            {
                break;
            }
        }

        return count;
    }

    /// <summary>
    /// The end of the longest term starting at the word start <paramref name="i"/> (a depth-first walk of the trie,
    /// wildcards included), its node and a second node ending there; -1 when no term starts there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once a word: kept as cheap as the loop it came from
    private int LongestAt(
        ReadOnlySpan<char> text,
        int i,
        Span<int> stackNode,
        Span<int> stackPos,
        out int bestNode,
        out int bestNode2
    )
    {
        var next = _nextArr;
        var star = _starArr;
        var accepting = _accepting;
        var bestEnd = -1;
        (bestNode, bestNode2) = (-1, -1);
        var sp = 0;
        stackNode[sp] = 0;
        stackPos[sp++] = i;
        while (sp > 0)
        {
            sp--;
            var n = stackNode[sp];
            var p = stackPos[sp];
            if (accepting[n] && (p == text.Length || text[p] == ' ') && p >= bestEnd)
            {
                if (p > bestEnd)
                {
                    bestEnd = p;
                    bestNode = n;
                    bestNode2 = -1;
                }
                else if (n != bestNode)
                {
                    bestNode2 = n;
                }
            }

            if (star[n] >= 0 && sp < stackNode.Length)
            {
                var q = p;
                while (q < text.Length && text[q] != ' ')
                {
                    q++;
                }

                stackNode[sp] = star[n];
                stackPos[sp++] = q;
            }

            if (p < text.Length && sp < stackNode.Length)
            {
                var s = Symbol(text[p]);
                if (s >= 0)
                {
                    var child = next[(n * Alphabet) + s];
                    if (child >= 0)
                    {
                        stackNode[sp] = child;
                        stackPos[sp++] = p + 1;
                    }
                }
            }
        }

        return bestEnd;
    }

    private static int Append(int[] found, Span<int> ids, int count)
    {
        foreach (var id in found)
        {
            if (count < ids.Length)
            {
                ids[count++] = id;
            }
        }

        return count;
    }
}
