using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;
using SakuraLb.Functions.Activities;
using SakuraLb.Functions.Triggers;

namespace SakuraLb.Functions.Tests.Registration;

/// <summary>
/// The task list (<see cref="DurableTasks"/>), the Functions wrappers (<see cref="DurableFunctions"/>), the
/// in-process registrations, the composition root and the built functions.metadata agree on every task.
/// </summary>
public sealed class RegistrationTests
{
    /// <summary>The task names in running orchestrations' histories: renaming one strands those instances.</summary>
    private static readonly string[] RecordedNames =
    [
        "ApplyConfig", "BootLoadBalancer", "CheckOrphan", "CleanupOrphan", "CompletionFence", "CreateLoadBalancer", "DeleteLoadBalancer", "ForgetCluster", "ForgetOrphan",
        "LoadDesired", "ObserveAndPlan", "PublishStatus", "ReadLoadBalancer", "ReconcileService", "ReleaseAddresses", "ReserveAddresses",
        "ShutDownLoadBalancer", "TeardownCluster", "UpdateSettings", "UpdateTags", "WakeAddressWaiters",
    ];

    private static IEnumerable<(string Name, MethodInfo Method)> FunctionMethods() =>
        typeof(DurableFunctions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Attribute: m.GetCustomAttribute<FunctionAttribute>(), Method: m))
            .Where(x => x.Attribute is not null)
            .Select(x => (x.Attribute!.Name, x.Method));

    private static bool HasTrigger<TTrigger>(MethodInfo method)
        where TTrigger : Attribute =>
        method.GetParameters().Any(p => p.GetCustomAttribute<TTrigger>() is not null);

    /// <summary>A task as its descriptor or its wrapper states it, in one comparable line.</summary>
    private static string Signature(DurableTaskKind kind, string name, Type input, Type output) =>
        $"{kind} {name}({input.FullName}) -> {output.FullName}";

    /// <summary>
    /// Every orchestration and activity wrapper with the task it declares to the host. An activity's input is
    /// its trigger parameter; an orchestration reads its input from the context, so the wrapper is run against a
    /// substitute context to see which type it asks for.
    /// </summary>
    private static async Task<List<string>> WrapperSignaturesAsync(IServiceProvider services)
    {
        var signatures = new List<string>();
        foreach (var (name, method) in FunctionMethods())
        {
            var output = method.ReturnType.IsGenericType ? method.ReturnType.GetGenericArguments().Single() : typeof(void);
            if (HasTrigger<ActivityTriggerAttribute>(method))
            {
                var input = method.GetParameters().Single(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null).ParameterType;
                signatures.Add(Signature(DurableTaskKind.Activity, name, input, output));
            }
            else if (HasTrigger<OrchestrationTriggerAttribute>(method))
            {
                var context = Substitute.For<TaskOrchestrationContext>();
                var wrapper = ActivatorUtilities.CreateInstance(services, method.DeclaringType!);

                // The substitute's input is null, so the orchestrator stops at its argument check.
                _ = await Record.ExceptionAsync(() => (Task)method.Invoke(wrapper, [context])!);
                var input = context.ReceivedCalls()
                    .Select(c => c.GetMethodInfo())
                    .Single(m => m.Name == nameof(TaskOrchestrationContext.GetInput))
                    .GetGenericArguments().Single();
                signatures.Add(Signature(DurableTaskKind.Orchestration, name, input, output));
            }
        }

        return [.. signatures.Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void TaskNames_AreTheOnesRecordedInHistories_AndUnique()
    {
        Assert.Equal(RecordedNames.Order(StringComparer.Ordinal), DurableTasks.All.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryTask_HasAWrapperOfTheSameNameKindInputAndOutput_AndEveryWrapperATask()
    {
        using var harness = FunctionHarness.Create();

        Assert.Equal(
            DurableTasks.All.Select(t => Signature(t.Kind, t.Name, t.Input, t.Output)).Order(StringComparer.Ordinal),
            await WrapperSignaturesAsync(harness.Services));
    }

    [Fact]
    public void EveryActivityWrapper_RunsTheClassOfItsTask()
    {
        foreach (var task in DurableTasks.All.Where(t => t.Kind == DurableTaskKind.Activity))
        {
            var method = FunctionMethods().Single(f => f.Name == task.Name).Method;
            var services = Substitute.For<IServiceProvider>();
            var context = Substitute.For<FunctionContext>();
            context.InstanceServices.Returns(services);

            // The substitute resolves nothing, so the wrapper stops right after asking for its class.
            // Other bindings (the trigger's input, a durable client) are null.
            _ = Record.Exception(() => method.Invoke(null, [.. method.GetParameters().Select(p => p.ParameterType == typeof(FunctionContext) ? context : null)]));

            var asked = services.ReceivedCalls().Select(c => c.GetArguments()[0]).OfType<Type>().ToList();
            Assert.True(asked.SequenceEqual([task.Implementation]), $"{task.Name} asked for [{string.Join(", ", asked.Select(t => t.Name))}], expected {task.Implementation.Name}");
        }
    }

    [Fact]
    public void EveryOrchestrationWrapper_IsGivenTheClassOfItsTask()
    {
        foreach (var task in DurableTasks.All.Where(t => t.Kind == DurableTaskKind.Orchestration))
        {
            var wrapperType = FunctionMethods().Single(f => f.Name == task.Name).Method.DeclaringType!;
            Assert.Contains(task.Implementation, wrapperType.GetConstructors().Single().GetParameters().Select(p => p.ParameterType));
        }
    }

    [Fact]
    public void EveryActivityClass_IsTheImplementationOfATask()
    {
        var activityClasses = typeof(DurableFunctions).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(LoadDesiredActivity).Namespace && t.Name.EndsWith("Activity", StringComparison.Ordinal))
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(activityClasses, DurableTasks.All.Where(t => t.Kind == DurableTaskKind.Activity).Select(t => t.Implementation.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DurableTasks_Register_RegistersEveryTaskWithTheEngineRegistry()
    {
        var registry = new DurableTaskRegistry();
        DurableTasks.Register(registry, new ServiceCollection().BuildServiceProvider());

        // The engine keeps registrations in internal dictionaries keyed by (name, version).
        List<string> Names(string property) =>
            [.. ((System.Collections.IEnumerable)typeof(DurableTaskRegistry).GetProperty(property, BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(registry)!)
                .Cast<object>()
                .Select(entry => entry.GetType().GetProperty("Key")!.GetValue(entry)!)
                .Select(key => key.GetType().GetProperty("Name")!.GetValue(key)!.ToString()!)
                .Order(StringComparer.Ordinal)];

        Assert.Equal(NamesOf(DurableTaskKind.Orchestration), Names("OrchestratorsByVersion"));
        Assert.Equal(NamesOf(DurableTaskKind.Activity), Names("ActivitiesByVersion"));
    }

    [Fact]
    public void EveryTaskClass_AndEveryFunctionClass_ResolvesFromTheCompositionRoot()
    {
        using var harness = FunctionHarness.Create();
        var timings = harness.Get<Options.ReconcileOptions>();

        foreach (var task in DurableTasks.All)
        {
            Assert.NotNull(harness.Services.GetRequiredService(task.Implementation));
        }

        foreach (var type in new[] { typeof(EventsFunction), typeof(StatusFunction), typeof(ResyncFunction), typeof(TeardownFunction), typeof(TimerFunctions), typeof(DurableFunctions) })
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(harness.Services, type));
        }

        Assert.Equal(TimeSpan.FromSeconds(10), timings.PollInterval);
    }

    [Fact]
    public void FunctionsMetadata_ListsEveryFunctionWithTheRightTrigger()
    {
        var metadata = FindMetadata();
        var entries = JsonNode.Parse(File.ReadAllText(metadata))!.AsArray()
            .ToDictionary(f => (string)f!["name"]!, f => f!["bindings"]!.AsArray().Select(b => (string)b!["type"]!).ToList());

        var expected = new Dictionary<string, string>
        {
            ["Events"] = "httpTrigger",
            ["Status"] = "httpTrigger",
            ["Resync"] = "httpTrigger",
            ["Teardown"] = "httpTrigger",
            ["TeardownStatus"] = "httpTrigger",
            ["ResyncTimer"] = "timerTrigger",
            ["NodeLifecycleTimer"] = "timerTrigger",
            ["HealthTimer"] = "timerTrigger",
        };
        foreach (var task in DurableTasks.All)
        {
            expected[task.Name] = task.Kind == DurableTaskKind.Orchestration ? "orchestrationTrigger" : "activityTrigger";
        }

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), entries.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, trigger) in expected)
        {
            Assert.Contains(trigger, entries[name]);
        }

        Assert.Contains("durableClient", entries["ResyncTimer"]);
        Assert.All(new[] { "Events", "Status", "Resync" }, n => Assert.Contains("durableClient", entries[n]));
        var timer = JsonNode.Parse(File.ReadAllText(metadata))!.AsArray().Single(f => (string)f!["name"]! == "ResyncTimer")!;
        Assert.Equal("%ResyncSchedule%", (string)timer["bindings"]![0]!["schedule"]!);
        var nodeTimer = JsonNode.Parse(File.ReadAllText(metadata))!.AsArray().Single(f => (string)f!["name"]! == "NodeLifecycleTimer")!;
        Assert.Equal("%NodeLifecycleSchedule%", (string)nodeTimer["bindings"]![0]!["schedule"]!);
        var healthTimer = JsonNode.Parse(File.ReadAllText(metadata))!.AsArray().Single(f => (string)f!["name"]! == "HealthTimer")!;
        Assert.Equal("%HealthSchedule%", (string)healthTimer["bindings"]![0]!["schedule"]!);
    }

    [Fact]
    public void Options_AllProblems_AreReportedAtOnce()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Controller:ClusterId"] = "",
            ["Controller:DefaultPlan"] = "gold",
            ["Controller:MaxOrphanDeletionsPerPass"] = "0",
            ["Controller:MaxOrphanDeletionShare"] = "1.5",
            ["Ingest:HmacSecret"] = "short",
            ["Reconcile:PollInterval"] = "00:00:00",
            ["Reconcile:MaxPasses"] = "0",
            ["Reconcile:VerifyingPlanReadAge"] = "00:05:00",
            ["Storage:Mode"] = "Table",
            ["Storage:TablePrefix"] = "9bad",
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddSakuraLbFunctions(configuration).BuildServiceProvider();

        var controller = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<Options.ControllerOptions>>().Value);
        var ingest = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<Options.IngestOptions>>().Value);
        var reconcile = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<Options.ReconcileOptions>>().Value);
        var storage = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<Options.StorageOptions>>().Value);

        Assert.Contains(controller.Failures, f => f.Contains("ClusterId", StringComparison.Ordinal));
        Assert.Contains(controller.Failures, f => f.Contains("DefaultPlan", StringComparison.Ordinal));
        Assert.Contains(controller.Failures, f => f.Contains("MaxOrphanDeletionsPerPass", StringComparison.Ordinal));
        Assert.Contains(controller.Failures, f => f.Contains("MaxOrphanDeletionShare", StringComparison.Ordinal));
        Assert.Contains(ingest.Failures, f => f.Contains("HmacSecret", StringComparison.Ordinal));
        Assert.Contains(reconcile.Failures, f => f.Contains("PollInterval", StringComparison.Ordinal));
        Assert.Contains(reconcile.Failures, f => f.Contains("MaxPasses", StringComparison.Ordinal));
        Assert.Contains(reconcile.Failures, f => f.Contains("VerifyingPlanReadAge", StringComparison.Ordinal));
        Assert.Contains(storage.Failures, f => f.Contains("ConnectionString", StringComparison.Ordinal));
        Assert.Contains(storage.Failures, f => f.Contains("TablePrefix", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void StorageConnectionString_UnsetOrEmpty_FallsBackToAzureWebJobsStorage(string? connectionString)
    {
        const string HostStorage = "UseDevelopmentStorage=true";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "Table",
            ["Storage:ConnectionString"] = connectionString,
            ["AzureWebJobsStorage"] = HostStorage,
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddSakuraLbFunctions(configuration).BuildServiceProvider();

        Assert.Equal(HostStorage, services.GetRequiredService<IOptions<Options.StorageOptions>>().Value.ConnectionString);
    }

    private static List<string> NamesOf(DurableTaskKind kind) =>
        [.. DurableTasks.All.Where(t => t.Kind == kind).Select(t => t.Name).Order(StringComparer.Ordinal)];

    private static string FindMetadata()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Parent!.Name;
        var candidates = new[]
        {
            Path.Combine(Repository.Root, "functions", "bin", configuration, "net10.0", "functions.metadata"),
            Path.Combine(AppContext.BaseDirectory, "functions.metadata"),
        };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("functions.metadata not found; build functions/SakuraLb.Functions.csproj", candidates[0]);
    }
}
