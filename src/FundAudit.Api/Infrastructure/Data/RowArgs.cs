namespace FundAudit.Api.Infrastructure.Data;

/// <summary>The parameters of a row written from a record, instead of copying the record field by field.</summary>
internal static class RowArgs
{
    /// <summary>
    /// Every public property of <paramref name="fields"/>, plus the keys and instants in <paramref name="more"/>
    /// (an anonymous object) that the record does not carry.
    /// </summary>
    public static DynamicParameters Of(object fields, object more)
    {
        var args = new DynamicParameters(fields);
        args.AddDynamicParams(more);
        return args;
    }
}
