namespace FundAudit.Core.Classification;

public sealed partial class ClassificationEngine
{
    // Locative prepositions before a place whose name is also an ordinary word: English "in", "near", "around",
    // Spanish and French "en", Portuguese "em".
    private static readonly string[] LocativePrepositions = ["in", "near", "around", "en", "em"];

    /// <summary>
    /// True when <paramref name="text"/>, as written, holds the preposition in lower case followed by the place's
    /// name starting with a capital ("remained in Goma", not "interest in reading" nor a title's "In Reading"):
    /// only then is an ordinary word taken for the place it also names.
    /// </summary>
    private static bool WrittenAsName(string? text, string preposition, string phrase)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var words = phrase.Count(c => c == ' ') + 1;
        var marker = preposition + " ";
        for (var i = text.IndexOf(marker, StringComparison.Ordinal); i >= 0; )
        {
            var start = i + marker.Length;
            if ((i == 0 || !char.IsLetter(text[i - 1])) && start < text.Length && char.IsUpper(text[start]))
            {
                var end = start;
                for (var w = 0; w < words && end < text.Length; w++)
                {
                    end = w == 0 ? end : end + 1;
                    while (end < text.Length && char.IsLetter(text[end]))
                    {
                        end++;
                    }
                }

                if (TextFold.Phrase(text[start..end]).Equals(phrase, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            i = text.IndexOf(marker, start, StringComparison.Ordinal);
        }

        return false;
    }
}
