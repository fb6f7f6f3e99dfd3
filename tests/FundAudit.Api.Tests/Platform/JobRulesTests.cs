using System.Reflection;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Features.Logs;
using FundAudit.Api.Infrastructure.Jobs;
using FundAudit.Api.Infrastructure.Security;
using FundAudit.Api.Tests.Infrastructure;
using Hangfire;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// DESIGN rule 10 and issue 17 item 7, checked on the code itself: every method handed to Hangfire (Enqueue, Schedule,
/// AddOrUpdate, and AddRecurringJob, the one way a recurring job is declared, anywhere under src/) belongs to a
/// registered job class; every method a job class exposes takes only ids (long, int, Guid), enums and a
/// CancellationToken, never an object, a string or personal data; and every job's retry policy is written on it
/// (AutomaticRetry on the method or the class).
/// </summary>
public sealed class JobRulesTests
{
    /// <summary>The jobs Hangfire may run. A new job class is added here, and then obeys the rules below.</summary>
    private static readonly Type[] Jobs =
    [
        typeof(GrantImportJob),
        typeof(ReclassifyPortfolioJob),
        typeof(SlaSweepJob),
        typeof(WebhookDeliveryJob),
        typeof(PurgePersonalDataJob),
        typeof(FailedJobCleanupJob),
        typeof(KeyRotationJob),
        typeof(LeftoverUploadCleanupJob),
        typeof(LogSealJob),
    ];

    private static readonly string[] HangfireMethods = ["Enqueue", "Schedule", "AddOrUpdate", "AddRecurringJob"];

    /// <summary>One call to Hangfire found in the source: where, the job type's name and the method's name.</summary>
    private sealed record JobCall(string Where, string? JobType, string? Method);

    [Fact]
    public void Every_method_passed_to_enqueue_schedule_or_add_or_update_belongs_to_a_registered_job()
    {
        var calls = JobCallsInSource();
        Assert.Contains(calls, c => c.Where.Contains("Enqueue", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Where.Contains("AddRecurringJob", StringComparison.Ordinal));
        var problems = new List<string>();
        foreach (var call in calls)
        {
            var job = Jobs.SingleOrDefault(j => j.Name == call.JobType);
            if (call.JobType is null || call.Method is null)
            {
                problems.Add($"{call.Where}: use the form X<TJob>(j => j.Method(ids...)) so the job is named");
            }
            else if (job is null)
            {
                problems.Add($"{call.Where}: {call.JobType} is not a registered job (JobRulesTests.Jobs)");
            }
            else if (job.GetMethod(call.Method) is null)
            {
                problems.Add($"{call.Where}: {call.JobType}.{call.Method} is not a public method of the job");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_job_method_takes_ids_enums_and_a_cancellation_token_only_and_declares_its_retries()
    {
        var problems = Jobs.SelectMany(JobMethodProblems).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_class_named_job_in_the_api_is_registered()
    {
        var named = typeof(Program)
            .Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.Name.EndsWith("Job", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(named);
        Assert.All(named, t => Assert.Contains(t, Jobs));
    }

    /// <summary>The rule itself: what a job method may take.</summary>
    internal static bool IsAllowedParameter(Type type) =>
        type == typeof(long)
        || type == typeof(int)
        || type == typeof(Guid)
        || type == typeof(CancellationToken)
        || type.IsEnum;

    private static IEnumerable<string> JobMethodProblems(Type job)
    {
        var methods = job.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
        if (methods.Length == 0)
        {
            yield return $"{job.Name} exposes no method";
        }

        foreach (var method in methods)
        {
            foreach (var p in method.GetParameters().Where(p => !IsAllowedParameter(p.ParameterType)))
            {
                yield return $"{job.Name}.{method.Name}: parameter {p.Name} is {p.ParameterType.Name}, "
                    + "not an id (long, int, Guid), an enum or a CancellationToken";
            }

            if (
                method.GetCustomAttribute<AutomaticRetryAttribute>() is null
                && job.GetCustomAttribute<AutomaticRetryAttribute>() is null
            )
            {
                yield return $"{job.Name}.{method.Name}: no [AutomaticRetry] on the method or the class";
            }
        }
    }

    /// <summary>Every Enqueue/Schedule/AddOrUpdate/AddRecurringJob call under src/ whose arguments hold a lambda calling a
    /// method.</summary>
    private static List<JobCall> JobCallsInSource()
    {
        var calls = new List<JobCall>();
        foreach (
            var file in Directory.EnumerateFiles(
                Path.Combine(RepoPaths.Root, "src"),
                "*.cs",
                SearchOption.AllDirectories
            )
        )
        {
            if (
                file.Contains(
                    $"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}",
                    StringComparison.Ordinal
                )
            )
            {
                continue;
            }

            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (var invocation in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                var name = invocation.Expression switch
                {
                    MemberAccessExpressionSyntax m => m.Name,
                    SimpleNameSyntax s => s,
                    _ => null,
                };
                var lambda = invocation
                    .ArgumentList.Arguments.Select(a => a.Expression)
                    .OfType<LambdaExpressionSyntax>()
                    .FirstOrDefault(l => l.ExpressionBody is InvocationExpressionSyntax);
                if (name is null || !HangfireMethods.Contains(name.Identifier.Text) || lambda is null)
                {
                    continue;
                }

                var line = invocation.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                var where = $"{Path.GetRelativePath(RepoPaths.Root, file)}:{line} {name.Identifier.Text}";
                var jobType = name is GenericNameSyntax { TypeArgumentList.Arguments: [var t] } ? t.ToString() : null;
                var target = ((InvocationExpressionSyntax)lambda.ExpressionBody!).Expression;
                var method =
                    target is MemberAccessExpressionSyntax call
                    && lambda is SimpleLambdaExpressionSyntax simple
                    && call.Expression is IdentifierNameSyntax receiver
                    && receiver.Identifier.Text == simple.Parameter.Identifier.Text
                        ? call.Name.Identifier.Text
                        : null;
                calls.Add(new JobCall(where, jobType?.Split('.')[^1], method));
            }
        }

        return calls;
    }
}
