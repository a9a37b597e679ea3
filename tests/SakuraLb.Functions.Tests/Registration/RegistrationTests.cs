using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SakuraLb.Functions.Orchestrations;
using SakuraLb.Functions.Tests.Infrastructure;
using SakuraLb.Functions.Triggers;
using SakuraLb.Testing;

namespace SakuraLb.Functions.Tests.Registration;

/// <summary>The Functions wrappers, the in-process registrations and the built functions.metadata name the same tasks.</summary>
public sealed class RegistrationTests
{
    private static IEnumerable<(string Name, MethodInfo Method)> FunctionMethods() =>
        typeof(DurableFunctions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Attribute: m.GetCustomAttribute<FunctionAttribute>(), Method: m))
            .Where(x => x.Attribute is not null)
            .Select(x => (x.Attribute!.Name, x.Method));

    private static List<string> WithTrigger<TTrigger>()
        where TTrigger : Attribute =>
        [.. FunctionMethods().Where(f => f.Method.GetParameters().Any(p => p.GetCustomAttribute<TTrigger>() is not null)).Select(f => f.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void FunctionWrappers_AndDurableRegistry_NameTheSameOrchestrationsAndActivities()
    {
        Assert.Equal(DurableRegistry.Orchestrations.Order(StringComparer.Ordinal), WithTrigger<OrchestrationTriggerAttribute>());
        Assert.Equal(DurableRegistry.Activities.Order(StringComparer.Ordinal), WithTrigger<ActivityTriggerAttribute>());
    }

    [Fact]
    public void DurableRegistry_Register_RegistersEveryNameWithTheEngineRegistry()
    {
        var registry = new DurableTaskRegistry();
        DurableRegistry.Register(registry, new ServiceCollection().BuildServiceProvider());

        // The engine keeps registrations in internal dictionaries keyed by (name, version).
        List<string> Names(string property) =>
            [.. ((System.Collections.IEnumerable)typeof(DurableTaskRegistry).GetProperty(property, BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(registry)!)
                .Cast<object>()
                .Select(entry => entry.GetType().GetProperty("Key")!.GetValue(entry)!)
                .Select(key => key.GetType().GetProperty("Name")!.GetValue(key)!.ToString()!)
                .Order(StringComparer.Ordinal)];
        var registered = new Dictionary<string, List<string>>
        {
            ["Orchestrators"] = Names("OrchestratorsByVersion"),
            ["Activities"] = Names("ActivitiesByVersion"),
        };

        Assert.Equal(DurableRegistry.Orchestrations.Order(StringComparer.Ordinal), registered["Orchestrators"]);
        Assert.Equal(DurableRegistry.Activities.Order(StringComparer.Ordinal), registered["Activities"]);
    }

    [Fact]
    public void EveryRegisteredTask_ResolvesFromTheCompositionRoot()
    {
        using var harness = FunctionHarness.Create();
        var timings = harness.Get<ReconcileTimings>();

        Assert.NotNull(harness.Get<ReconcileServiceOrchestrator>());
        Assert.NotNull(harness.Get<OrphanCleanupOrchestrator>());
        foreach (var type in typeof(DurableFunctions).Assembly.GetTypes().Where(t => t.Namespace == "SakuraLb.Functions.Activities" && t.Name.EndsWith("Activity", StringComparison.Ordinal)))
        {
            Assert.NotNull(harness.Services.GetRequiredService(type));
        }

        foreach (var type in new[] { typeof(EventsFunction), typeof(StatusFunction), typeof(ResyncFunction), typeof(ResyncTimerFunction), typeof(DurableFunctions) })
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
            ["ResyncTimer"] = "timerTrigger",
        };
        foreach (var name in DurableRegistry.Orchestrations)
        {
            expected[name] = "orchestrationTrigger";
        }

        foreach (var name in DurableRegistry.Activities)
        {
            expected[name] = "activityTrigger";
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
    }

    [Fact]
    public void Options_AllProblems_AreReportedAtOnce()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Controller:ClusterId"] = "",
            ["Controller:DefaultPlan"] = "gold",
            ["Ingest:HmacSecret"] = "short",
            ["Reconcile:PollInterval"] = "00:00:00",
            ["Reconcile:MaxPasses"] = "0",
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
        Assert.Contains(ingest.Failures, f => f.Contains("HmacSecret", StringComparison.Ordinal));
        Assert.Contains(reconcile.Failures, f => f.Contains("PollInterval", StringComparison.Ordinal));
        Assert.Contains(reconcile.Failures, f => f.Contains("MaxPasses", StringComparison.Ordinal));
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
