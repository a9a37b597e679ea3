using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DurableHost;
using DurableHost.AzureStorage;
using DurableHost.InMemory;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using SakuraLb.Functions;
using SakuraLb.Functions.Orchestrations;
using SakuraLb.Sakura.Http;
using Sandbox.Telemetry;

namespace Sandbox.Functions;

/// <summary>
/// The app refused its settings at start-up: every problem of every options section, or the one value the
/// configuration binder could not convert to its setting's type.
/// </summary>
public sealed class FunctionSettingsException(IReadOnlyList<string> problems)
    : Exception("Invalid function app settings: " + string.Join(" ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>One section failing is an OptionsValidationException; several come as an AggregateException of them.</summary>
    public static FunctionSettingsException? From(Exception exception) => exception switch
    {
        OptionsValidationException single => new FunctionSettingsException([.. single.Failures]),
        AggregateException many when many.InnerExceptions.Count > 0 && many.InnerExceptions.All(e => e is OptionsValidationException) =>
            new FunctionSettingsException([.. many.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)]),

        // A value of the wrong type ("abc" for a TimeSpan) fails in the binder, before any validator runs, with
        // "Failed to convert configuration value 'abc' at 'Reconcile:PollInterval' to type 'System.TimeSpan'."
        // around the type converter's FormatException or ArgumentException.
        InvalidOperationException { InnerException: FormatException or ArgumentException } binding => new FunctionSettingsException([binding.Message]),
        _ => null,
    };
}

/// <summary>Settings of a <see cref="LocalFunctionHost"/>.</summary>
public sealed record LocalFunctionHostOptions
{
    /// <summary>Where the HTTP functions listen; port 0 picks a free loopback port.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:0";

    /// <summary>The app settings (configuration keys such as <c>Controller:ClusterId</c>), as the Functions host would supply them.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>The one key that opens functions of level Function or Admin (header x-functions-key or ?code=).</summary>
    public string FunctionKey { get; init; } = "";

    /// <summary>
    /// The Azure Storage durable engine to run the orchestrations on (the Functions host's backend); null runs them
    /// on the in-process engine.
    /// </summary>
    public AzureStorageEngineOptions? AzureStorage { get; init; }

    /// <summary>host.json's extensions.http.routePrefix; the app keeps the default.</summary>
    public string RoutePrefix { get; init; } = "api";

    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}

/// <summary>
/// The function app without the Functions host, which cannot run here: a plain ASP.NET Core host that serves the
/// app's own HTTP function classes under their own routes and key levels (<see cref="FunctionCatalog"/>), with
/// the app's composition root (<see cref="FunctionsServiceCollectionExtensions.AddSakuraLbFunctions"/>) and its
/// orchestrations and activities (<see cref="DurableTasks"/>) on the in-process durable engine, or on the Azure
/// Storage one (<see cref="LocalFunctionHostOptions.AzureStorage"/>). Timer
/// functions run when <see cref="RunTimersAsync(CancellationToken)"/> is called.
/// </summary>
public sealed class LocalFunctionHost : IAsyncDisposable
{
    private static readonly Assembly FunctionAssembly = typeof(FunctionsServiceCollectionExtensions).Assembly;

    private readonly WebApplication app;
    private readonly IDurableEngine? engine;
    private readonly ILogger logger;

    private LocalFunctionHost(
        WebApplication app, IDurableEngine? engine, Uri baseAddress, IReadOnlyList<HttpFunction> httpFunctions, IReadOnlyList<TimerFunction> timerFunctions, string routePrefix)
    {
        this.app = app;
        this.engine = engine;
        BaseAddress = baseAddress;
        HttpFunctions = httpFunctions;
        TimerFunctions = timerFunctions;
        RoutePrefix = routePrefix;
        logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sandbox.FunctionHost");
    }

    /// <summary>e.g. http://127.0.0.1:54321/ — the relay's FunctionUrl.</summary>
    public Uri BaseAddress { get; }

    public string RoutePrefix { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>The durable client the functions are given.</summary>
    public DurableTaskClient Client => app.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>Which engine runs the orchestrations, for the banner: "in-process (in-memory)" or "Azure Storage (task hub …)".</summary>
    public string DurableEngineName => engine is AzureStorageEngine azure ? $"Azure Storage on Azurite (task hub {azure.TaskHubName})" : "in-process (in-memory)";

    public IReadOnlyList<HttpFunction> HttpFunctions { get; }

    public IReadOnlyList<TimerFunction> TimerFunctions { get; }

    /// <summary>
    /// Starts the host. Invalid app settings fail here with <see cref="FunctionSettingsException"/>, every problem
    /// listed, as the app's start-up validation reports them in the Functions host.
    /// </summary>
    public static async Task<LocalFunctionHost> StartAsync(LocalFunctionHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.FunctionKey))
        {
            throw new ArgumentException("FunctionKey must not be empty.", nameof(options));
        }

        var httpFunctions = FunctionCatalog.HttpFunctions(FunctionAssembly);
        var timerFunctions = FunctionCatalog.TimerFunctions(FunctionAssembly);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LocalFunctionHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Only the given settings count: the caller's environment, appsettings files or ASPNETCORE_URLS must not
        // change what the app is configured with or where it listens.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(options.Settings);
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        options.ConfigureLogging?.Invoke(builder.Logging);

        // The caller decides when this host stops (Ctrl-C is the sandbox's to handle, not this host's).
        builder.Services.AddSingleton<IHostLifetime, CallerLifetime>();

        // One Sakura request budget per host, as one Functions host process has (the default is per process).
        builder.Services.AddSingleton(new SakuraRateLimiterRegistry());
        try
        {
            // The composition root binds Storage:Mode itself to choose the stores, so a wrongly typed value fails here.
            builder.Services.AddSakuraLbFunctions(builder.Configuration);
        }
        catch (Exception ex) when (FunctionSettingsException.From(ex) is { } settings)
        {
            throw settings;
        }

        builder.Services.AddMvcCore();

        // Either engine runs the app's orchestrations and activities with this host's services (LateServiceProvider),
        // so the HTTP functions and the activities share one set of stores and one Sakura request budget.
        var late = new LateServiceProvider();
        IDurableEngine? engine = null;
        if (options.AzureStorage is { } azureStorage)
        {
            engine = await DurableEngine.StartAsync(
                DurableEngineKind.AzureStorage, registry => DurableTasks.Register(registry, late), options: azureStorage, cancellationToken: cancellationToken);
            builder.Services.AddSingleton(engine.Client);
        }
        else
        {
            // host.json's concurrency, as with Azure Storage (the SDK's own AddInMemoryDurableTask runs one work item per processor).
            builder.Services.AddInMemoryEngineDurableTask(registry => DurableTasks.Register(registry, late));
        }

        var app = builder.Build();
        late.Target = app.Services;

        foreach (var function in httpFunctions)
        {
            var path = function.Path(options.RoutePrefix);
            app.MapMethods(path, function.Methods, context => ServeAsync(context, function, options.FunctionKey))
                .WithDisplayName(function.Name);
        }

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (FunctionSettingsException.From(ex) is { } settings)
        {
            await StopBothAsync(app, engine);
            throw settings;
        }
        catch
        {
            await StopBothAsync(app, engine);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The function host started without a listening address.");
        var host = new LocalFunctionHost(app, engine, new Uri(address.TrimEnd('/') + "/"), httpFunctions, timerFunctions, options.RoutePrefix);
        foreach (var function in httpFunctions)
        {
            host.logger.Serving(function.Name, string.Join(',', function.Methods), function.Path(options.RoutePrefix), function.AuthLevel.ToString());
        }

        return host;
    }

    /// <summary>Runs every timer function once (the Functions host would run them on their schedules).</summary>
    public Task RunTimersAsync(CancellationToken cancellationToken) => RunTimersAsync(_ => true, cancellationToken);

    /// <summary>Runs the timer functions <paramref name="which"/> selects by name, one after the other.</summary>
    public async Task RunTimersAsync(Func<string, bool> which, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(which);
        foreach (var timer in TimerFunctions.Where(t => which(t.Name)))
        {
            await using var scope = app.Services.CreateAsyncScope();
            var result = FunctionCatalog.Invoke(timer.Method, scope.ServiceProvider, new TimerInfo(), Client, cancellationToken);
            if (result is Task task)
            {
                await task;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await app.StopAsync(timeout.Token);
        }
        finally
        {
            await StopBothAsync(app, engine);
        }
    }

    /// <summary>The app first (no new work), then the engine it used.</summary>
    private static async ValueTask StopBothAsync(WebApplication app, IDurableEngine? engine)
    {
        try
        {
            await app.DisposeAsync();
        }
        finally
        {
            if (engine is not null)
            {
                await engine.DisposeAsync();
            }
        }
    }

    private static async Task ServeAsync(HttpContext context, HttpFunction function, string functionKey)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Sandbox.FunctionHost");
        if (function.AuthLevel != AuthorizationLevel.Anonymous && !KeyMatches(context.Request, functionKey))
        {
            // The Functions host answers a missing or wrong key with a bare 401 before the function runs.
            logger.KeyRejected(context.Request.Method, context.Request.Path);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        IActionResult result;
        try
        {
            var client = context.RequestServices.GetRequiredService<DurableTaskClient>();
            var task = (Task<IActionResult>)FunctionCatalog.Invoke(function.Method, context.RequestServices, context.Request, client, context.RequestAborted)!;
            result = await task;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // A function's failure becomes a 500 problem document, as in the Functions host, never a stack trace on the wire.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.FunctionFailed(ex, function.Name);
            result = new ContentResult
            {
                StatusCode = StatusCodes.Status500InternalServerError,
                ContentType = "application/problem+json",
                Content = new JsonObject
                {
                    ["title"] = "The function failed",
                    ["status"] = 500,
                    ["detail"] = $"{function.Name} failed; the sandbox log has the details",
                }.ToJsonString(),
            };
        }

        await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }

    private static bool KeyMatches(HttpRequest request, string functionKey)
    {
        string? given = request.Headers["x-functions-key"];
        if (string.IsNullOrEmpty(given))
        {
            given = request.Query["code"];
        }

        return !string.IsNullOrEmpty(given)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(functionKey));
    }

    /// <summary>Lets the durable registrations resolve the app's classes from the host, which exists only after Build().</summary>
    private sealed class LateServiceProvider : IServiceProvider
    {
        public IServiceProvider? Target { get; set; }

        public object? GetService(Type serviceType) =>
            (Target ?? throw new InvalidOperationException("The function host has not been built yet.")).GetService(serviceType);
    }

    private sealed class CallerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
