using System.Text;
using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DurableHost.Serialization;

/// <summary>
/// How the Functions isolated worker turns orchestration and activity inputs and outputs into JSON: its Durable
/// extension wraps <see cref="WorkerOptions.Serializer"/> as the data converter of the worker and of every
/// client, and the worker's defaults make that System.Text.Json with property names as declared, read without
/// regard to case. The SDK's own default (what the engines use without this) differs: it includes fields and reads
/// names case-sensitively, so a payload that only works one way would go unnoticed in the tests.
/// </summary>
public sealed class FunctionsWorkerDataConverter(ObjectSerializer serializer) : DataConverter
{
    /// <summary>The converter over the serializer the worker's defaults configure (<c>AddFunctionsWorkerDefaults</c>).</summary>
    public static FunctionsWorkerDataConverter Default { get; } = new(WorkerDefaultSerializer());

    public override string? Serialize(object? value) =>
        value is null ? null : serializer.Serialize(value, value.GetType(), CancellationToken.None).ToString();

    public override object? Deserialize(string? data, Type targetType)
    {
        if (data is null)
        {
            return null;
        }

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(data), writable: false);
        return serializer.Deserialize(stream, targetType, CancellationToken.None);
    }

    private static ObjectSerializer WorkerDefaultSerializer()
    {
        var services = new ServiceCollection();
        services.AddFunctionsWorkerDefaults();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WorkerOptions>>().Value.Serializer
            ?? throw new InvalidOperationException("The Functions worker's defaults configure no serializer.");
    }
}

public static class DataConverterServiceCollectionExtensions
{
    /// <summary>Makes every Durable Task worker and client in <paramref name="services"/> use <paramref name="converter"/> (nothing when null).</summary>
    public static IServiceCollection UseDurableDataConverter(this IServiceCollection services, DataConverter? converter)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (converter is not null)
        {
            services.PostConfigureAll<DurableTaskWorkerOptions>(o => o.DataConverter = converter);
            services.PostConfigureAll<DurableTaskClientOptions>(o => o.DataConverter = converter);
        }

        return services;
    }
}
