using Microsoft.Extensions.Configuration;
using SakuraLb.Relay.Hosting;
using SakuraLb.Relay.Options;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class OptionsTests
{
    private const string Secret = "kX9vQ2mTz7LpR4wN8bYc1HsJ6dFg3Ae5";

    private static RelayOptions Valid() => new()
    {
        FunctionUrl = new Uri("https://sakuralb.azurewebsites.net/"),
        FunctionKey = "key",
        HmacSecret = Secret,
        ClusterId = "prod-1",
        Identity = "relay-0",
        LeaseNamespace = "sakuralb-system",
    };

    [Fact]
    public void Valid_HasNoProblems() => Assert.Empty(RelayOptionsValidator.Check(Valid()));

    [Fact]
    public void Empty_ListsEveryMissingSetting()
    {
        var problems = RelayOptionsValidator.Check(new RelayOptions());

        Assert.Contains(problems, p => p.Contains("FunctionUrl is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("FunctionKey is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("HmacSecret is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("ClusterId is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("LeaseNamespace", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Identity", StringComparison.Ordinal));
    }

    public static TheoryData<string, Func<RelayOptions, RelayOptions>> Invalid => new()
    {
        { "must use https", o => o with { FunctionUrl = new Uri("http://sakuralb.example.com/") } },
        { "absolute http(s) URL", o => o with { FunctionUrl = new Uri("ftp://x/") } },
        { "query or fragment", o => o with { FunctionUrl = new Uri("https://x/?code=abc") } },
        { "at least 32 characters", o => o with { HmacSecret = "short" } },
        { "HmacSecret is still the shipped placeholder", o => o with { HmacSecret = "REPLACE-ME-WITH-32-OR-MORE-RANDOM-CHARACTERS" } },
        { "HmacSecret has too little variety", o => o with { HmacSecret = new string('s', 32) } },
        { "HmacSecret has too little variety", o => o with { HmacSecret = "abcdefghijklmnopqrstuvwxyzABCDEF" } },
        { "FunctionKey is still the shipped placeholder", o => o with { FunctionKey = "REPLACE-ME" } },
        { "FunctionUrl is still the shipped placeholder", o => o with { FunctionUrl = new Uri("https://REPLACE-ME.azurewebsites.net/") } },
        { "ClusterId is still the shipped placeholder", o => o with { ClusterId = "REPLACE-ME" } },
        { "ClusterId must be", o => o with { ClusterId = "has space" } },
        { "ClusterId must be", o => o with { ClusterId = new string('c', 33) } },
        { "LoadBalancerClass", o => o with { LoadBalancerClass = "" } },
        { "BatchWindow", o => o with { BatchWindow = TimeSpan.FromMinutes(1) } },
        { "MaxBatchServices", o => o with { MaxBatchServices = 0 } },
        { "MaxBodyBytes", o => o with { MaxBodyBytes = 10 } },
        { "DeliveryBackoffMax must not be shorter", o => o with { DeliveryBackoffMin = TimeSpan.FromSeconds(10), DeliveryBackoffMax = TimeSpan.FromSeconds(5) } },
        { "whole number of seconds", o => o with { LeaseDuration = TimeSpan.FromMilliseconds(15500) } },
        { "RenewDeadline must be", o => o with { RenewDeadline = TimeSpan.FromSeconds(20) } },
        { "RetryPeriod must be", o => o with { RetryPeriod = TimeSpan.FromSeconds(10) } },
        { "MaxPendingServices", o => o with { MaxPendingServices = 5 } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_IsReportedWithTheSettingsName(string expected, Func<RelayOptions, RelayOptions> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var problem = Assert.Single(RelayOptionsValidator.Check(change(Valid())));

        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void LoopbackHttp_IsAccepted() =>
        Assert.Empty(RelayOptionsValidator.Check(Valid() with { FunctionUrl = new Uri("http://127.0.0.1:7071/") }));

    [Fact]
    public void LeaderElectionOff_DoesNotNeedALease() =>
        Assert.Empty(RelayOptionsValidator.Check(Valid() with { LeaderElection = false, LeaseNamespace = "", Identity = "" }));

    [Fact]
    public void ToString_NeverShowsTheKeyOrTheSecret()
    {
        var text = Valid().ToString();

        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("HmacSecret = ***", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOptions_ReadsEnvironmentAndSecretDirectory_TheSecretWins()
    {
        var dir = Directory.CreateTempSubdirectory("relay-secret-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "functionUrl"), "https://from-secret.example.com/\n");
            File.WriteAllText(Path.Combine(dir.FullName, "functionKey"), "secret-key\n");
            File.WriteAllText(Path.Combine(dir.FullName, "hmacSecret"), Secret);
            File.WriteAllText(Path.Combine(dir.FullName, "clusterId"), "prod-1");

            // Kubernetes mounts a Secret through hidden ..data links; hidden entries are not keys.
            File.WriteAllText(Path.Combine(dir.FullName, "..data"), "ignored");

            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Relay:FunctionUrl"] = "https://from-env.example.com/",
                    ["Relay:BatchWindow"] = "00:00:00.5",
                    ["Relay:LoadBalancerClass"] = "k8s.usacloud.jp/sakura",
                })
                .AddRelaySecretDirectory(dir.FullName)
                .Build();

            var options = RelayApplication.LoadOptions(configuration, name => name switch
            {
                "POD_NAME" => "sakuralb-relay-7d9f-abcde",
                "POD_NAMESPACE" => "lb-system",
                _ => null,
            });

            Assert.Equal(new Uri("https://from-secret.example.com/"), options.FunctionUrl);
            Assert.Equal("secret-key", options.FunctionKey);
            Assert.Equal(TimeSpan.FromMilliseconds(500), options.BatchWindow);
            Assert.Equal("k8s.usacloud.jp/sakura", options.LoadBalancerClass);
            Assert.Equal("sakuralb-relay-7d9f-abcde", options.Identity);
            Assert.Equal("lb-system", options.LeaseNamespace);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void LoadOptions_Invalid_ThrowsWithEveryProblemListed()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Relay:HmacSecret"] = "short" })
            .Build();

        var error = Assert.Throws<RelayOptionsException>(() => RelayApplication.LoadOptions(configuration, _ => null));

        Assert.True(error.Problems.Count >= 4);
        Assert.Contains("FunctionUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 32 characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOptions_UnconvertibleValue_IsAConfigurationErrorNamingTheKey()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Relay:BatchWindow"] = "soon" })
            .Build();

        var error = Assert.Throws<RelayOptionsException>(() => RelayApplication.LoadOptions(configuration, _ => null));

        Assert.Contains("BatchWindow", error.Message, StringComparison.Ordinal);
    }
}
