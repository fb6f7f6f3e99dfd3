using Xunit.Sdk;

namespace FundAudit.Api.Tests.Pages;

/// <summary>The check every resource set's test uses (<see cref="Translations.AssertComplete"/>) fails on a
/// translation whose placeholders differ from English: one left out, one renumbered, or a format changed.</summary>
public sealed class TranslationsTests
{
    private static readonly string[] Languages = ["en", "es"];

    private static void Check(string spanish)
    {
        var texts = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal)
        {
            ["en"] = new(StringComparer.Ordinal) { ["A"] = "{0} of {1:N0} rows", ["B"] = "Hello" },
            ["es"] = new(StringComparer.Ordinal) { ["A"] = spanish, ["B"] = "Hola" },
        };
        Translations.AssertComplete(
            Languages,
            language => [.. texts[language ?? "en"].Keys],
            (key, language) => texts[language].GetValueOrDefault(key),
            1
        );
    }

    [Fact]
    public void The_same_placeholders_pass() => Check("{0} de {1:N0} filas");

    [Theory]
    [InlineData("{0} filas")]
    [InlineData("{0} de {2:N0} filas")]
    [InlineData("{0} de {1} filas")]
    public void Other_placeholders_than_english_fail(string spanish) =>
        Assert.ThrowsAny<XunitException>(() => Check(spanish));
}
