using FundAudit.Api.Infrastructure;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace FundAudit.Api.Features.People;

/// <summary>Staff people (issue 16): invitations, seizure; the sign-in and enrolment pages are in Pages.</summary>
internal static class PeopleEndpoints
{
    public static IServiceCollection AddPeople(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.Bound<PeopleOptions>(PeopleOptions.Section));
        services.AddSingleton<PeopleStore>();
        services.AddSingleton<FactorStore>();
        services.AddSingleton<SecondFactors>();
        services.AddSingleton<Invitations>();
        services.AddHostedService<PublicAddressCheck>();
        services.AddSingleton<ThrottleStore>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<PersonSignIn>();
        services.AddSingleton<KeyStepUp>();
        services.AddSingleton<PeopleUseCases>();
        services.AddScoped<IValidator<InvitePerson.Request>, InvitePerson.Validator>();
        services.AddScoped<IValidator<ReinvitePerson.Request>, ReinvitePerson.Validator>();
        return services;
    }

    public static IEndpointRouteBuilder MapPeople(this IEndpointRouteBuilder app)
    {
        var people = app.MapGroup("/api/people").WithTags("People").RequireAuthorization(Policies.Admin);
        people.MapGet("/", ListPeople.HandleAsync).WithName("ListPeople").WithSummary("List the funder's people");
        people
            .MapGet("/{id:long}", GetPerson.HandleAsync)
            .WithName("GetPerson")
            .WithSummary("One person of the funder")
            .ProducesProblem(Status404NotFound);
        people
            .MapPost("/", InvitePerson.HandleAsync)
            .WithName("InvitePerson")
            .WithSummary("Invite a person (the one-time link is shown once)")
            .WithValidation<InvitePerson.Request>()
            .RequireKeyStepUp()
            .ProducesProblem(Status409Conflict);
        people
            .MapPost("/{id:long}/invitations", ReinvitePerson.HandleAsync)
            .WithName("ReinvitePerson")
            .WithSummary("A new one-time link for an invited or seized person")
            .WithValidation<ReinvitePerson.Request>()
            .RequireKeyStepUp()
            .ProducesProblems(Status404NotFound, Status409Conflict);
        people
            .MapPost("/{id:long}/seize", SeizePerson.HandleAsync)
            .WithName("SeizePerson")
            .WithSummary("Revoke every session, factor and code of a person at once")
            .RequireKeyStepUp()
            .ProducesProblem(Status404NotFound);
        return app;
    }
}
