using System.Text;
using System.Text.Json;

namespace FundAudit.Core.Classification;

public sealed partial class RuleSet
{
    /// <summary>Writes the rule set back in the same JSON format <see cref="Parse"/> reads.</summary>
    public string ToJson()
    {
        using var ms = new MemoryStream();
        using (
            var w = new Utf8JsonWriter(
                ms,
                new JsonWriterOptions
                {
                    Indented = true,
                    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                }
            )
        )
        {
            w.WriteStartObject();
            w.WriteString("version", Version);
            if (Description is not null)
            {
                w.WriteString("description", Description);
            }

            WritePurpose(w);

            w.WriteStartObject("flexible");
            w.WriteNumber("minimumScore", FlexibleMinimumScore);
            WriteTerms(w, "terms", FlexibleTerms);
            if (FlexibleExceptions.Count > 0)
            {
                WriteTerms(w, "exceptions", FlexibleExceptions);
            }

            w.WriteEndObject();

            WriteLevel(w);
            if (Confidences.Count > 0)
            {
                w.WriteStartObject("confidence");
                foreach (var (key, value) in Confidences.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    w.WriteNumber(key, value);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private void WritePurpose(Utf8JsonWriter w)
    {
        w.WriteStartObject("purpose");
        w.WriteNumber("minimumScore", PurposeMinimumScore);
        w.WriteNumber("margin", PurposeMargin);
        w.WriteNumber("titleWeight", TitleWeight);
        w.WriteNumber("otherMinimumWords", OtherMinimumWords);
        w.WriteStartObject("terms");
        foreach (var (p, terms) in PurposeTerms.OrderBy(kv => kv.Key))
        {
            WriteTerms(w, PurposeName(p), terms);
        }

        w.WriteEndObject();
        if (ClauseMarkers.Count > 0)
        {
            WriteTerms(w, "clauseMarkers", ClauseMarkers);
        }

        if (PurposeExceptions.Count > 0)
        {
            w.WriteStartObject("exceptions");
            foreach (var (p, terms) in PurposeExceptions.OrderBy(kv => kv.Key))
            {
                WriteTerms(w, PurposeName(p), terms);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private void WriteLevel(Utf8JsonWriter w)
    {
        w.WriteStartObject("level");
        w.WriteNumber("minimumScore", LevelMinimumScore);
        w.WriteString("baseOnly", LevelNames.Name(BaseOnlyLevel));
        w.WriteStartObject("terms");
        foreach (var (l, terms) in LevelTerms.OrderBy(kv => kv.Key))
        {
            WriteTerms(w, LevelNames.Name(l), terms);
        }

        w.WriteEndObject();
        if (RecipientLevelTerms.Count > 0)
        {
            w.WriteStartObject("recipientTerms");
            foreach (var (l, terms) in RecipientLevelTerms.OrderBy(kv => kv.Key))
            {
                WriteTerms(w, LevelNames.Name(l), terms);
            }

            w.WriteEndObject();
        }

        if (SiteTerms.Count > 0)
        {
            WriteTerms(w, "siteTerms", SiteTerms);
        }

        w.WriteEndObject();
    }

    private static void WriteTerms(Utf8JsonWriter w, string name, IReadOnlyList<WeightedTerm> terms)
    {
        w.WriteStartObject(name);
        foreach (var t in terms)
        {
            w.WriteNumber(t.Term, t.Weight);
        }

        w.WriteEndObject();
    }
}
