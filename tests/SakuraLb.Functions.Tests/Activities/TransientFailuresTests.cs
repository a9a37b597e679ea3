using System.Net;
using Azure;
using Microsoft.DurableTask;
using SakuraLb.Functions.Activities;
using SakuraLb.Sakura;

namespace SakuraLb.Functions.Tests.Activities;

/// <summary>Which activity failures the retry policy retries, decided by type.</summary>
public sealed class TransientFailuresTests
{
    public static TheoryData<Exception, Type?> Cases() => new()
    {
        { new SakuraApiException(HttpStatusCode.ServiceUnavailable, "busy", "busy", null), typeof(CloudBusyException) },
        { new SakuraApiException(HttpStatusCode.Locked, "locked", "locked", null), typeof(CloudBusyException) },
        { new SakuraApiException(HttpStatusCode.InternalServerError, null, "oops", null), typeof(TransientFailureException) },
        { new TimeoutException("slow"), typeof(TransientFailureException) },
        { new HttpRequestException("reset"), typeof(TransientFailureException) },
        { new RequestFailedException(503, "storage busy"), typeof(TransientFailureException) },
        { new RequestFailedException(0, "no answer"), typeof(TransientFailureException) },
        { new AggregateException(new RequestFailedException(500, "a"), new RequestFailedException(503, "b")), typeof(TransientFailureException) },
        { new SakuraApiException(HttpStatusCode.BadRequest, "bad_request", "no", null), null },
        { new RequestFailedException(400, "bad key"), null },
        { new AggregateException(new RequestFailedException(503, "a"), new InvalidOperationException("b")), null },
        { new InvalidOperationException("a bug"), null },
        { new NullReferenceException(), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_ByType(Exception failure, Type? expected)
    {
        var transient = TransientFailures.Classify(failure);

        Assert.Equal(expected, transient?.GetType());
        Assert.Same(failure, transient?.InnerException ?? failure);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RunAsync_TransientFailuresLeaveTyped_OthersAsThrown_AndTheRetryPolicyRetriesOnlyTheTyped(Exception failure, Type? expected)
    {
        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => TransientFailures.RunAsync<int>(() => throw failure));
        var details = TaskFailureDetails.FromException(thrown);

        Assert.Equal(expected ?? failure.GetType(), thrown.GetType());
        Assert.Equal(expected is not null, TransientFailures.IsTransient(details));
        Assert.Equal(expected == typeof(CloudBusyException), TransientFailures.IsCloudBusy(details));
    }
}
