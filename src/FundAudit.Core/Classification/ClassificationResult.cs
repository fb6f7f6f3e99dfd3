namespace FundAudit.Core.Classification;

/// <summary>Who the money reached (TAXONOMY.md, "Level").</summary>
public enum GrantLevel
{
    Unclassified = 0,
    Global,
    Regional,
    National,
    Local,
}

/// <summary>What the grant is primarily for (TAXONOMY.md, "Purpose").</summary>
public enum GrantPurpose
{
    Unclassified = 0,
    Prevention,
    Collective,
    Emergency,
    Campaign,

    /// <summary>The recipient's own work that is none of the four protection purposes: a decision, not a
    /// default.</summary>
    Other,
}

/// <summary>Where a classified value came from.</summary>
public enum ClassificationSource
{
    /// <summary>Given in the data (Level/Purpose/Flexible column, Location Scope, Funding Type code).</summary>
    Explicit,

    /// <summary>Inferred by the rule set.</summary>
    Rule,

    /// <summary>Set by a person; survives every re-classification until removed.</summary>
    Manual,
}

/// <summary>One dimension's answer with its explanation.</summary>
/// <typeparam name="T">The dimension's values: <see cref="GrantLevel"/>, <see cref="GrantPurpose"/> or
/// flexibility.</typeparam>
/// <param name="Value">The answer (an unclassified value when the evidence does not decide).</param>
/// <param name="Source">Where the answer comes from: the data, the rule set or a person.</param>
/// <param name="Confidence">0..1.</param>
/// <param name="Evidence">Human-readable reasons: the rule or terms that fired, the geography that decided.</param>
public sealed record Dimension<T>(
    T Value,
    ClassificationSource Source,
    double Confidence,
    IReadOnlyList<string> Evidence
);

/// <summary>The classification of one grant, with the version of the rule set that produced it.</summary>
public sealed record GrantClassification(
    Dimension<GrantLevel> Level,
    Dimension<GrantPurpose> Purpose,
    Dimension<bool> Flexible,
    string RuleSetVersion
);
