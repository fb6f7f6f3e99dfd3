using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Csv;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// Reads a 360Giving JSON package (<c>{"grants": [...], ...}</c>) from a stored upload one grant at a time: a
/// <see cref="Utf8JsonReader"/> over a buffer refilled from the stream, so memory holds one grant (at most
/// <see cref="CsvImportOptions.MaxRowBytes"/>) and a block of the file, whatever the file's size. The package's other
/// members are read token by token and left. What stops the file (not JSON, not a package, a grant too large) is a
/// <see cref="JsonPackageException"/> whose problem says what and where: line, position and JSON path.
/// </summary>
internal sealed class JsonPackageReader
{
    private const int BlockBytes = 64 * 1024;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32 };

    private readonly Stream file;
    private readonly int maxGrantBytes;
    private byte[] buffer = new byte[BlockBytes];
    private int start; // the first byte not read yet
    private int end; // after the last byte in the buffer
    private long discarded; // the file offset of buffer[0]
    private bool finalBlock;
    private JsonReaderState state = new(ReaderOptions);
    private Phase phase = Phase.Root;
    private bool grantsSeen;
    private bool bom;

    private enum Phase
    {
        Root,
        Members,

        /// <summary>After a member's name other than <c>grants</c>: its value comes.</summary>
        Skip,

        /// <summary>Inside that value (an object or array), until it closes.</summary>
        SkipNested,

        /// <summary>After the name <c>grants</c>: its array must open.</summary>
        GrantsOpen,
        Grants,

        /// <summary>After the package: only white space may follow.</summary>
        Trailing,
        Done,
    }

    /// <param name="file">The stored upload (readable, seekable), read from its start; left open.</param>
    /// <param name="maxGrantBytes">The most bytes one grant may take.</param>
    public JsonPackageReader(Stream file, int maxGrantBytes)
    {
        this.file = file;
        this.maxGrantBytes = maxGrantBytes;
        file.Position = 0;
        Fill();
        if (buffer.AsSpan(0, end).StartsWith("\uFEFF"u8))
        {
            (start, bom) = (3, true);
        }
    }

    /// <summary>The 0-based position in <c>grants</c> of the grant <see cref="Next"/> answered last.</summary>
    public int Index { get; private set; } = -1;

    /// <summary>Where in the file the grant <see cref="Next"/> answered last starts.</summary>
    public long Offset { get; private set; }

    /// <summary>
    /// Whether the file starts (after a BOM and white space) as JSON does: <c>{</c> then a member or <c>}</c>, or
    /// <c>[</c> then a value. A CSV header never starts so.
    /// </summary>
    public static bool LooksLikeJson(Stream file)
    {
        file.Position = 0;
        Span<byte> head = stackalloc byte[512];
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        file.Position = 0;
        var text = head[..read];
        text = (text.StartsWith("\uFEFF"u8) ? text[3..] : text).TrimStart(" \t\r\n"u8);
        if (text.Length < 2 || text[0] is not ((byte)'{' or (byte)'['))
        {
            return false;
        }

        var next = text[1..].TrimStart(" \t\r\n"u8);
        return next.IsEmpty
            || (text[0] == '{' ? next[0] is (byte)'"' or (byte)'}' : next[0] is (byte)'{' or (byte)'[' or (byte)']');
    }

    /// <summary>
    /// The next grant's JSON (the bytes of one element of <c>grants</c>, valid until the next call), or false at the
    /// end of the package.
    /// </summary>
    /// <exception cref="JsonPackageException">The file is not a package, or not JSON, here.</exception>
    public bool Next(out ReadOnlyMemory<byte> grant)
    {
        grant = default;
        while (phase != Phase.Done)
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), finalBlock, state);
            bool found;
            try
            {
                found = Step(ref reader, out grant);
            }
            catch (JsonException e)
            {
                throw Invalid(e);
            }

            if (found)
            {
                return true;
            }

            if (phase == Phase.Done)
            {
                break;
            }

            if (finalBlock)
            {
                throw Problem("Package_JsonTruncated", discarded + end);
            }

            Fill();
        }

        return false;
    }

    /// <summary>Reads tokens until a grant is whole (true, <paramref name="grant"/> set); false when the package
    /// ends (phase done) or the buffer ends first (nothing of the unfinished token or grant consumed).</summary>
    private bool Step(ref Utf8JsonReader reader, out ReadOnlyMemory<byte> grant)
    {
        grant = default;
        while (phase != Phase.Done)
        {
            if (phase == Phase.Grants)
            {
                if (NextGrant(ref reader, out grant) is var outcome and not null)
                {
                    return outcome.Value;
                }

                continue;
            }

            if (!reader.Read())
            {
                phase = phase == Phase.Trailing && finalBlock ? Phase.Done : phase;
                return false;
            }

            Token(ref reader);
            Commit(ref reader);
        }

        return false;
    }

    /// <summary>One token outside the grants: the package's start and end, its members' names and values.</summary>
    private void Token(ref Utf8JsonReader reader)
    {
        var at = discarded + start + reader.TokenStartIndex;
        var type = reader.TokenType;
        switch (phase)
        {
            case Phase.Root when type != JsonTokenType.StartObject:
                throw Problem("Package_NotPackage", at);
            case Phase.Root:
                phase = Phase.Members;
                break;
            case Phase.Members when type == JsonTokenType.EndObject:
                phase = grantsSeen ? Phase.Trailing : throw Problem("Package_NoGrants", at);
                break;
            case Phase.Members when reader.ValueTextEquals("grants"u8):
                phase = grantsSeen ? throw Problem("Package_GrantsTwice", at) : Phase.GrantsOpen;
                grantsSeen = true;
                break;
            case Phase.Members:
                phase = Phase.Skip;
                break;
            case Phase.Skip:
                phase = type is JsonTokenType.StartObject or JsonTokenType.StartArray
                    ? Phase.SkipNested
                    : Phase.Members;
                break;
            case Phase.SkipNested when reader.CurrentDepth == 1:
                phase = Phase.Members;
                break;
            case Phase.GrantsOpen:
                phase = type == JsonTokenType.StartArray ? Phase.Grants : throw Problem("Package_NoGrants", at);
                break;
        }
    }

    /// <summary>One element of <c>grants</c>, whole (true), or the array's end (null: read on); false when the
    /// buffer ends first.</summary>
    private bool? NextGrant(ref Utf8JsonReader reader, out ReadOnlyMemory<byte> grant)
    {
        grant = default;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.EndArray)
        {
            Commit(ref reader);
            phase = Phase.Members;
            return null;
        }

        var first = (int)reader.TokenStartIndex;
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
        {
            if (end - start - first >= maxGrantBytes)
            {
                throw Problem("Package_GrantTooLarge", discarded + start + first, maxGrantBytes / (1024 * 1024));
            }

            return false;
        }

        Index++;
        Offset = discarded + start + first;
        grant = buffer.AsMemory(start + first, (int)reader.BytesConsumed - first);
        Commit(ref reader);
        return true;
    }

    /// <summary>Marks what <paramref name="reader"/> has read as consumed.</summary>
    private void Commit(ref Utf8JsonReader reader)
    {
        start += (int)reader.BytesConsumed;
        state = reader.CurrentState;
        reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), finalBlock, state);
    }

    /// <summary>Moves what is not read yet to the buffer's start (growing it for a large grant) and reads more.
    /// </summary>
    private void Fill()
    {
        var left = end - start;
        if (left == buffer.Length)
        {
            Array.Resize(ref buffer, buffer.Length * 2);
        }

        Buffer.BlockCopy(buffer, start, buffer, 0, left);
        discarded += start;
        (start, end) = (0, left);
        while (end < buffer.Length)
        {
            var read = file.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                finalBlock = true;
                break;
            }

            end += read;
        }
    }

    /// <summary>
    /// The problem of a token the reader refused, at its place in the file: the reader counts lines and positions
    /// over the whole document (its state carries them from block to block), from after the BOM.
    /// </summary>
    private JsonPackageException Invalid(JsonException e)
    {
        var line = (e.LineNumber ?? 0) + 1;
        var column = (e.BytePositionInLine ?? 0) + 1 + (line == 1 && bom ? 3 : 0);
        var key =
            finalBlock && (line, column) == LineOf(discarded + end) ? "Package_JsonTruncated" : "Package_JsonInvalid";
        return ProblemAt(key, line, column);
    }

    /// <summary>A problem said by <paramref name="key"/> with the line, the position in it and the JSON path of
    /// <paramref name="offset"/>, then <paramref name="args"/>.</summary>
    private JsonPackageException Problem(string key, long offset, params object[] args)
    {
        var (line, column) = LineOf(offset);
        return ProblemAt(key, line, column, args);
    }

    /// <summary>A problem said by <paramref name="key"/> with the line, the position and the JSON path, then
    /// <paramref name="args"/>.</summary>
    private JsonPackageException ProblemAt(string key, long line, long column, params object[] args)
    {
        var path = phase switch
        {
            Phase.GrantsOpen => "grants",
            Phase.Grants => $"grants[{Index + 1}]",
            _ => "$",
        };
        var problem = CsvFileProblem.Keyed(CodeOf(key), path, null, key, [line, column, path, .. args]);
        return new JsonPackageException(problem);
    }

    private static string CodeOf(string key) =>
        key switch
        {
            "Package_GrantTooLarge" => CsvProblemCodes.RowTooLarge,
            "Package_JsonTruncated" or "Package_JsonInvalid" => CsvProblemCodes.MalformedJson,
            _ => CsvProblemCodes.NotAPackage,
        };

    /// <summary>The 1-based line and position (in bytes) of <paramref name="offset"/>, counted from the file.</summary>
    private (long Line, long Column) LineOf(long offset)
    {
        file.Position = 0;
        var block = new byte[BlockBytes];
        long line = 1,
            lineStart = 0,
            position = 0;
        while (position < offset)
        {
            var read = file.Read(block, 0, (int)Math.Min(block.Length, offset - position));
            if (read == 0)
            {
                break;
            }

            for (var i = block.AsSpan(0, read).IndexOf((byte)'\n'); i >= 0; )
            {
                line++;
                lineStart = position + i + 1;
                var next = block.AsSpan(i + 1, read - i - 1).IndexOf((byte)'\n');
                i = next < 0 ? -1 : i + 1 + next;
            }

            position += read;
        }

        return (line, offset - lineStart + 1);
    }
}

/// <summary>A JSON package the import refuses as a whole, with the problem that says why and where.</summary>
internal sealed class JsonPackageException(CsvFileProblem problem) : Exception(problem.Message)
{
    public CsvFileProblem Problem { get; } = problem;
}
