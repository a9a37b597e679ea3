using System.Net;
using SakuraLb.Relay.Delivery;
using SakuraLb.Relay.Options;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class FunctionClientTests
{
    /// <summary>Answers every request with a status whose body breaks off, as when the connection drops mid-answer.</summary>
    private sealed class CutBodyHandler(HttpStatusCode status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StreamContent(new CutStream()) });
    }

    private sealed class CutStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) =>
            throw new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            throw new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.");
    }

    private static FunctionClient Client(HttpStatusCode status) => new(
        new HttpClient(new CutBodyHandler(status)),
        new RelayOptions { FunctionUrl = new Uri("http://127.0.0.1:1/"), FunctionKey = "k", HmacSecret = new string('s', 32), ClusterId = "c" },
        TimeProvider.System);

    [Fact]
    public async Task PostEvents_ErrorAnswerCutOff_IsAFailedDeliveryNotAnException()
    {
        var response = await Client(HttpStatusCode.ServiceUnavailable).PostEventsAsync(FunctionClient.Encode("{}"u8.ToArray(), 0), CancellationToken.None);

        // Thrown, it would end the send loop with the batch taken out of the outbox: its snapshots, tombstones included, lost.
        Assert.Equal(DeliveryVerdict.Retry, DeliveryClassifier.Classify(response));
        Assert.Equal(0, response.StatusCode);
    }

    [Fact]
    public async Task GetStatus_FeedCutOff_IsAFailedPollNotAnException()
    {
        var result = await Client(HttpStatusCode.OK).GetStatusAsync(null, CancellationToken.None);

        Assert.Null(result.Feed);
        Assert.False(result.NotModified);
        Assert.Equal(DeliveryVerdict.Retry, DeliveryClassifier.Classify(result.Response));
    }

    /// <summary>Answers every request with a status and an endless body of spaces that never announces its length.</summary>
    private sealed class EndlessBodyHandler(HttpStatusCode status) : HttpMessageHandler
    {
        private readonly EndlessStream stream = new();

        public long Served => stream.Served;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StreamContent(stream) });
    }

    private sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Served; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)' ');
            Served += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.BadRequest)]
    public async Task Answers_LargerThanTheLimit_AreNotReadToTheEnd(HttpStatusCode status)
    {
        using var handler = new EndlessBodyHandler(status);
        var client = new FunctionClient(
            new HttpClient(handler),
            new RelayOptions { FunctionUrl = new Uri("http://127.0.0.1:1/"), FunctionKey = "k", HmacSecret = new string('s', 32), ClusterId = "c", MaxStatusFeedBytes = 1024 * 1024 },
            TimeProvider.System);

        var result = await client.GetStatusAsync(null, CancellationToken.None);

        Assert.Null(result.Feed);
        Assert.Contains("larger than", result.Response.Detail, StringComparison.Ordinal);
        Assert.True(handler.Served <= 1024 * 1024 + (64 * 1024), $"read {handler.Served} bytes");
    }
}
