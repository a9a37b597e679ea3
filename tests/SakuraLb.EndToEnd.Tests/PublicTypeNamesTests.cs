using System.Reflection;

namespace SakuraLb.EndToEnd.Tests;

/// <summary>
/// One public type per concept across the product's assemblies (the relay's wire contract, the pure core, the
/// Sakura adapter, the function app, the relay): a reader who meets a type name knows which one it is. This
/// project reaches all five through the sandbox.
/// </summary>
public sealed class PublicTypeNamesTests
{
    private static readonly Assembly[] Product =
    [
        typeof(Model.ServiceSnapshot).Assembly,
        typeof(Reconcile.ControllerSettings).Assembly,
        typeof(Sakura.ISakuraCloud).Assembly,
        typeof(Functions.FunctionsServiceCollectionExtensions).Assembly,
        typeof(Relay.Resilience.Backoff).Assembly,
    ];

    [Fact]
    public void PublicTypes_OfTheProduct_HaveDistinctSimpleNames()
    {
        // Each executable's Program is public for its hosting tests; no code names it, so it is not a concept.
        var duplicates = Product
            .SelectMany(a => a.GetExportedTypes().Where(t => t != a.EntryPoint?.DeclaringType))
            .GroupBy(SimpleName, StringComparer.Ordinal)
            .Select(g => g.Select(t => t.FullName!).Order(StringComparer.Ordinal).ToArray())
            .Where(names => names.Length > 1)
            .Select(names => string.Join(" = ", names))
            .ToList();

        Assert.Empty(duplicates);
    }

    /// <summary>The name without namespace, declaring type or generic arity (<c>Converter`1</c> is <c>Converter</c>).</summary>
    private static string SimpleName(Type type)
    {
        var tick = type.Name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? type.Name : type.Name[..tick];
    }
}
