namespace SakuraLb.Sakura.Tests.Integration;

/// <summary>BootAsync (PUT /appliance/{id}/power), added for the function app's Boot step.</summary>
public sealed class BootIntegrationTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => sim.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Boot_StoppedLoadBalancer_ComesBackUp()
    {
        using var client = sim.CreateClient();
        var cloud = client.Cloud;
        var (created, _) = await LoadBalancerSteps.CreateAsync(cloud, "lb-boot", ["@k8s"], vrid: 1);
        await LoadBalancerSteps.WaitForStatusAsync(cloud, created.Id, InstanceStatus.Up);
        await cloud.ShutdownAsync(created.Id, force: true, CancellationToken.None);
        await LoadBalancerSteps.WaitForStatusAsync(cloud, created.Id, InstanceStatus.Down);

        await cloud.BootAsync(created.Id, CancellationToken.None);

        await LoadBalancerSteps.WaitForStatusAsync(cloud, created.Id, InstanceStatus.Up);
        var requests = await sim.RequestsAsync();
        Assert.Contains(requests, r => r.Method == "PUT" && r.Path == $"/appliance/{created.Id}/power" && r.Status == 200);
    }

    [Fact]
    public async Task Boot_RunningLoadBalancer_IsAConflict()
    {
        using var client = sim.CreateClient();
        var cloud = client.Cloud;
        var (created, _) = await LoadBalancerSteps.CreateAsync(cloud, "lb-up", ["@k8s"], vrid: 1);
        await LoadBalancerSteps.WaitForStatusAsync(cloud, created.Id, InstanceStatus.Up);

        var error = await Assert.ThrowsAsync<SakuraApiException>(() => cloud.BootAsync(created.Id, CancellationToken.None));

        Assert.Equal(SakuraErrorKind.Conflict, error.Kind);
    }
}
