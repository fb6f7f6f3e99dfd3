namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// Where a feature has one implementation per engine (the grant import's loaders), it names all three here and this
/// registration picks the configured engine's: the choice stays in Infrastructure/Data (DESIGN rule 6).
/// </summary>
internal static class PerEngineServices
{
    /// <summary>
    /// Registers <typeparamref name="TService"/> as a singleton made from the configured engine's implementation.
    /// </summary>
    public static IServiceCollection AddPerEngine<TService, TSqlite, TPostgres, TSqlServer>(
        this IServiceCollection services)
        where TService : class
        where TSqlite : TService
        where TPostgres : TService
        where TSqlServer : TService =>
        services.AddSingleton<TService>(sp => sp.GetRequiredService<IDbEngine>().Provider switch
        {
            DatabaseProvider.Sqlite => ActivatorUtilities.CreateInstance<TSqlite>(sp),
            DatabaseProvider.Postgres => ActivatorUtilities.CreateInstance<TPostgres>(sp),
            DatabaseProvider.SqlServer => ActivatorUtilities.CreateInstance<TSqlServer>(sp),
            var other => throw new InvalidOperationException($"No {typeof(TService).Name} for {other}."),
        });
}
