using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;

namespace SakuraLb.Sakura.Tests;

public sealed class ResiliencePipelineTests
{
    [Theory]
    [InlineData(0, 1000, 30000, 0.0, 500)]
    [InlineData(0, 1000, 30000, 1.0, 1000)]
    [InlineData(1, 1000, 30000, 0.0, 1000)]
    [InlineData(2, 1000, 30000, 0.5, 3000)]
    [InlineData(5, 1000, 30000, 1.0, 30000)]
    [InlineData(10, 1000, 30000, 0.0, 15000)]
    [InlineData(60, 1000, 30000, 1.0, 30000)]
    [InlineData(3, 200, 1000, 2.0, 1000)]
    public void ComputeDelay_CappedExponentialWithEqualJitter(int attempt, int baseMs, int maxMs, double jitter, int expectedMs) =>
        Assert.Equal(
            TimeSpan.FromMilliseconds(expectedMs),
            SakuraResilience.ComputeDelay(attempt, TimeSpan.FromMilliseconds(baseMs), TimeSpan.FromMilliseconds(maxMs), jitter));

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.Locked, true)]
    [InlineData(HttpStatusCode.Conflict, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    [InlineData(HttpStatusCode.TooManyRequests, false)]
    public void IsRetryable_OnlyBusyAndLocked(HttpStatusCode status, bool expected) =>
        Assert.Equal(expected, SakuraResilience.IsRetryable(status));

    [Fact]
    public async Task SendAsync_BusyThenLockedThenOk_RetriesWithBackoffAndResendsBody()
    {
        var time = new CountingTimeProvider();
        var inner = new ScriptedHandler((_, attempt) => attempt switch
        {
            0 => ScriptedHandler.Error(HttpStatusCode.ServiceUnavailable, "busy"),
            1 => ScriptedHandler.Error(HttpStatusCode.Locked, "locked"),
            _ => ScriptedHandler.Json(HttpStatusCode.OK, "{}"),
        });
        using var client = Client(inner, time, o => o.MaxRetries = 3);

        var send = client.PostAsync("http://127.0.0.1:1/x", new StringContent("""{"a":1}"""));
        await time.WaitForTimersAsync(1);
        Assert.False(send.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(999)); // first delay: 500..1000 ms, 1000 ms with jitter 1.0
        Assert.Equal(1, inner.Calls);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await time.WaitForTimersAsync(2);
        Assert.Equal(2, inner.Calls);
        time.Advance(TimeSpan.FromSeconds(2));
        using var response = await send;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, inner.Calls);
        Assert.All(inner.Received, r => Assert.Equal("""{"a":1}""", r.Body));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "bad_request")]
    [InlineData(HttpStatusCode.Conflict, "still_creating")]
    [InlineData(HttpStatusCode.NotFound, "not_found")]
    [InlineData(HttpStatusCode.InternalServerError, "internal")]
    public async Task SendAsync_NonRetryableError_ReturnedAfterOneAttempt(HttpStatusCode status, string code)
    {
        var inner = new ScriptedHandler((_, _) => ScriptedHandler.Error(status, code));
        using var client = Client(inner, new CountingTimeProvider(), o => o.MaxRetries = 5);

        using var response = await client.GetAsync("http://127.0.0.1:1/x");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task SendAsync_AlwaysBusy_GivesUpAfterMaxRetries()
    {
        var time = new CountingTimeProvider();
        var inner = new ScriptedHandler((_, _) => ScriptedHandler.Error(HttpStatusCode.ServiceUnavailable, "busy"));
        using var client = Client(inner, time, o => o.MaxRetries = 2);

        var send = client.GetAsync("http://127.0.0.1:1/x");
        for (var retries = 1; retries <= 2; retries++)
        {
            await time.WaitForTimersAsync(retries);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        using var response = await send;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, inner.Calls);
    }

    [Fact]
    public async Task SendAsync_CancelledDuringBackoff_StopsWithoutAnotherAttempt()
    {
        var time = new CountingTimeProvider();
        var inner = new ScriptedHandler((_, _) => ScriptedHandler.Error(HttpStatusCode.ServiceUnavailable, "busy"));
        using var client = Client(inner, time, o => o.MaxRetries = 10);
        using var cts = new CancellationTokenSource();

        var send = client.GetAsync("http://127.0.0.1:1/x", cts.Token);
        await time.WaitForTimersAsync(1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task SendAsync_RetryAfterLongerThanBackoff_IsHonouredUpToTheCap()
    {
        var time = new CountingTimeProvider();
        var inner = new ScriptedHandler((_, attempt) =>
        {
            if (attempt > 0)
            {
                return ScriptedHandler.Json(HttpStatusCode.OK, "{}");
            }

            var busy = ScriptedHandler.Error(HttpStatusCode.ServiceUnavailable, "busy");
            busy.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(5));
            return busy;
        });
        using var client = Client(inner, time, o => o.RetryMaxDelay = TimeSpan.FromSeconds(30));

        var send = client.GetAsync("http://127.0.0.1:1/x");
        await time.WaitForTimersAsync(1);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(1, inner.Calls);
        time.Advance(TimeSpan.FromSeconds(0.1));
        using var response = await send;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SendAsync_NearlyEveryAttemptAServerError_OpensTheBreaker_AndCallsFailFastUntilItHalfOpens()
    {
        var time = new CountingTimeProvider();
        var failing = true;
        var inner = new ScriptedHandler((_, _) => failing
            ? ScriptedHandler.Error(HttpStatusCode.GatewayTimeout, "apiproxy_timeout")
            : ScriptedHandler.Json(HttpStatusCode.OK, "{}"));
        using var client = Client(inner, time, o => o.MaxRetries = 3);

        for (var i = 0; i < SakuraResilience.MinimumThroughput; i++)
        {
            using var response = await client.GetAsync("http://127.0.0.1:1/x");
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("http://127.0.0.1:1/x"));
        Assert.Equal(SakuraResilience.MinimumThroughput, inner.Calls);

        failing = false;
        time.Advance(SakuraResilience.BreakDuration);
        using var recovered = await client.GetAsync("http://127.0.0.1:1/x");
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(SakuraResilience.MinimumThroughput + 1, inner.Calls);
    }

    [Fact]
    public async Task SendAsync_FewServerErrors_NeverOpenTheBreaker()
    {
        var inner = new ScriptedHandler((_, attempt) => attempt % 3 == 0
            ? ScriptedHandler.Error(HttpStatusCode.InternalServerError, "internal")
            : ScriptedHandler.Json(HttpStatusCode.OK, "{}"));
        using var client = Client(inner, new CountingTimeProvider(), o => o.MaxRetries = 0);

        for (var i = 0; i < 3 * SakuraResilience.MinimumThroughput; i++)
        {
            using var response = await client.GetAsync("http://127.0.0.1:1/x");
        }

        Assert.Equal(3 * SakuraResilience.MinimumThroughput, inner.Calls);
    }

    private static HttpClient Client(ScriptedHandler inner, TimeProvider time, Action<SakuraClientOptions> change)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        var pipeline = SakuraResilience.Configure(builder, TestOptions.Valid(change), TestOptions.Log<ResiliencePipelineTests>(), () => 1.0).Build();
        return new HttpClient(new ResilienceHandler(pipeline) { InnerHandler = inner });
    }
}
