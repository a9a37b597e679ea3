namespace SakuraLb.Functions.Activities;

/// <summary>The answers every step activity gives the same way (<see cref="CloudStepActivity{TInput}"/> and the others).</summary>
internal static class CloudStep
{
    /// <summary>The load balancer the step was for no longer exists: plan again.</summary>
    public static StepResult Gone(long loadBalancerId) => StepResult.Conflict($"load balancer {loadBalancerId} is gone");

    /// <summary>A failure retrying cannot fix: logged, and described for the Service's status.</summary>
    public static (string ReasonCode, string Message) Permanent(SakuraApiException exception, string step, string action, ILogger logger)
    {
        logger.CloudCallFailed(step, exception.Message);
        return CloudErrors.Describe(exception, action);
    }
}
