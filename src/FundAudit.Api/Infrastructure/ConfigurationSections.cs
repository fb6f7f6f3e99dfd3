namespace FundAudit.Api.Infrastructure;

/// <summary>Reads a settings class from its configuration section.</summary>
internal static class ConfigurationSections
{
    /// <summary>
    /// The section <paramref name="section"/> bound to <typeparamref name="T"/>, or <typeparamref name="T"/>'s
    /// defaults when the configuration has no such section.
    /// </summary>
    /// <typeparam name="T">The settings class (its defaults are its property initialisers).</typeparam>
    /// <param name="configuration">The service's configuration.</param>
    /// <param name="section">The section's name (the class's <c>Section</c> constant).</param>
    public static T Bound<T>(this IConfiguration configuration, string section)
        where T : new() => configuration.GetSection(section).Get<T>() ?? new T();
}
