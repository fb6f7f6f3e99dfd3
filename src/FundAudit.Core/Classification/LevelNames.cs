namespace FundAudit.Core.Classification;

/// <summary>Names of <see cref="GrantLevel"/> values as stored and as accepted in data (en/es/pt/fr).</summary>
public static class LevelNames
{
    public static string Name(GrantLevel level) =>
        level switch
        {
            GrantLevel.Global => "global",
            GrantLevel.Regional => "regional",
            GrantLevel.National => "national",
            GrantLevel.Local => "local",
            _ => "unclassified",
        };

    public static bool TryParse(string? text, out GrantLevel level)
    {
        level = TextFold.Key(text) switch
        {
            "global" or "international" or "internacional" or "mundial" or "mondial" => GrantLevel.Global,
            "regional" or "region" => GrantLevel.Regional,
            "national" or "nacional" => GrantLevel.National,
            "local" or "community" or "comunitario" or "comunitaria" or "communautaire" => GrantLevel.Local,
            _ => GrantLevel.Unclassified,
        };
        return level != GrantLevel.Unclassified;
    }
}
