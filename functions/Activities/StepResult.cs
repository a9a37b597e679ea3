namespace SakuraLb.Functions.Activities;

/// <summary>The identity of a Service in activity inputs.</summary>
public sealed record ServiceKey(string ClusterId, string Uid);

/// <summary>How a step activity ended.</summary>
public enum StepStatus
{
    /// <summary>The effect is in place (now, or it already was).</summary>
    Done,

    /// <summary>The cloud is mid-transition (still creating, not up yet): wait a poll interval and run the step again.</summary>
    NotReady,

    /// <summary>The world is not what the plan assumed (stale settings hash, lost address race, LB gone): plan again.</summary>
    Conflict,

    /// <summary>A permanent failure (rejected request, bad credentials): report it, do not retry.</summary>
    Failed,
}

/// <summary>The outcome of one step; transient failures are thrown instead, for the retry policy.</summary>
public sealed record StepResult(StepStatus Status, long? LoadBalancerId = null, string? ReasonCode = null, string? Message = null)
{
    public static StepResult Done(long? loadBalancerId = null) => new(StepStatus.Done, loadBalancerId);

    public static StepResult NotReady(string message) => new(StepStatus.NotReady, Message: message);

    public static StepResult Conflict(string message) => new(StepStatus.Conflict, Message: message);

    public static StepResult Failed(string reasonCode, string message) => new(StepStatus.Failed, ReasonCode: reasonCode, Message: message);
}

/// <summary>A step on one existing load balancer of a Service.</summary>
public sealed record LoadBalancerTarget(string ClusterId, string Uid, long LoadBalancerId) : ILoadBalancerStepInput;
