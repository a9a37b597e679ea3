using Azure;
using Microsoft.DurableTask;

namespace SakuraLb.Functions.Activities;

/// <summary>
/// An activity failed for a reason that may go away by itself (the cloud or table storage busy or unreachable, a
/// timeout): the activity retry policy retries exactly these. The original failure is the inner exception.
/// </summary>
public class TransientFailureException : Exception
{
    public TransientFailureException()
    {
    }

    public TransientFailureException(string message)
        : base(message)
    {
    }

    public TransientFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The Sakura API stayed busy (503) or the resource locked (423) after the client's own retries.</summary>
public sealed class CloudBusyException : TransientFailureException
{
    public CloudBusyException()
    {
    }

    public CloudBusyException(string message)
        : base(message)
    {
    }

    public CloudBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Which activity failures are transient, decided by type at the one place every activity is called, so that an
/// orchestration decides on the failure's type (<see cref="TaskFailureDetails.IsCausedBy{T}"/>) and never on its
/// text. Anything else (a bug, a permanent storage error) is not retried: retrying cannot change it.
/// </summary>
public static class TransientFailures
{
    /// <summary>Runs an activity; a transient failure surfaces as a <see cref="TransientFailureException"/>.</summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        try
        {
            return await activity();
        }
        catch (Exception ex) when (Classify(ex) is { } transient)
        {
            throw transient;
        }
    }

    /// <summary>The typed transient failure for <paramref name="exception"/>; null when it is not transient.</summary>
    public static TransientFailureException? Classify(Exception exception) => exception switch
    {
        TransientFailureException => null,
        SakuraApiException { Kind: SakuraErrorKind.Busy or SakuraErrorKind.Locked } busy => new CloudBusyException(busy.Message, busy),
        _ when CloudErrors.IsTransient(exception) => new TransientFailureException(exception.Message, exception),
        RequestFailedException storage when IsTransientStatus(storage.Status) =>
            new TransientFailureException($"table storage: {storage.Message}", storage),
        AggregateException { InnerExceptions.Count: > 0 } many when many.InnerExceptions.All(e => Classify(e) is not null) =>
            new TransientFailureException(many.InnerExceptions[^1].Message, many),
        _ => null,
    };

    /// <summary>The activity retry policy's filter: retry only what <see cref="Classify"/> made transient.</summary>
    public static bool IsTransient(TaskFailureDetails failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.IsCausedBy<TransientFailureException>();
    }

    /// <summary>True when the failure was the Sakura API being busy or the resource locked.</summary>
    public static bool IsCloudBusy(TaskFailureDetails failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.IsCausedBy<CloudBusyException>();
    }

    // 0: no response (connection refused, reset, DNS); 408, 429 and 5xx: the service asks to come back later.
    private static bool IsTransientStatus(int status) => status is 0 or 408 or 429 or >= 500;
}
