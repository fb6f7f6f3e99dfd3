namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// Where code outside Infrastructure/Data has one implementation per engine (the grant import's loaders, Hangfire's
/// storage), it names all three here and this registration picks the configured engine's: the choice itself stays in
/// Infrastructure/Data (DESIGN rule 6).
/// </summary>
internal static class PerEngineServices
{
    /// <summary>
    /// Registers <typeparamref name="TService"/> as a singleton made from the configured engine's implementation.
    /// </summary>
    public static IServiceCollection AddPerEngine<TService, TSqlite, TPostgres, TSqlServer>(
        this IServiceCollection services
    )
        where TService : class
        where TSqlite : TService
        where TPostgres : TService
        where TSqlServer : TService =>
        services.AddPerEngine<TService>(
            sqlite: sp => ActivatorUtilities.CreateInstance<TSqlite>(sp),
            postgres: sp => ActivatorUtilities.CreateInstance<TPostgres>(sp),
            sqlServer: sp => ActivatorUtilities.CreateInstance<TSqlServer>(sp)
        );

    /// <summary>Registers <typeparamref name="TService"/> as a singleton made by the configured engine's
    /// factory.</summary>
    public static IServiceCollection AddPerEngine<TService>(
        this IServiceCollection services,
        Func<IServiceProvider, TService> sqlite,
        Func<IServiceProvider, TService> postgres,
        Func<IServiceProvider, TService> sqlServer
    )
        where TService : class =>
        services.AddSingleton(sp =>
            sp.GetRequiredService<IDbEngine>().Provider switch
            {
                DatabaseProvider.Sqlite => sqlite(sp),
                DatabaseProvider.Postgres => postgres(sp),
                DatabaseProvider.SqlServer => sqlServer(sp),
                var other => throw new InvalidOperationException($"No {typeof(TService).Name} for {other}."),
            }
        );
}
