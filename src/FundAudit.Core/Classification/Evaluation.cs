using System.Globalization;
using System.Text;
using System.Text.Json;
using FundAudit.Core.Grants;

namespace FundAudit.Core.Classification;

/// <summary>One hand-labelled grant of an evaluation set (one JSON object per line, see
/// tests/…/evaluation-set.jsonl).</summary>
public sealed record EvaluationCase(
    string Id,
    GrantRecord Grant,
    GrantLevel Level,
    GrantPurpose Purpose,
    bool Flexible,
    string? Note
);

/// <summary>Per-dimension results of running an engine over an evaluation set.</summary>
public sealed record DimensionReport(
    string Name,
    int Total,
    int Correct,
    int AnsweredUnclassified,
    int WrongHighConfidence,
    IReadOnlyList<string> Labels,
    int[,] Confusion,
    IReadOnlyList<string> Mistakes,
    IReadOnlyList<ReliabilityBin> Reliability
)
{
    /// <summary>Correct / total; an <c>unclassified</c> answer to a grant labelled otherwise counts as wrong.</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

    /// <summary>Wrong answers given with confidence ≥ <see cref="ClassificationThresholds.High"/>, as a share of all
    /// answers.</summary>
    public double WrongHighConfidenceShare => Total == 0 ? 0 : (double)WrongHighConfidence / Total;
}

public sealed record EvaluationReport(
    int Cases,
    DimensionReport Level,
    DimensionReport Purpose,
    DimensionReport Flexible
)
{
    public string Format(bool withMistakes = false)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"evaluation over {Cases} labelled grants\n");
        foreach (var d in new[] { Level, Purpose, Flexible })
        {
            sb.Append('\n').Append(CultureInfo.InvariantCulture, $"== {d.Name}\n");
            sb.Append("confusion matrix (rows = expected, columns = answered)\n");
            var w = Math.Max(13, d.Labels.Max(l => l.Length) + 1);
            sb.Append("".PadRight(w));
            foreach (var l in d.Labels)
            {
                sb.Append(l.PadLeft(w));
            }

            sb.Append('\n');
            for (var i = 0; i < d.Labels.Count; i++)
            {
                sb.Append(d.Labels[i].PadRight(w));
                for (var j = 0; j < d.Labels.Count; j++)
                {
                    sb.Append(d.Confusion[i, j].ToString(CultureInfo.InvariantCulture).PadLeft(w));
                }

                sb.Append('\n');
            }

            sb.Append(
                CultureInfo.InvariantCulture,
                $"accuracy: {d.Accuracy:P1} ({d.Correct}/{d.Total}; an "
                    + $"'unclassified' answer to a labelled grant counts as wrong)\n"
            );
            sb.Append(
                CultureInfo.InvariantCulture,
                $"answered unclassified: {d.AnsweredUnclassified} "
                    + $"({(double)d.AnsweredUnclassified / Math.Max(1, d.Total):P1})\n"
            );
            sb.Append(
                CultureInfo.InvariantCulture,
                $"wrong with high confidence (≥ {ClassificationThresholds.High}): "
                    + $"{d.WrongHighConfidence} ({d.WrongHighConfidenceShare:P1} of all answers)\n"
            );
            sb.Append("reliability (confidence bin: answers, right, share right)\n");
            foreach (var b in d.Reliability)
            {
                sb.Append(b.Line());
            }

            if (withMistakes)
            {
                foreach (var m in d.Mistakes)
                {
                    sb.Append("  ✗ ").Append(m).Append('\n');
                }
            }
        }

        return sb.ToString();
    }
}

/// <summary>One row of a reliability table: answers whose confidence lies in [From, To), and how many were
/// right.</summary>
public sealed record ReliabilityBin(double From, double To, int Answers, int Right)
{
    private static readonly double[] Edges = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0];

    /// <summary>Bins answers by confidence: [0, 0.5), [0.5, 0.7), [0.7, 0.8), [0.8, 0.9), [0.9, 0.95), [0.95,
    /// 1].</summary>
    public static IReadOnlyList<ReliabilityBin> Of(IReadOnlyCollection<(double Confidence, bool Right)> answers)
    {
        var bins = new List<ReliabilityBin>();
        for (var i = 0; i + 1 < Edges.Length; i++)
        {
            var (from, to) = (Edges[i], Edges[i + 1]);
            var inBin = answers
                .Where(a => a.Confidence >= from && (a.Confidence < to || (to >= 1 && a.Confidence <= to)))
                .ToList();
            bins.Add(new ReliabilityBin(from, to, inBin.Count, inBin.Count(a => a.Right)));
        }

        return bins;
    }

    /// <summary>The bin as a line of the evaluate command's reliability table: its range, answers, right and
    /// share right.</summary>
    public string Line()
    {
        var share = Answers == 0 ? "-" : ((double)Right / Answers).ToString("P1", CultureInfo.InvariantCulture);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"  [{From:0.00}, {To:0.00}{(To >= 1 ? "]" : ")")}: {Answers, 4} answers, {Right, 4} right, {share, 7}\n"
        );
    }
}

/// <summary>Loads labelled evaluation sets and measures an engine against them.</summary>
public static partial class Evaluation
{
    private static readonly string[] LevelLabels = ["global", "regional", "national", "local", "unclassified"];
    private static readonly string[] PurposeLabels =
    [
        "emergency",
        "campaign",
        "collective",
        "prevention",
        "other",
        "unclassified",
    ];
    private static readonly string[] FlexibleLabels = ["flexible", "not flexible"];

    /// <summary>Parses JSON lines: GrantRecord fields in camelCase plus "id", "expected": { level, purpose, flexible }
    /// and an optional "note".</summary>
    public static IReadOnlyList<EvaluationCase> ParseJsonLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cases = new List<EvaluationCase>();
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                cases.Add(ParseCase(line, lineNo));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new FormatException($"evaluation set line {lineNo}: {ex.Message}", ex);
            }
        }

        return cases;
    }

    /// <summary>One line of the evaluation set: the grant and what the classifier is expected to answer.</summary>
    private static EvaluationCase ParseCase(string line, int lineNo)
    {
        using var doc = JsonDocument.Parse(line);
        var r = doc.RootElement;
        var id = Str(r, "id") ?? $"line {lineNo}";
        var grant = new GrantRecord
        {
            Identifier = id,
            Title = Str(r, "title"),
            Description = Str(r, "description"),
            ProgrammeTitle = Str(r, "programmeTitle"),
            RecipientOrgName = Str(r, "recipientOrgName"),
            RecipientOrgCountry = Str(r, "recipientOrgCountry"),
            RecipientLocationCountryCodes = StrList(r, "recipientLocationCountryCodes"),
            BeneficiaryLocations =
                r.TryGetProperty("beneficiaryLocations", out var bl) && bl.ValueKind == JsonValueKind.Array
                    ?
                    [
                        .. bl.EnumerateArray()
                            .Select(l => new BeneficiaryLocation(
                                Str(l, "name"),
                                Str(l, "countryCode"),
                                Str(l, "geoCode"),
                                Str(l, "geoCodeType")
                            )),
                    ]
                    : [],
            FundingTypes = StrList(r, "fundingTypes"),
            LocationScope = Str(r, "locationScope"),
            ExplicitLevel = Str(r, "explicitLevel"),
            ExplicitPurpose = Str(r, "explicitPurpose"),
            ExplicitFlexible =
                r.TryGetProperty("explicitFlexible", out var ef)
                && ef.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? ef.GetBoolean()
                    : null,
            Currency = Str(r, "currency") ?? "USD",
            AmountAwardedMinor =
                r.TryGetProperty("amountAwardedMinor", out var a) && a.TryGetInt64(out var minor) ? minor : 0,
            AwardDate = DateOnly.TryParse(Str(r, "awardDate"), CultureInfo.InvariantCulture, out var date)
                ? date
                : new DateOnly(2025, 1, 1),
        };
        var expected = r.GetProperty("expected");
        var level = LevelNames.TryParse(Str(expected, "level"), out var l) ? l : GrantLevel.Unclassified;
        var purpose = RuleSet.TryParsePurpose(Str(expected, "purpose"), out var p) ? p : GrantPurpose.Unclassified;
        var flexible = expected.TryGetProperty("flexible", out var f) && f.ValueKind == JsonValueKind.True;
        return new EvaluationCase(id, grant, level, purpose, flexible, Str(r, "note"));
    }

    public static EvaluationReport Run(ClassificationEngine engine, IReadOnlyList<EvaluationCase> cases)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(cases);
        var level = new Tally("level", LevelLabels);
        var purpose = new Tally("purpose", PurposeLabels);
        var flexible = new Tally("flexible", FlexibleLabels);
        foreach (var c in cases)
        {
            var r = engine.Classify(c.Grant);
            level.Add(c.Id, LevelName(c.Level), LevelName(r.Level.Value), r.Level.Confidence, r.Level.Evidence);
            purpose.Add(
                c.Id,
                RuleSet.PurposeName(c.Purpose),
                RuleSet.PurposeName(r.Purpose.Value),
                r.Purpose.Confidence,
                r.Purpose.Evidence
            );
            flexible.Add(
                c.Id,
                c.Flexible ? "flexible" : "not flexible",
                r.Flexible.Value ? "flexible" : "not flexible",
                r.Flexible.Confidence,
                r.Flexible.Evidence
            );
        }

        return new EvaluationReport(cases.Count, level.Report(), purpose.Report(), flexible.Report());
    }

    /// <summary>The decision path named in an evidence list (<c>decision: level.local</c>), if any.</summary>
    public static string? DecisionOf(IReadOnlyList<string> evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        const string Prefix = "decision: ";
        for (var i = evidence.Count - 1; i >= 0; i--)
        {
            if (evidence[i].StartsWith(Prefix, StringComparison.Ordinal))
            {
                var rest = evidence[i].AsSpan(Prefix.Length);
                var end = rest.IndexOf(' ');
                return (end < 0 ? rest : rest[..end]).ToString();
            }
        }

        return null;
    }

    private static string LevelName(GrantLevel l) => LevelNames.Name(l);

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string[] StrList(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : [];

    private sealed class Tally(string name, string[] labels)
    {
        private readonly int[,] _m = new int[labels.Length, labels.Length];
        private readonly List<string> _mistakes = [];
        private readonly List<(double Confidence, bool Right)> _answers = [];
        private int _total,
            _correct,
            _unclassified,
            _wrongHigh;

        public void Add(string id, string expected, string answered, double confidence, IReadOnlyList<string> evidence)
        {
            _total++;
            _answers.Add((confidence, expected == answered));
            _m[Array.IndexOf(labels, expected), Array.IndexOf(labels, answered)]++;
            if (answered == "unclassified")
            {
                _unclassified++;
            }

            if (expected == answered)
            {
                _correct++;
                return;
            }

            if (confidence >= ClassificationThresholds.High)
            {
                _wrongHigh++;
            }

            _mistakes.Add(
                $"{id}: expected {expected}, answered {answered} "
                    + $"({confidence.ToString("0.00", CultureInfo.InvariantCulture)}) — "
                    + $"{string.Join("; ", evidence.TakeLast(4))}"
            );
        }

        public DimensionReport Report() =>
            new(name, _total, _correct, _unclassified, _wrongHigh, labels, _m, _mistakes, ReliabilityBin.Of(_answers));
    }
}
