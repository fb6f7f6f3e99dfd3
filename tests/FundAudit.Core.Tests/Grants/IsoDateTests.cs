using FundAudit.Core.Grants;

namespace FundAudit.Core.Tests.Grants;

public sealed class IsoDateTests
{
    [Theory]
    [InlineData("2017-03-18", 2017, 3, 18)]
    [InlineData("2017-03-18T00:00:00+00:00", 2017, 3, 18)]
    [InlineData("2017-03-18T23:30:00-05:00", 2017, 3, 18)] // the date as written, not shifted to UTC
    [InlineData("2020-02-29T10:15:00Z", 2020, 2, 29)]
    [InlineData(" 2019-12-01 ", 2019, 12, 1)]
    public void Reads_iso_dates_and_date_times(string text, int y, int m, int d)
    {
        Assert.True(IsoDate.TryParse(text, out var date));
        Assert.Equal(new DateOnly(y, m, d), date);
    }

    [Theory]
    [InlineData("2019-02-29")]
    [InlineData("18/03/2017")]
    [InlineData("2017-13-01")]
    [InlineData("2017-03-18Tnonsense")]
    [InlineData("")]
    [InlineData(null)]
    public void Refuses_anything_else(string? text) => Assert.False(IsoDate.TryParse(text, out _));
}
