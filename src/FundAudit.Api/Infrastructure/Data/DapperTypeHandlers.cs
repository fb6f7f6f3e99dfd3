using System.Data;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// Dates and instants read back the same way from every engine: SQLite hands them over as text,
/// PostgreSQL and SQL Server as DateTime/DateTimeOffset. Instants are always UTC (DESIGN rule 8).
/// </summary>
internal static class DapperTypeHandlers
{
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new UtcInstantHandler());
    }

    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            parameter.DbType = DbType.Date;
            parameter.Value = value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        }

        public override DateOnly Parse(object value) =>
            value switch
            {
                DateOnly d => d,
                DateTime dt => DateOnly.FromDateTime(dt),
                string s => DateOnly.ParseExact(
                    s.Length > 10 ? s[..10] : s,
                    "yyyy-MM-dd",
                    CultureInfo.InvariantCulture
                ),
                _ => throw new DataException($"Cannot read a date from {value.GetType().Name}."),
            };
    }

    private sealed class UtcInstantHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.DateTimeOffset;
            parameter.Value = value.ToUniversalTime();
        }

        public override DateTimeOffset Parse(object value) =>
            value switch
            {
                DateTimeOffset o => o.ToUniversalTime(),
                DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
                string s => DateTimeOffset.Parse(
                    s,
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal
                ),
                _ => throw new DataException($"Cannot read an instant from {value.GetType().Name}."),
            };
    }
}
