using FundAudit.Core.Geography;
using FundAudit.Core.Grants;

namespace FundAudit.Core.Classification;

public sealed partial class ClassificationEngine
{
    /// <summary>The purpose scores of one grant, by their bits (-0 and 0 format differently); the text is the
    /// "scores: …" part of the purpose evidence.</summary>
    private readonly record struct PurposeScores(
        long Emergency,
        long Campaign,
        long Collective,
        long Prevention,
        long Other
    )
    {
        public static PurposeScores Of(ReadOnlySpan<double> score) =>
            new(
                Bits(score[(int)GrantPurpose.Emergency]),
                Bits(score[(int)GrantPurpose.Campaign]),
                Bits(score[(int)GrantPurpose.Collective]),
                Bits(score[(int)GrantPurpose.Prevention]),
                Bits(score[(int)GrantPurpose.Other])
            );

        public override string ToString() =>
            $"scores: emergency {Text(Emergency)}, campaign "
            + $"{Text(Campaign)}, "
            + $"collective {Text(Collective)}, prevention "
            + $"{Text(Prevention)}, "
            + $"other {Text(Other)}";

        private static string Text(long bits) => Fmt(BitConverter.Int64BitsToDouble(bits));
    }

    private static long Bits(double d) => BitConverter.DoubleToInt64Bits(d);

    /// <summary>The text of a recipient's base: "CO (Latin America and the Caribbean)".</summary>
    private static readonly Kept<Country, string> BaseTexts = new(
        static b => $"{b.Alpha2} ({b.Region?.DisplayName() ?? "no region"})",
        ReferenceEqualityComparer.Instance
    );

    /// <summary>The evidence lines the engine writes for grant after grant from a few recurring values (scores,
    /// country codes, where a place was read), each written once (<see cref="Kept{TKey, TValue}"/>).</summary>
    private sealed class EvidenceLines(RuleSet rules)
    {
        public Kept<(GrantPurpose Best, PurposeScores Scores), string> PurposeWins { get; } =
            new(static k => $"{RuleSet.PurposeName(k.Best)} wins ({k.Scores})");

        public Kept<(GrantPurpose Best, GrantPurpose Second, PurposeScores Scores), string> PurposeConflict { get; } =
            new(k =>
                $"conflicting evidence: {RuleSet.PurposeName(k.Best)} is not clearly ahead of "
                + $"{RuleSet.PurposeName(k.Second)} "
                + $"(margin {Fmt(rules.PurposeMargin)}; {k.Scores})"
            );

        public Kept<(int Words, PurposeScores Scores), string> PurposeOther { get; } =
            new(static k =>
                $"the grant describes its activity ({k.Words} words) and no protection purpose "
                + $"decides it ({k.Scores}) → other: the recipient's own work"
            );

        public Kept<(int Words, PurposeScores Scores), string> PurposeNoWords { get; } =
            new(static k => $"no activity words: title and description have {k.Words} words ({k.Scores})");

        /// <summary>A flexibility score above zero, against the rule set's minimum.</summary>
        public Kept<long, string> FlexibleScore { get; } =
            new(bits =>
            {
                var score = BitConverter.Int64BitsToDouble(bits);
                return score >= rules.FlexibleMinimumScore
                    ? $"flexible score {Fmt(score)} ≥ {Fmt(rules.FlexibleMinimumScore)} → flexible"
                    : $"flexible score {Fmt(score)} below {Fmt(rules.FlexibleMinimumScore)} → not flexible";
            });

        public Kept<(string Country, string Source), string> OneCountry { get; } =
            new(static k => $"work in one country ({k.Country}) from {k.Source}, no sub-national place → national");

        public Kept<(string BaseText, string Country, string Source), string> Neighbour { get; } =
            new(static k =>
                $"recipient based in {k.BaseText}, work in {k.Country} of the same region from {k.Source} → "
                + $"regional"
            );
    }
}
