using System.Security.Cryptography;
using System.Text;
using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Core.Tests.EmergencyRequests;

public sealed class CaseCodeTests
{
    private static readonly CaseCode Known = CaseCode.FromRandomSymbols("0123456789ABCDEFGHJKMNPQRST");

    [Fact]
    public void Has_at_least_128_bits_and_displays_as_seven_groups_of_four()
    {
        Assert.True(CaseCode.EntropyBits >= 128);
        var code = CaseCode.Generate();
        Assert.Equal(CaseCode.Length, code.Canonical.Length);
        var shown = code.ToString();
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$", shown);
        Assert.Equal(code.Canonical, shown.Replace("-", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Computes_the_luhn_mod_32_check_symbol()
    {
        // Hand computation for "1": factor 2 → addend 2 → sum 2 → check (32 − 2) mod 32 = 30 → 'Y'.
        Assert.Equal('Y', CaseCode.CheckSymbol("1"));
        // "01": from the right 1×2 = 2, then 0×1 = 0 → sum 2 → 'Y'.
        Assert.Equal('Y', CaseCode.CheckSymbol("01"));
        // "G" (16): 16×2 = 32 → 32/32 + 32%32 = 1 → check 31 → 'Z'.
        Assert.Equal('Z', CaseCode.CheckSymbol("G"));
        Assert.Equal(
            "0123-4567-89AB-CDEF-GHJK-MNPQ-RST" + CaseCode.CheckSymbol("0123456789ABCDEFGHJKMNPQRST"),
            Known.ToString()
        );
    }

    [Fact]
    public void Round_trips_through_its_display_form()
    {
        for (var i = 0; i < 200; i++)
        {
            var code = CaseCode.Generate();
            Assert.True(CaseCode.TryParse(code.ToString(), out var parsed));
            Assert.Equal(code, parsed);
            Assert.Equal(code.Canonical, CaseCode.Parse(code.Canonical).Canonical);
        }
    }

    [Fact]
    public void Tolerates_case_spaces_missing_dashes_and_look_alike_letters()
    {
        var shown = Known.ToString(); // 0123-4567-...
        var variants = new[]
        {
            shown.ToLowerInvariant(),
            shown.Replace("-", " ", StringComparison.Ordinal),
            shown.Replace("-", "", StringComparison.Ordinal),
            "  " + shown.Replace("-", " - ", StringComparison.Ordinal) + "\n",
            "O" + shown[1..], // letter O for zero
            "o" + shown[1..],
            shown[..1] + "I" + shown[2..], // I for one
            shown[..1] + "l" + shown[2..], // l for one
            shown[..1] + "L" + shown[2..],
            shown.Replace("-", "\u2013", StringComparison.Ordinal), // en dashes from autocorrect
        };
        foreach (var typed in variants)
        {
            Assert.True(CaseCode.TryParse(typed, out var parsed, out var error), $"{typed}: {error}");
            Assert.Equal(Known, parsed);
            Assert.Equal(Known.Canonical, CaseCode.Normalize(typed));
        }
    }

    [Theory]
    [InlineData(null, CaseCodeError.Empty)]
    [InlineData("   ", CaseCodeError.Empty)]
    [InlineData("0123-4567", CaseCodeError.WrongLength)]
    [InlineData("0123-4567-89AB-CDEF-GHJK-MNPQ-RSTY-Z", CaseCodeError.WrongLength)]
    [InlineData("0123-4567-89AB-CDEF-GHJK-MNPQ-RSU0", CaseCodeError.InvalidCharacter)] // U is not Crockford
    [InlineData("0123-4567-89AB-CDEF-GHJK-MNPQ-RS*0", CaseCodeError.InvalidCharacter)]
    public void Says_why_input_is_not_a_code(string? input, CaseCodeError expected)
    {
        Assert.False(CaseCode.TryParse(input, out var code, out var error));
        Assert.Null(code);
        Assert.Equal(expected, error);
        Assert.Null(CaseCode.Normalize(input));
    }

    [Fact]
    public void Catches_every_single_mistyped_symbol_and_neighbour_swap()
    {
        var canonical = Known.Canonical;
        for (var i = 0; i < canonical.Length; i++)
        {
            foreach (var c in CaseCode.Alphabet.Where(c => c != canonical[i]))
            {
                var typo = canonical[..i] + c + canonical[(i + 1)..];
                Assert.False(CaseCode.TryParse(typo, out _, out var error), typo);
                Assert.Equal(CaseCodeError.ChecksumMismatch, error);
            }
        }

        var swapsCaught = 0;
        var swaps = 0;
        for (var i = 0; i + 1 < canonical.Length; i++)
        {
            if (canonical[i] == canonical[i + 1])
            {
                continue;
            }

            swaps++;
            var swapped = canonical[..i] + canonical[i + 1] + canonical[i] + canonical[(i + 2)..];
            if (!CaseCode.TryParse(swapped, out _))
            {
                swapsCaught++;
            }
        }

        Assert.True(swapsCaught >= swaps - 2, $"{swapsCaught} of {swaps} swaps caught");
        Assert.Throws<FormatException>(() => CaseCode.Parse(canonical[..^1] + (canonical[^1] == '0' ? '1' : '0')));
    }

    [Fact]
    public void Many_generated_codes_are_distinct_and_their_symbols_uniform()
    {
        const int count = 20_000;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var counts = new int[32];
        for (var i = 0; i < count; i++)
        {
            var code = CaseCode.Generate();
            Assert.True(seen.Add(code.Canonical));
            foreach (var c in code.Canonical.AsSpan(0, CaseCode.RandomSymbols))
            {
                counts[CaseCode.Alphabet.IndexOf(c, StringComparison.Ordinal)]++;
            }
        }

        // 540,000 symbols: 16,875 expected each, standard deviation ≈ 127; allow ±5% (over 6 deviations).
        var expected = count * CaseCode.RandomSymbols / 32.0;
        Assert.All(counts, n => Assert.InRange(n, expected * 0.95, expected * 1.05));
    }

    [Fact]
    public void Hashes_the_canonical_form_so_any_typed_variant_finds_the_case()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var typed = CaseCode.Parse(Known.ToString().ToLowerInvariant().Replace('0', 'o'));

        var expectedHmac = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(Known.Canonical)));
        Assert.Equal(expectedHmac, typed.ComputeLookupHash(key));
        Assert.Matches("^[0-9a-f]{64}$", typed.ComputeLookupHash(key));
        Assert.NotEqual(typed.ComputeLookupHash(key), typed.ComputeLookupHash(key.Reverse().ToArray()));
        Assert.Equal(
            Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(Known.Canonical))),
            typed.ComputeSha256()
        );
        Assert.NotEqual(typed.ComputeSha256(), typed.ComputeLookupHash(key));
        Assert.Throws<ArgumentException>(() => typed.ComputeLookupHash(new byte[16]));
    }

    [Fact]
    public void Compares_codes_and_hashes_by_value()
    {
        var other = CaseCode.FromRandomSymbols("0123456789ABCDEFGHJKMNPQRSV");
        Assert.True(Known.Equals(CaseCode.Parse(Known.ToString())));
        Assert.False(Known.Equals(other));
        Assert.False(Known.Equals(null));
        Assert.Equal(Known.GetHashCode(), CaseCode.Parse(Known.Canonical).GetHashCode());
        Assert.True(CaseCode.HashesEqual(Known.ComputeSha256(), Known.ComputeSha256().ToUpperInvariant()));
        Assert.False(CaseCode.HashesEqual(Known.ComputeSha256(), other.ComputeSha256()));
        Assert.False(CaseCode.HashesEqual(null, Known.ComputeSha256()));
    }
}
