using System.Reflection;
using Xunit.Sdk;

namespace SakuraLb.Functions.Tests.Infrastructure;

/// <summary>
/// Runs a scenario once per durable engine: the in-process one, and the backend the Functions host runs in
/// production (Durable Task over Azure Storage, on Azurite). The test takes a <see cref="DurableEngineKind"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BothEnginesAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        [[DurableEngineKind.InMemory], [DurableEngineKind.AzureStorage]];
}
