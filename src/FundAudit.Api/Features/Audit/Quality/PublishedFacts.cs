using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FundAudit.Core.Grants;

namespace FundAudit.Api.Features.Audit.Quality;

/// <summary>
/// What the checks read from a grant's published 360Giving JSON (what <c>GET /api/grants/{id}</c> and the exports
/// serve) because no column keeps it as published: an identifier with a control character (the identifier column is
/// trimmed, so a trailing line break is only there; every recipient and funding organisation id is only there), and
/// text that looks like an email address anywhere in it, and a planned date that is not a date (the column is then
/// empty). One pass of a <see cref="Utf8JsonReader"/>, the same for a
/// grant about to be written and one read back.
/// </summary>
internal sealed partial class PublishedFacts
{
    public static readonly PublishedFacts None = new();

    /// <summary>The first identifier (the grant's, a recipient's or a funding organisation's) holding a control
    /// character or a line separator, as "grant id "Q-1\n"" (null when none).</summary>
    public string? ControlInId { get; private set; }

    /// <summary>Where the first text that looks like an email address is ("title", "recipientOrganization.name"): any
    /// string of the grant but those under a member whose name holds "email" (null when none).</summary>
    public string? Email { get; private set; }

    /// <summary>The first planned date (of the first <c>plannedDates</c> item, the one the columns keep) that is given
    /// but is no date, as "planned start 2027-02-30" (null when none).</summary>
    public string? UnreadablePlannedDate { get; private set; }

    public static PublishedFacts Of(string json)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            return Of(buffer.AsSpan(0, Encoding.UTF8.GetBytes(json, buffer)));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The facts of <paramref name="json"/>. Member names are first read as the few the checks compare
    /// (<see cref="Name"/>, no string per member of every grant); only when an address is found, which is rare, is the
    /// JSON read again with every name, so the detail names its place exactly.</summary>
    public static PublishedFacts Of(ReadOnlySpan<byte> json)
    {
        var facts = Of(json, exactNames: false);
        return facts.Email is null ? facts : Of(json, exactNames: true);
    }

    private static PublishedFacts Of(ReadOnlySpan<byte> json, bool exactNames)
    {
        var facts = new PublishedFacts();
        var reader = new Utf8JsonReader(json);
        var path = new List<string>(8); // the member name of each open object or array ("" for an array's item)
        var member = "";
        var plannedItem = 0; // the plannedDates item being read (1: the first)
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        member = exactNames ? reader.GetString()! : Name(ref reader);
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        plannedItem += path is [_, "plannedDates"] ? 1 : 0;
                        path.Add(member);
                        member = "";
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.String:
                        facts.Read(path, member, ref reader, plannedItem);
                        member = "";
                        break;
                    default:
                        member = "";
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return None; // a stored grant's JSON is always whole; nothing to tell otherwise
        }

        return facts;
    }

    private void Read(List<string> path, string member, ref Utf8JsonReader reader, int plannedItem)
    {
        if (
            UnreadablePlannedDate is null
            && plannedItem == 1
            && path is [_, "plannedDates", _]
            && member is "startDate" or "endDate"
            && reader.GetString() is { } date
            && !string.IsNullOrWhiteSpace(date)
            && !IsoDate.TryParse(date, out _)
        )
        {
            UnreadablePlannedDate = (member == "startDate" ? "planned start " : "planned end ") + Escaped(date);
        }

        if (
            Email is null
            && (reader.ValueIsEscaped || reader.ValueSpan.Contains((byte)'@'))
            && EmailLike().IsMatch(reader.GetString()!)
            && !member.Contains("email", StringComparison.OrdinalIgnoreCase)
            && !path.Any(p => p.Contains("email", StringComparison.OrdinalIgnoreCase))
        )
        {
            Email = string.Join('.', path.Append(member).Where(p => p.Length > 0));
        }

        if (ControlInId is null && IdKind(path, member) is { } kind && MayHoldControl(ref reader))
        {
            var id = reader.GetString()!;
            if (id.Any(IsControl))
            {
                ControlInId = $"{kind} \"{Escaped(id)}\"";
            }
        }
    }

    /// <summary>A member's name as the checks compare it, without a new string: the names they test for by value,
    /// <c>email</c> for any other that holds "email" (in any case), and <c>?</c> for the rest.</summary>
    private static string Name(ref Utf8JsonReader reader)
    {
        foreach (var (utf8, name) in ComparedNames)
        {
            if (reader.ValueTextEquals(utf8))
            {
                return name;
            }
        }

        var holdsEmail = reader.ValueIsEscaped
            ? reader.GetString()!.Contains("email", StringComparison.OrdinalIgnoreCase)
            : HoldsEmail(reader.ValueSpan);
        return holdsEmail ? "email" : "?";
    }

    /// <summary>The member names the checks compare by value, with their UTF-8 bytes.</summary>
    private static readonly (byte[] Utf8, string Name)[] ComparedNames =
    [
        .. new[]
        {
            "id",
            "plannedDates",
            "startDate",
            "endDate",
            "recipientOrganization",
            "fundingOrganization",
        }.Select(n => (Encoding.UTF8.GetBytes(n), n)),
    ];

    /// <summary>Whether UTF-8 <paramref name="name"/> holds "email" in any case of its ASCII letters.</summary>
    private static bool HoldsEmail(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i + 5 <= name.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(name.Slice(i, 5), "email"u8))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Which identifier a string member is: the grant's <c>id</c>, or the <c>id</c> of an item of
    /// <c>recipientOrganization</c> or <c>fundingOrganization</c>; null for any other.</summary>
    private static string? IdKind(List<string> path, string member) =>
        member != "id" ? null
        : path.Count == 1 ? "grant id"
        : path.Count != 3 ? null
        : path[1] switch
        {
            "recipientOrganization" => "recipient id",
            "fundingOrganization" => "funding organisation id",
            _ => null,
        };

    /// <summary>360Giving's LooksLikeEmail: letters, digits, dots or hyphens, an @, more of them with a dot.</summary>
    [GeneratedRegex(@"[\w.-]+@[\w.-]+\.[\w.-]+", RegexOptions.CultureInvariant)]
    private static partial Regex EmailLike();

    /// <summary>Whether the string token may hold a control character, without reading it as a string: JSON writes
    /// C0 characters escaped, so only an escaped token, DEL (0x7F), or a C1 character or line separator (UTF-8 lead
    /// bytes 0xC2, 0xE2) can.</summary>
    private static bool MayHoldControl(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped
        || reader.HasValueSequence
        || reader.ValueSpan.IndexOfAny((byte)0x7F, (byte)0xC2, (byte)0xE2) >= 0;

    /// <summary>A control character (C0, DEL, C1: line breaks and tabs among them) or a Unicode line or paragraph
    /// separator.</summary>
    public static bool IsControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    /// <summary><paramref name="s"/> with its control characters written as JSON escapes, so a detail shows them.
    /// </summary>
    public static string Escaped(string s)
    {
        var b = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            _ = c switch
            {
                '\n' => b.Append("\\n"),
                '\r' => b.Append("\\r"),
                '\t' => b.Append("\\t"),
                _ when IsControl(c) => b.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)),
                _ => b.Append(c),
            };
        }

        return b.ToString();
    }
}
