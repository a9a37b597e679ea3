namespace SakuraLb.Functions.Activities;

/// <summary>The answers every step activity gives the same way (<see cref="CloudStepActivity{TInput}"/> and the others).</summary>
internal static class CloudStep
{
    /// <summary>
    /// How a write sent with the settings hash that was read takes the API's errors: a 409 means someone changed the
    /// load balancer since (<paramref name="changed"/> says what), a 404 that it is gone; either way the plan no
    /// longer holds.
    /// </summary>
    public static Func<SakuraApiException, long, StepResult?> WriteErrors(Func<long, string> changed) =>
        (ex, id) => ex.Kind switch
        {
            SakuraErrorKind.Conflict => StepResult.Conflict(changed(id)),
            SakuraErrorKind.NotFound => Gone(id),
            _ => null,
        };

    /// <summary>The load balancer the step was for no longer exists: plan again.</summary>
    public static StepResult Gone(long loadBalancerId) => StepResult.Conflict($"load balancer {loadBalancerId} is gone");

    /// <summary>A failure retrying cannot fix: logged, and described for the Service's status.</summary>
    public static (string ReasonCode, string Message) Permanent(SakuraApiException exception, string step, string action, ILogger logger)
    {
        logger.CloudCallFailed(step, exception.Message);
        return CloudErrors.Describe(exception, action);
    }
}
