namespace FundAudit.Api.Features.Audit;

internal sealed partial class MixCalculator
{
    /// <summary>The headline sums of a mix, added up row by row while the cells are.</summary>
    private struct Headline(int levelCount, int purposeCount)
    {
        public long Total;
        public long Grants;
        public long PrevColl;
        public long Flexible;
        public long Local;
        public long Unclassified;
        public long UnclassifiedGrants;
        public readonly long[] LevelMinor = new long[levelCount];
        public readonly long[] PurposeMinor = new long[purposeCount];

        public void Add(MixRow row, long amount)
        {
            Total += amount;
            Grants += row.Grants;
            if (row.Purpose is "prevention" or "collective")
            {
                PrevColl += amount;
            }

            if (row.Flexible == true)
            {
                Flexible += amount;
            }

            if (row.Level == "local")
            {
                Local += amount;
            }

            if (row.Level == "unclassified" || row.Purpose == "unclassified")
            {
                Unclassified += amount;
                UnclassifiedGrants += row.Grants;
            }

            var li = Array.IndexOf(MixCalculator.Levels, row.Level);
            LevelMinor[li < 0 ? MixCalculator.Levels.Length - 1 : li] += amount;
            var pi = Array.IndexOf(MixCalculator.Purposes, row.Purpose);
            PurposeMinor[pi < 0 ? MixCalculator.Purposes.Length - 1 : pi] += amount;
        }
    }
}
