namespace SakuraSim.Tests;

/// <summary>
/// A test class whose every test gets a simulator of its own (<see cref="Sim"/>), started before the test with
/// <paramref name="options"/> (the defaults of <see cref="SimHarness.StartAsync"/> when null) and stopped after it.
/// A class that needs more than the default topology adds it in <see cref="PrepareAsync"/>.
/// </summary>
public abstract class SimulatorTests(SakuraSimulatorOptions? options = null) : IAsyncLifetime
{
    private protected SimHarness Sim { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Sim = await SimHarness.StartAsync(options);
        await PrepareAsync();
    }

    public async Task DisposeAsync() => await Sim.DisposeAsync();

    /// <summary>Runs once the simulator is up, before the test.</summary>
    private protected virtual Task PrepareAsync() => Task.CompletedTask;
}
