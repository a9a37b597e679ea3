namespace SakuraLb.Infra.Tests.Support;

/// <summary>The parameter sets the template tests deploy (as snapshots): the committed example and edge cases.</summary>
internal static class DeploymentCases
{
    // Recognisable values, so a test can prove they never reach an app setting or an output in clear text.
    public const string SakuraSecretValue = "sakura-secret-for-tests-only-5c1f";
    public const string HmacSecretValue = "hmac-secret-for-tests-only-0123456789abcdef";
    public const string PreviousHmacSecretValue = "previous-hmac-secret-for-tests-only-5e0b7c";

    /// <summary>main.example.bicepparam as committed, secrets from the environment as its comments describe.</summary>
    public static DeploymentCase Example { get; } = new(
        "example",
        "main.example.bicepparam",
        null,
        new Dictionary<string, string>
        {
            ["SAKURA_ACCESS_TOKEN_SECRET"] = SakuraSecretValue,
            ["SAKURALB_HMAC_SECRET"] = HmacSecretValue,
        });

    /// <summary>Two instances sharing the budget; secrets set out of band; a secret rotation; extra settings.</summary>
    public static DeploymentCase TwoInstances { get; } = Inline(
        "two-instances",
        """
        param clusterId = 'cluster-two'
        param sakuraAccessToken = '11111111-2222-3333-4444-555555555555'
        param maximumInstanceCount = 2
        param sakuraRequestsPerSecond = 5
        param ingestHmacRotationInProgress = true
        param loadBalancerClass = 'sakura.example/lb'
        param switchTags = [
          '@k8s'
          '@k8s.private'
        ]
        param additionalAppSettings = {
          Reconcile__PollInterval: '00:00:20'
        }
        """);

    /// <summary>A budget of one request per second cannot be split: the template must fall back to one instance.</summary>
    public static DeploymentCase BudgetOfOne { get; } = Inline(
        "budget-of-one",
        """
        param clusterId = 'cluster-one'
        param sakuraAccessToken = '11111111-2222-3333-4444-555555555555'
        param maximumInstanceCount = 2
        param sakuraRequestsPerSecond = 1
        """);

    public static IReadOnlyList<DeploymentCase> All { get; } = [Example, TwoInstances, BudgetOfOne];

    public static TheoryData<string> Names { get; } = [.. All.Select(c => c.Name)];

    public static DeploymentCase Get(string name) => All.Single(c => c.Name == name);

    public static async Task<DeploymentSnapshot> SnapshotAsync(string name)
    {
        var output = await BicepRuns.SnapshotAsync(Get(name));
        Assert.True(output.Result.ExitCode == 0 && output.Snapshot is not null, output.Result.Describe());
        return output.Snapshot!;
    }

    private static DeploymentCase Inline(string name, string parameters) =>
        new(name, "", $"using 'main.bicep'\n\n{parameters}\n", new Dictionary<string, string>());
}
