using Microsoft.Extensions.Logging;

namespace DurableHost.Telemetry;

/// <summary>
/// The engines' logger factories: everything goes to the caller's factory (or the console), filtered at the
/// engine's minimum level first, so a chatty component (the sidecar logs every gRPC call at Information;
/// DurableTask.Core and DurableTask.AzureStorage log every work item) stays quiet whatever the caller's factory lets through.
/// </summary>
internal static class EngineLogging
{
    public static ILoggerFactory Create(DurableEngineOptions options)
    {
        var target = options.LoggerFactory;
        return LoggerFactory.Create(builder => Configure(builder, options.MinimumLogLevel, target));
    }

    /// <summary>Routes a host's own logging (Kestrel, hosting, the worker) the same way.</summary>
    public static void Configure(ILoggingBuilder builder, LogLevel minimum, ILoggerFactory? target)
    {
        builder.ClearProviders();
        builder.SetMinimumLevel(minimum);
        if (target is null)
        {
            builder.AddSimpleConsole(console => console.SingleLine = true);
        }
        else
        {
            builder.AddProvider(new ForwardingLoggerProvider(target));
        }
    }

    private sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

        // The target belongs to the caller.
        public void Dispose()
        {
        }
    }
}
