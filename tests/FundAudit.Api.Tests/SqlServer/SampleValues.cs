using System.Collections;
using System.Data.Common;
using System.Reflection;
using FundAudit.Api.Infrastructure.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FundAudit.Api.Tests.SqlServer;

/// <summary>
/// Representative arguments for a store method called by reflection: every optional value present (so every optional
/// condition of a dynamically built statement is in the text), one element in every list, records and classes built
/// through their widest constructor with every settable property set; loggers log nowhere. Connections and transactions
/// come from <see cref="RecordingSqlServer"/>.
/// </summary>
internal sealed class SampleValues(RecordingSqlServer server)
{
    private static readonly DateTimeOffset Instant = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private DbConnection? _connection;
    private DbTransaction? _transaction;

    public object?[] For(MethodBase method) => [.. method.GetParameters().Select(p => Of(p.ParameterType, 0))];

    /// <summary>
    /// The same with every parameter that may be null (nullable value or annotated reference) null: the statements
    /// without their optional conditions.
    /// </summary>
    public object?[] WithoutOptionals(MethodBase method) =>
        [.. method.GetParameters().Select(p => MayBeNull(p) ? null : Of(p.ParameterType, 0))];

    /// <summary>Whether <see cref="WithoutOptionals"/> leaves a parameter of <paramref name="method"/> null.</summary>
    public static bool HasOptionals(MethodBase method) => method.GetParameters().Any(MayBeNull);

    private static bool MayBeNull(ParameterInfo parameter) =>
        Nullable.GetUnderlyingType(parameter.ParameterType) is not null
        || (
            !parameter.ParameterType.IsValueType
            && new NullabilityInfoContext().Create(parameter).ReadState == NullabilityState.Nullable
        );

    public object? Of(Type type, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return Of(underlying, depth);
        }

        return Simple(type) ?? Connected(type) ?? (depth > 4 ? null : Composite(type, depth));
    }

    private static object? Simple(Type type) =>
        type switch
        {
            _ when type == typeof(string) => "XY",
            _ when type == typeof(long) => 7L,
            _ when type == typeof(int) => 7,
            _ when type == typeof(short) => (short)7,
            _ when type == typeof(decimal) => 1.25m,
            _ when type == typeof(double) => 1.25d,
            _ when type == typeof(bool) => true,
            _ when type == typeof(DateOnly) => DateOnly.FromDateTime(Instant.UtcDateTime),
            _ when type == typeof(DateTimeOffset) => Instant,
            _ when type == typeof(DateTime) => Instant.UtcDateTime,
            _ when type == typeof(TimeSpan) => TimeSpan.FromHours(1),
            _ when type == typeof(Guid) => new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"),
            _ when type == typeof(CancellationToken) => CancellationToken.None,
            _ when type == typeof(byte[]) => new byte[] { 1, 2, 3 },
            _ when type == typeof(TimeProvider) => TimeProvider.System,
            { IsEnum: true } => Enum.GetValues(type).GetValue(0),
            _ => null,
        };

    private object? Connected(Type type)
    {
        if (type == typeof(Db))
        {
            return server.Db;
        }

        if (type == typeof(RapidResponseDb))
        {
            return server.RapidResponseDb;
        }

        if (type == typeof(DbConnection))
        {
            return _connection ??= server.Db.Open();
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ILogger<>))
        {
            return Activator.CreateInstance(typeof(NullLogger<>).MakeGenericType(type.GetGenericArguments()));
        }

        if (type == typeof(ILogger))
        {
            return NullLogger.Instance;
        }

        if (type == typeof(DbTransaction))
        {
            _connection ??= server.Db.Open();
            return _transaction ??= _connection.BeginTransaction();
        }

        return null;
    }

    private object? Composite(Type type, int depth)
    {
        if (type.IsArray)
        {
            var array = Array.CreateInstance(type.GetElementType()!, 1);
            array.SetValue(Of(type.GetElementType()!, depth + 1), 0);
            return array;
        }

        if (type.IsGenericType && type.GetGenericArguments().Length == 1 && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var element = type.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(Of(element, depth + 1));
            return type.IsAssignableFrom(list.GetType()) ? list : null;
        }

        if (type.IsGenericType && type.GetGenericArguments().Length == 2 && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var (key, value) = (type.GetGenericArguments()[0], type.GetGenericArguments()[1]);
            var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(key, value))!;
            map.Add(Of(key, depth + 1)!, Of(value, depth + 1));
            return type.IsAssignableFrom(map.GetType()) ? map : null;
        }

        return type.IsInterface || type.IsAbstract || typeof(Delegate).IsAssignableFrom(type)
            ? null
            : Built(type, depth);
    }

    private object? Built(Type type, int depth)
    {
        const BindingFlags Members = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        var constructor = type.GetConstructors(Members)
            .Where(c => c.GetParameters().All(p => p.ParameterType != type))
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();
        if (constructor is null)
        {
            return type.IsValueType ? Activator.CreateInstance(type) : null;
        }

        object value;
        try
        {
            value = constructor.Invoke([.. constructor.GetParameters().Select(p => Of(p.ParameterType, depth + 1))]);
        }
        catch (TargetInvocationException)
        {
            return null; // a framework type that refuses a sample (a null it needs): the argument stays null
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            {
                var sample = Of(property.PropertyType, depth + 1);
                try
                {
                    if (sample is not null)
                    {
                        property.SetValue(value, sample);
                    }
                }
                catch (TargetInvocationException)
                {
                    // a setter that refuses the sample keeps its value
                }
            }
        }

        return value;
    }
}
