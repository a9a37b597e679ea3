using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace SakuraLb.Sakura.Tests;

/// <summary>An inner handler that answers from a script and records what it was sent.</summary>
internal sealed class ScriptedHandler(Func<HttpRequestMessage, int, HttpResponseMessage> respond) : HttpMessageHandler
{
    private int calls;

    public ConcurrentQueue<(HttpRequestMessage Request, string? Body)> Received { get; } = new();

    public int Calls => Volatile.Read(ref calls);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Received.Enqueue((request, body));
        var attempt = Interlocked.Increment(ref calls) - 1;
        var response = respond(request, attempt);
        response.RequestMessage ??= request;
        return response;
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Error(HttpStatusCode status, string code, string message = "msg") =>
        Json(status, $$"""{"is_fatal":true,"serial":"0123456789abcdef0123456789abcdef","status":"{{(int)status}} X","error_code":"{{code}}","error_msg":"{{message}}"}""");
}

internal static class TestOptions
{
    public static SakuraClientOptions Valid(Action<SakuraClientOptions>? change = null)
    {
        var options = new SakuraClientOptions
        {
            ApiRootUrl = "http://127.0.0.1:1/cloud/zone",
            AccessToken = "token-" + Guid.NewGuid().ToString("N"),
            AccessTokenSecret = "secret",
        };
        change?.Invoke(options);
        return options;
    }

    public static IOptions<SakuraClientOptions> Wrap(SakuraClientOptions options) => Options.Create(options);

    public static NullLogger<T> Log<T>() => NullLogger<T>.Instance;
}

/// <summary>A fake clock that counts the timers created on it, so a test can wait until code is really waiting.</summary>
internal sealed class CountingTimeProvider : Microsoft.Extensions.Time.Testing.FakeTimeProvider
{
    private int timers;

    public int TimersCreated => Volatile.Read(ref timers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref timers);
        return timer;
    }

    /// <summary>Polls (with a deadline) until at least <paramref name="count"/> timers exist.</summary>
    public async Task WaitForTimersAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (TimersCreated < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} timers, saw {TimersCreated}");
            await Task.Delay(2);
        }
    }
}
