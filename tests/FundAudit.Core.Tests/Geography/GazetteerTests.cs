using System.Diagnostics;
using FundAudit.Core.Geography;
using Xunit.Abstractions;

namespace FundAudit.Core.Tests.Geography;

public sealed class GazetteerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("UK Wide", SubPlaceKind.CountryWide, "United Kingdom")]
    [InlineData("UK-wide", SubPlaceKind.CountryWide, "United Kingdom")]
    [InlineData("Uk Wide", SubPlaceKind.CountryWide, "United Kingdom")]
    [InlineData("UK Whole", SubPlaceKind.CountryWide, "United Kingdom")]
    [InlineData("National (UK)", SubPlaceKind.CountryWide, "United Kingdom")]
    [InlineData("United Kingdom", SubPlaceKind.CountryWide, "United Kingdom")]
    [InlineData("England - Wide", SubPlaceKind.ConstituentCountry, "England")]
    [InlineData("England wide", SubPlaceKind.ConstituentCountry, "England")]
    [InlineData("England", SubPlaceKind.ConstituentCountry, "England")]
    [InlineData("Wales - Wide", SubPlaceKind.ConstituentCountry, "Wales")]
    [InlineData("Scotland - Wide", SubPlaceKind.ConstituentCountry, "Scotland")]
    [InlineData("Northern Ireland - Wide", SubPlaceKind.ConstituentCountry, "Northern Ireland")]
    [InlineData("London", SubPlaceKind.Region, "London")]
    [InlineData("Greater London", SubPlaceKind.Region, "London")]
    [InlineData("South West", SubPlaceKind.Region, "South West")]
    [InlineData("North East", SubPlaceKind.Region, "North East")]
    [InlineData("NE England", SubPlaceKind.Region, "North East")]
    [InlineData("East Midlands", SubPlaceKind.Region, "East Midlands")]
    [InlineData("Yorkshire and the Humber", SubPlaceKind.Region, "Yorkshire and the Humber")]
    [InlineData("South East", SubPlaceKind.Region, "South East")]
    [InlineData("West Midlands", SubPlaceKind.Region, "West Midlands")]
    [InlineData("North West", SubPlaceKind.Region, "North West")]
    [InlineData("East of England", SubPlaceKind.Region, "East of England")]
    [InlineData("South West - Dorset", SubPlaceKind.District, "Dorset")]
    [InlineData("North West - Lanacashire", SubPlaceKind.District, "Lancashire")]
    [InlineData("North East - Yorkshire and Humberside", SubPlaceKind.Region, "Yorkshire and the Humber")]
    [InlineData("East - Suffolk", SubPlaceKind.District, "Suffolk")]
    [InlineData("West Midlands - Birmingham", SubPlaceKind.District, "Birmingham")]
    [InlineData("Lambeth", SubPlaceKind.District, "Lambeth")]
    [InlineData("City of London", SubPlaceKind.District, "London, City of")]
    [InlineData("Glasgow City", SubPlaceKind.District, "Glasgow City")]
    [InlineData("Oxfordshire", SubPlaceKind.District, "Oxfordshire")]
    [InlineData("Mendip", SubPlaceKind.District, "Mendip")]
    [InlineData("Greater Manchester", SubPlaceKind.District, "Greater Manchester")]
    public void Resolves_uk_scopes_and_places_without_a_country(string name, SubPlaceKind kind, string canonical)
    {
        Assert.True(Gazetteer.TryResolveName(name, null, out var place), name);
        Assert.Equal("GB", place.Country.Alpha2);
        Assert.Equal(kind, place.Kind);
        Assert.Equal(canonical, place.Name);
    }

    [Theory]
    [InlineData("Ipswich 007H")]
    [InlineData("Mendip 004B")]
    [InlineData("OX4 4SJ")]
    [InlineData("Abingdon, Oxfordshire, OX14")]
    [InlineData("Berinsfield, Oxfordshire")]
    [InlineData("Inverurie and District")]
    [InlineData("Henley on Thames and surrounding villages")]
    [InlineData("South Abingdon OX14 5LD")]
    public void Resolves_small_uk_areas_as_localities(string name)
    {
        Assert.True(Gazetteer.TryResolveName(name, null, out var place), name);
        Assert.Equal("GB", place.Country.Alpha2);
        Assert.Equal(SubPlaceKind.Locality, place.Kind);
    }

    [Theory]
    [InlineData("Central Oxford, OX1 3DH", "GB")]
    [InlineData("East Oxford", "GB")]
    [InlineData("Northern Kenya", "KE")]
    public void A_part_of_a_place_is_sub_national(string name, string country)
    {
        Assert.True(Gazetteer.TryResolveName(name, country, out var place), name);
        Assert.Equal(country, place.Country.Alpha2);
        Assert.True(place.IsSubNational);
    }

    [Fact]
    public void A_list_of_places_of_one_country_is_a_region_and_an_address_its_first_part()
    {
        Assert.True(Gazetteer.TryResolveName("Greater Manchester, Cheshire, Merseyside", null, out var list));
        Assert.Equal(SubPlaceKind.Region, list.Kind);
        Assert.Equal("GB", list.Country.Alpha2);

        Assert.True(Gazetteer.TryResolveName("Abingdon, Oxfordshire", null, out var address));
        Assert.Equal("Abingdon", address.Name);

        Assert.False(Gazetteer.TryResolveName("Somerset, Kenya", null, out _)); // two countries
    }

    [Theory]
    [InlineData("Georgia")]
    [InlineData("Victoria")]
    [InlineData("Santa Cruz")]
    [InlineData("Córdoba")]
    [InlineData("Cordoba")]
    [InlineData("Birmingham")]
    public void Ambiguous_names_stay_unresolved_without_a_country(string name)
    {
        Assert.False(Gazetteer.TryResolveName(name, null, out var place), place?.ToString());
        var countries = Gazetteer.Candidates(name).Select(c => c.Country.Alpha2).Distinct().ToList();
        Assert.True(countries.Count >= 2, $"{name}: candidates in {string.Join(", ", countries)}");
    }

    [Theory]
    [InlineData("Central America")]
    [InlineData("South America")]
    [InlineData("Sub-Sahara Africa")]
    [InlineData("International")]
    [InlineData("Global")]
    [InlineData("Worldwide")]
    [InlineData("West Africa")]
    public void Multi_country_scopes_are_left_to_places(string name)
    {
        Assert.False(Gazetteer.TryResolveName(name, null, out var place), place?.ToString());
        Assert.True(Places.TryResolve(name, out var area), name);
        Assert.NotEqual(PlaceKind.Country, area.Kind);
    }

    [Fact]
    public void Marks_ambiguous_names_and_ordinary_words()
    {
        Assert.True(Gazetteer.IsAmbiguous("Georgia"));
        Assert.True(Gazetteer.IsAmbiguous("Santa Cruz"));
        Assert.False(Gazetteer.IsAmbiguous("Lambeth"));
        foreach (var word in (string[])["Reading", "Bath", "Mobile", "Nice", "Split", "Mission", "Orange"])
        {
            Assert.True(Gazetteer.IsOrdinaryWord(word), word);
        }

        Assert.False(Gazetteer.IsOrdinaryWord("Bristol"));
        Assert.False(Gazetteer.IsOrdinaryWord("Nairobi"));
    }

    [Fact]
    public void A_country_settles_an_ambiguous_name()
    {
        Assert.True(Gazetteer.TryResolveName("Georgia", "US", out var state));
        Assert.Equal(("US-GA", SubPlaceKind.ConstituentCountry), (state.Code, state.Kind));

        Assert.True(Gazetteer.TryResolveName("Georgia", "GE", out var country));
        Assert.Equal(("GE", SubPlaceKind.CountryWide), (country.Country.Alpha2, country.Kind));

        Assert.True(Gazetteer.TryResolveName("Victoria", "AU", out var victoria));
        Assert.Equal("AU-VIC", victoria.Code);

        Assert.True(Gazetteer.TryResolveName("Santa Cruz", "BO", out var santaCruz));
        Assert.Equal("BO-S", santaCruz.Code);

        Assert.True(Gazetteer.TryResolveName("Córdoba", "ARG", out var cordoba));
        Assert.Equal("AR", cordoba.Country.Alpha2);
        Assert.True(cordoba.IsSubNational);

        Assert.True(Gazetteer.TryResolveName("Birmingham", "GB", out var birmingham));
        Assert.Equal(SubPlaceKind.District, birmingham.Kind);

        Assert.True(Gazetteer.TryResolveName("London", "CA", out var ontario));
        Assert.Equal(("CA", SubPlaceKind.Locality), (ontario.Country.Alpha2, ontario.Kind));
    }

    [Fact]
    public void A_name_the_country_contradicts_resolves_to_nothing()
    {
        Assert.False(Gazetteer.TryResolveName("Lambeth", "KE", out _));
        Assert.False(Gazetteer.TryResolveName("Georgia", "GB", out _)); // the country or the US state
    }

    [Theory]
    [InlineData("Tanzania", null, "TZ")]
    [InlineData("Tanzania", "GB", "TZ")]
    [InlineData("Guatemala", null, "GT")]
    [InlineData("México", null, "MX")]
    [InlineData("Hong Kong", null, "HK")]
    [InlineData("USA", null, "US")]
    public void A_country_named_outright_is_country_wide(string name, string? hint, string alpha2)
    {
        Assert.True(Gazetteer.TryResolveName(name, hint, out var place), name);
        Assert.Equal((alpha2, SubPlaceKind.CountryWide), (place.Country.Alpha2, place.Kind));
    }

    [Theory]
    [InlineData("Nairobi", "KE")]
    [InlineData("Lamu", "KE")]
    [InlineData("Tegucigalpa", "HN")]
    [InlineData("Chiapas", "MX")]
    [InlineData("São Paulo", "BR")]
    [InlineData("Sao Paulo", "BR")]
    [InlineData("Bretagne", "FR")]
    [InlineData("Baviera", "DE")]
    [InlineData("Bavière", "DE")]
    [InlineData("Lombardía", "IT")]
    [InlineData("Inglaterra", "GB")]
    [InlineData("Angleterre", "GB")]
    public void Resolves_places_and_subdivisions_abroad_in_several_languages(string name, string alpha2)
    {
        Assert.True(Gazetteer.TryResolveName(name, null, out var place), name);
        Assert.Equal(alpha2, place.Country.Alpha2);
        Assert.True(place.IsSubNational);
    }

    [Theory]
    [InlineData("KE-21", null, "Lamu", SubPlaceKind.ConstituentCountry, "KE")]
    [InlineData("gb-lbh", "ISO3166-2", "Lambeth", SubPlaceKind.District, "GB")]
    [InlineData("GB-ENG", null, "England", SubPlaceKind.ConstituentCountry, "GB")]
    [InlineData("E09000022", "LONB", "Lambeth", SubPlaceKind.District, "GB")]
    [InlineData("E12000009", "RGN/GOR", "South West", SubPlaceKind.Region, "GB")]
    [InlineData("K02000001", "CTRY", "United Kingdom", SubPlaceKind.CountryWide, "GB")]
    [InlineData("E92000001", "CTRY", "England", SubPlaceKind.ConstituentCountry, "GB")]
    [InlineData("S92000003", null, "Scotland", SubPlaceKind.ConstituentCountry, "GB")]
    [InlineData("E01029277", "LSOA", "E01029277", SubPlaceKind.Locality, "GB")]
    [InlineData("S13002845", "WD", "S13002845", SubPlaceKind.Locality, "GB")]
    [InlineData("E07000178", "NMD", "E07000178", SubPlaceKind.District, "GB")]
    [InlineData("KE", null, "Kenya", SubPlaceKind.CountryWide, "KE")]
    public void Resolves_codes(string code, string? type, string name, SubPlaceKind kind, string alpha2)
    {
        Assert.True(Gazetteer.TryResolveCode(code, type, out var place), code);
        Assert.Equal((name, kind, alpha2), (place.Name, place.Kind, place.Country.Alpha2));
    }

    [Theory]
    [InlineData("Oxfordshire", "UA")]
    [InlineData("XX-ZZZ", null)]
    [InlineData("K99000001", null)]
    [InlineData("", null)]
    [InlineData("KE", "LSOA")]
    public void Text_that_is_not_a_known_code_resolves_to_nothing(string code, string? type)
    {
        Assert.False(Gazetteer.TryResolveCode(code, type, out _));
    }

    [Fact]
    public void Text_phrases_leave_out_ordinary_words_ambiguous_names_and_countries()
    {
        var phrases = Gazetteer.TextPhrases().ToDictionary(p => p.Phrase, p => p.Place);
        output.WriteLine($"{phrases.Count} phrases");
        foreach (
            var safe in (string[])
                [
                    "uk wide",
                    "east midlands",
                    "lambeth",
                    "nairobi",
                    "chiapas",
                    "lamu",
                    "greater manchester",
                    "sao paulo",
                    "bretagne",
                    "oxfordshire",
                ]
        )
        {
            Assert.True(phrases.ContainsKey(safe), safe);
        }

        foreach (
            var unsafePhrase in (string[])
                [
                    "reading",
                    "bath",
                    "hope",
                    "mobile",
                    "nice",
                    "split",
                    "mission",
                    "orange",
                    "georgia",
                    "victoria",
                    "santa cruz",
                    "cordoba",
                    "kenya",
                    "mexico",
                    "central",
                    "north",
                    "birmingham",
                    "africa",
                    "global",
                ]
        )
        {
            Assert.False(phrases.ContainsKey(unsafePhrase), unsafePhrase);
        }

        Assert.All(phrases, p => Assert.Equal(FundAudit.Core.Classification.TextFold.Phrase(p.Key), p.Key));
    }

    [Fact]
    public void Loads_once_and_quickly_and_resolves_from_many_threads()
    {
        var watch = Stopwatch.StartNew();
        var keys = Gazetteer.Warm();
        output.WriteLine($"{keys} keys loaded in {watch.ElapsedMilliseconds} ms");
        Assert.True(keys > 30_000, $"{keys} keys");

        Parallel.For(0, 2000, i =>
        {
            Assert.True(Gazetteer.TryResolveName(i % 2 == 0 ? "Lambeth" : "England - Wide", null, out _));
        });
    }
}
