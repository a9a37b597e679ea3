using SakuraLb.Relay.Hosting;
using SakuraLb.Relay.Leadership;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Telemetry;

namespace SakuraLb.Relay.Health;

/// <summary>What /readyz reports: this replica's role and, on the leader, how far it got.</summary>
public sealed record RelayHealthReport(
    string Status,
    string Role,
    string? Leader,
    string Identity,
    bool Synced,
    int CachedServices,
    int CachedNodes,
    int PendingServices,
    bool NodeSetPending,
    int ConsecutiveDeliveryFailures,
    DateTimeOffset? LastDelivery,
    DateTimeOffset? LastStatusPoll,
    DateTimeOffset? LastFullResync);

/// <summary>The answer of POST /resync.</summary>
public sealed record ResyncAnswer(string Status, string? Namespace, string? Name, int FunctionStatusCode, string? FunctionDetail, string? Leader);

/// <summary>
/// /healthz (liveness), /readyz (readiness with a JSON report) and POST /resync. /resync answers only on the
/// operator listener (127.0.0.1 inside the pod, <see cref="RelayListeners"/>); elsewhere it does not exist (404).
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapRelayHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Liveness says only "the process still works": a Kubernetes or function outage must not restart it.
        endpoints.MapGet("/healthz", (LeadershipService leadership) =>
            leadership.Healthy ? Results.Text("ok") : Results.Text("the leadership loop stopped", statusCode: StatusCodes.Status503ServiceUnavailable));

        endpoints.MapGet("/readyz", (LeadershipService leadership, RelayPipeline pipeline, RelayOptions options) =>
        {
            var report = Report(leadership, pipeline, options);
            return Results.Json(report, statusCode: report.Status == "ready" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });

        endpoints.MapPost("/resync", async (HttpContext http, LeadershipService leadership, RelayPipeline pipeline, ILoggerFactory loggers) =>
        {
            if (http.RequestServices.GetService<RelayListeners>() is not { } listeners || !listeners.IsOperator(http))
            {
                return Results.NotFound();
            }

            var ns = http.Request.Query["namespace"].FirstOrDefault();
            var name = http.Request.Query["name"].FirstOrDefault();
            if (string.IsNullOrEmpty(ns) != string.IsNullOrEmpty(name))
            {
                return Results.Problem(
                    title: "Give both namespace and name, or neither",
                    detail: "POST /resync resends everything; POST /resync?namespace=NS&name=NAME resends one Service.",
                    statusCode: StatusCodes.Status400BadRequest);
            }

            if (leadership.Role is not (RelayRole.Leader or RelayRole.Standalone) || !pipeline.Running)
            {
                return Results.Json(
                    new ResyncAnswer("not-leader", ns, name, 0, "only the leader resyncs; send this to the leader's pod", leadership.Leader),
                    statusCode: StatusCodes.Status409Conflict);
            }

            var response = (await pipeline.ResyncAsync(ns, name, http.RequestAborted)).Response;
            Logs.ResyncRequested(loggers.CreateLogger("SakuraLb.Relay.Resync"), ns, name, response.StatusCode);
            return Results.Json(
                new ResyncAnswer(response.IsSuccess ? "accepted" : "function-refused", ns, name, response.StatusCode, response.Detail, leadership.Leader),
                statusCode: response.IsSuccess ? StatusCodes.Status202Accepted : StatusCodes.Status502BadGateway);
        });

        return endpoints;
    }

    public static RelayHealthReport Report(LeadershipService leadership, RelayPipeline pipeline, RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(leadership);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(options);
        var acting = leadership.Role is RelayRole.Leader or RelayRole.Standalone;

        // A follower is ready (it is idle by design); the leader once its first lists are applied.
        var ready = leadership.Healthy && (leadership.Role == RelayRole.Follower || (acting && pipeline.Synced));
        return new RelayHealthReport(
            ready ? "ready" : "not-ready",
            leadership.Role.ToString(),
            leadership.Leader,
            options.Identity,
            pipeline.Synced,
            pipeline.Services.Count,
            pipeline.Nodes.Count,
            pipeline.Outbox.PendingServices,
            pipeline.Outbox.NodesDue,
            pipeline.Sender.ConsecutiveFailures,
            pipeline.Sender.LastSuccess,
            pipeline.Poller.LastSuccess,
            pipeline.LastFullResync);
    }
}
