using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Tests.Classification.RealData;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Core.Classification;
using FundAudit.Core.Grants;

namespace FundAudit.Api.Tests.Classification.Evidence;

/// <summary>
/// The compact stored evidence (<see cref="EvidenceCodec"/>) gives back exactly the lines the engine wrote: checked on
/// every evidence line the engine produces over both synthetic evaluation sets and every grant of the real published
/// files the labelled set comes from (read through <see cref="RealGrantSources"/>), on text no template knows, and on
/// rows stored before the codec (JSON arrays).
/// </summary>
public sealed class EvidenceCodecTests
{
    private static readonly Lazy<IReadOnlyList<IReadOnlyList<string>>> EngineEvidence = new(ReadEngineEvidence);

    [Fact]
    public void Every_evidence_list_the_engine_writes_on_the_evaluation_sets_and_real_grants_comes_back_exactly()
    {
        var lists = EngineEvidence.Value;
        Assert.True(lists.Count > 3_000, $"only {lists.Count} evidence lists");
        long json = 0,
            compact = 0;
        foreach (var evidence in lists)
        {
            var stored = ClassificationNames.Evidence(evidence);
            Assert.Equal(evidence, EvidenceCodec.Decode(stored));
            json += Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(evidence, GrantMapping.StoredJson));
            compact += Encoding.UTF8.GetByteCount(stored);
        }

        // The point of the codec: the stored evidence is a fraction of the JSON it replaces (about a sixth today).
        Assert.True(compact * 4 < json, $"compact {compact} B against JSON {json} B");
    }

    [Fact]
    public void Text_no_phrase_knows_control_characters_and_lookalike_codes_come_back_exactly()
    {
        string[][] cases =
        [
            [],
            [""],
            ["", ""],
            ["one"],
            ["recipient based in CO → global", "emergency +1 'emergencia*'", "quote \" <b> & é 😀"],
            ["a new rule's line: nothing like the templates", "decision: level.someNewKey (right 100 % of the time"],
            ["decision: decision: ", "flexibleflexible", " % of the time on labelled real grants) → local"],
            ["line\nwith a newline", "tab\there"], // control characters: kept as a JSON array
            ["\u0001 starts like the compact form", "\u001E\u001F\u0002"],
            ["[\"looks like JSON\"]", "~", "{ }", "\\u2192"],
            ["!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"],
            [.. EvidenceCodec.Phrases], // every phrase alone
            [string.Concat(EvidenceCodec.Phrases)], // every phrase in one line
            // the repeat of the last quoted text: names with apostrophes, empty quotes, repeats at the line's end
            ["place 'Cauca': Cauca, a region of CO", "place 'Côte d'Ivoire': Côte d'Ivoire", "'abc'abc", "'abc'ab"],
            ["''", "'''", "'x' 'yyyy' yyyy yyyy'yyyy", "'aaaa' 'bbbb' aaaa bbbb", "'ab'ab", "' (title)' (title)'"],
        ];
        foreach (var evidence in cases)
        {
            var stored = ClassificationNames.Evidence(evidence);
            Assert.Equal(evidence, EvidenceCodec.Decode(stored));
        }

        Assert.StartsWith("[", ClassificationNames.Evidence(["line\nwith a newline"]), StringComparison.Ordinal);
        Assert.Contains(
            $"{EvidenceCodec.Escape2}{EvidenceCodec.RepeatQuoted}",
            ClassificationNames.Evidence(["place 'Alta Verapaz': Alta Verapaz, a region of GT"]),
            StringComparison.Ordinal
        );
        Assert.Equal("[]", ClassificationNames.Evidence([]));
        Assert.Equal(EvidenceCodec.Marker2, ClassificationNames.Evidence(["one"])[0]);
    }

    /// <summary>
    /// The quality totals' triggers (migration 0019) read an unclassified answer's reason from the stored JSON text in
    /// SQL, so that evidence is never stored compactly.
    /// </summary>
    [Fact]
    public void Evidence_of_an_unclassified_answer_stays_the_json_array_the_database_reads()
    {
        string[] evidence = ["place 'Cauca': Cauca", "unclassified: no place known (no beneficiary location)"];
        Assert.Equal(
            JsonSerializer.Serialize(evidence, GrantMapping.StoredJson),
            ClassificationNames.Evidence(evidence)
        );
        Assert.Equal(evidence, EvidenceCodec.Decode(ClassificationNames.Evidence(evidence)));
        Assert.Equal(EvidenceCodec.Marker2, ClassificationNames.Evidence(["place 'Cauca': Cauca"])[0]);
    }

    /// <summary>
    /// Rows written with version 1 of the phrase table (marker U+0001, before 7 December) read the same lines: version
    /// 2 only appends phrases. Such a row is what the encoder writes for evidence that uses none of the appended ones,
    /// under the first marker. Version 2's place lines are stored shorter than without its phrases.
    /// </summary>
    [Fact]
    public void Rows_of_the_first_phrase_table_read_the_same_lines_and_the_second_saves_the_subdivision_types()
    {
        var appended = EvidencePhrases.Version2[EvidencePhrases.Version1.Length..];
        var checkedRows = 0;
        foreach (var evidence in EngineEvidence.Value.Take(2_000))
        {
            var stored = ClassificationNames.Evidence(evidence);
            if (stored[0] != EvidenceCodec.Marker2 || evidence.Any(l => appended.Any(p => l.Contains(p))))
            {
                continue;
            }

            Assert.Equal(evidence, EvidenceCodec.Decode(EvidenceCodec.Marker + stored[1..]));
            checkedRows++;
        }

        Assert.True(checkedRows > 1_000, $"{checkedRows} rows checked");
        string[] county = ["place 'Nairobi': Nairobi City, a county of KE"];
        var compact = ClassificationNames.Evidence(county);
        Assert.Equal(county, EvidenceCodec.Decode(compact));
        Assert.True(compact.Length < county[0].Length - ", a county of ".Length, compact);
    }

    [Fact]
    public void Rows_stored_before_the_codec_as_json_arrays_read_the_same_lines()
    {
        foreach (var evidence in EngineEvidence.Value.Take(2_000))
        {
            Assert.Equal(evidence, EvidenceCodec.Decode(JsonSerializer.Serialize(evidence, GrantMapping.StoredJson)));
            Assert.Equal(evidence, EvidenceCodec.Decode(JsonSerializer.Serialize(evidence)));
        }

        Assert.Empty(EvidenceCodec.Decode(null));
        Assert.Empty(EvidenceCodec.Decode(""));
    }

    /// <summary>
    /// Stored evidence refers to phrases by position: the table of version 1 must never change (a changed table needs a
    /// new marker and a second table). Its fingerprint is pinned here.
    /// </summary>
    [Fact]
    public void The_phrase_table_is_fixed_distinct_and_fits_the_codes()
    {
        var phrases = EvidenceCodec.Phrases;
        Assert.Equal(EvidencePhrases.Version1, phrases[..EvidencePhrases.Version1.Length]);
        Assert.Equal(27, EvidencePhrases.OneCharacter); // U+0002–U+001C; U+001D, U+001E and U+001F have other uses
        Assert.InRange(EvidencePhrases.BehindEscape, 1, 94);
        var third = phrases.Length - EvidencePhrases.OneCharacter - EvidencePhrases.BehindEscape;
        Assert.InRange(third, 0, EvidenceCodec.RepeatQuoted - '!' - 1); // the repeat code is not a phrase's
        Assert.Equal(phrases.Length, phrases.Distinct(StringComparer.Ordinal).Count());
        for (var i = 0; i < phrases.Length; i++)
        {
            var saves = Encoding.UTF8.GetByteCount(phrases[i]) > (i < EvidencePhrases.OneCharacter ? 1 : 2);
            Assert.True(saves && !phrases[i].Any(char.IsControl), phrases[i]);
        }
        static string Fingerprint(string[] table) =>
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", table))));
        Assert.Equal(PinnedFingerprint, Fingerprint(EvidencePhrases.Version1));
        Assert.Equal(PinnedFingerprint2, Fingerprint(EvidencePhrases.Version2));
    }

    private const string PinnedFingerprint = "E986F04CFF979E6CDA053EE51474FB42DF4B8FE8379EE46D91608867CFAAC458";
    private const string PinnedFingerprint2 = "8BC0589FA344A1B8E9235C7F3A156B94B5CE48720BA2F54B8E2EDC63B07ADE74";

    private static List<IReadOnlyList<string>> ReadEngineEvidence()
    {
        var grants = new List<GrantRecord>();
        foreach (var set in new[] { "evaluation-set.jsonl", "heldout-set.jsonl" })
        {
            var path = Path.Combine(RepoPaths.Root, "tests", "FundAudit.Core.Tests", "Classification", "Data", set);
            grants.AddRange(Evaluation.ParseJsonLines(File.ReadAllText(path)).Select(c => c.Grant));
        }

        var folder = RealGrantSources.FindDataFolder()
            ?? throw new DirectoryNotFoundException("../shared/data (the real published grant files) was not found");
        var labels = new[] { "tuning", "heldout" }.SelectMany(part =>
            RealGrantSources.ReadLabels(
                Path.Combine(AppContext.BaseDirectory, "Classification", "RealData", $"labels-{part}.jsonl")
            )
        );
        foreach (var source in labels.Select(l => l.Source).Distinct(StringComparer.Ordinal))
        {
            grants.AddRange(RealGrantSources.Load(folder, source).Values);
        }

        var lists = new List<IReadOnlyList<string>>(grants.Count * 3);
        foreach (var grant in grants)
        {
            var c = ClassificationEngine.Default.Classify(grant);
            lists.AddRange([c.Level.Evidence, c.Purpose.Evidence, c.Flexible.Evidence]);
        }

        return lists;
    }
}
