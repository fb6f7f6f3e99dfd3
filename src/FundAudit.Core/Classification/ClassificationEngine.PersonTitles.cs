namespace FundAudit.Core.Classification;

public sealed partial class ClassificationEngine
{
    // Titles of people in English, Spanish, Portuguese and French texts: a place name right after one is part of a
    // person's name ("Queen Mary", "Queen Elizabeth Hall", "Professor Karen Vogtmann", "Stratford St Mary"), also after
    // a title of nobility with its "of" ("Duke of Edinburgh's Award", "Prince of Wales Hospice"). A place
    // whose own name starts with a title ("St Albans", "King's Lynn", "DR Congo") is the longer term and wins.
    // A property, not a field: the static default engine is built before the fields of this file are set.
    private static string[] PersonTitles =>
        [
            "queen",
            "king",
            "prince",
            "princess",
            "prince of",
            "princess of",
            "duke of",
            "duchess of",
            "earl of",
            "countess of",
            "marquess of",
            "professor",
            "prof",
            "dr",
            "sir",
            "dame",
            "lord",
            "lady",
            "saint",
            "st",
            "mr",
            "mrs",
            "senor",
            "senora",
            "dona",
            "madame",
            "monsieur",
        ];

    /// <summary>
    /// A place found in the word right after a person's title is a person's name (TAXONOMY.md reads places of
    /// work, and "Queen Mary" names none): its id becomes the title's, which no rule reads.
    /// </summary>
    private void DropPeoplesNames(Span<int> ids, ReadOnlySpan<int> spans)
    {
        for (var k = 0; k + 1 < ids.Length && (2 * k) + 3 < spans.Length; k++)
        {
            if (_kind[ids[k]] != TermKind.PersonTitle)
            {
                continue;
            }

            var end = spans[(2 * k) + 1];
            for (var m = k + 1; m < ids.Length && (2 * m) + 1 < spans.Length && spans[2 * m] <= end + 1; m++)
            {
                if (spans[2 * m] == end + 1 && IsPlaceKind(_kind[ids[m]]))
                {
                    ids[m] = ids[k];
                }
            }
        }
    }

    private static bool IsPlaceKind(TermKind kind) =>
        kind is TermKind.Place or TermKind.SubPlace or TermKind.BasePlace or TermKind.ContextPlace or TermKind.NameBase;
}
