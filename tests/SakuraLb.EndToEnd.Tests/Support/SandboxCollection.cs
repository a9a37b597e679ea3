namespace SakuraLb.EndToEnd.Tests.Support;

/// <summary>
/// Tests that start a whole sandbox run one at a time: each is several hosts and a durable engine, and the
/// machine has two cores shared with the other test assemblies.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SandboxCollection
{
    public const string Name = "sandbox";
}
