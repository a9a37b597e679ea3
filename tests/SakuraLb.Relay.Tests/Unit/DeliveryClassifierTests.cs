using SakuraLb.Relay.Delivery;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class DeliveryClassifierTests
{
    [Theory]
    [InlineData(202, DeliveryVerdict.Delivered, "delivered")]
    [InlineData(0, DeliveryVerdict.Retry, "unreachable")]
    [InlineData(500, DeliveryVerdict.Retry, "server_error")]
    [InlineData(503, DeliveryVerdict.Retry, "server_error")]
    [InlineData(429, DeliveryVerdict.Retry, "throttled")]
    [InlineData(408, DeliveryVerdict.Retry, "throttled")]
    [InlineData(413, DeliveryVerdict.TooLarge, "too_large")]
    [InlineData(401, DeliveryVerdict.RetrySlowly, "unauthorized")]
    [InlineData(403, DeliveryVerdict.RetrySlowly, "forbidden")]
    [InlineData(404, DeliveryVerdict.RetrySlowly, "not_found")]
    [InlineData(415, DeliveryVerdict.RetrySlowly, "unsupported_media_type")]
    [InlineData(400, DeliveryVerdict.RetrySlowly, "invalid")]
    public void Classify_MapsStatusCodes(int status, DeliveryVerdict verdict, string reason)
    {
        var response = new FunctionResponse(status, null, []);

        Assert.Equal(verdict, DeliveryClassifier.Classify(response));
        if (verdict != DeliveryVerdict.Delivered)
        {
            Assert.Equal(reason, DeliveryClassifier.Reason(response));
        }
    }

    [Fact]
    public void Classify_BadRequestNamingObjects_IsInvalidWithTheBlamedParts()
    {
        var errors = new[]
        {
            new FieldError("services[3].uid", "is required"),
            new FieldError("services[3].ports[0].port", "must be between 1 and 65535"),
            new FieldError("services[12].name", "is required"),
            new FieldError("nodes.nodes[1].name", "node 'a' appears more than once"),
            new FieldError("sentAt", "is required"),
        };

        var response = new FunctionResponse(400, "invalid", errors);
        var blamed = DeliveryClassifier.Blamed(errors);

        Assert.Equal(DeliveryVerdict.Invalid, DeliveryClassifier.Classify(response));
        Assert.Equal(new HashSet<int> { 3, 12 }, blamed.ServiceIndexes);
        Assert.True(blamed.NodeSet);
    }

    [Theory]
    [InlineData("""{"title":"The event batch is invalid","status":400,"detail":"2 problems","errors":[{"path":"services[0].uid","problem":"is required"}]}""", "The event batch is invalid: 2 problems", 1)]
    [InlineData("""{"title":"Unauthorized"}""", "Unauthorized", 0)]
    [InlineData("not json at all", "not json at all", 0)]
    [InlineData("[1,2]", "[1,2]", 0)]
    [InlineData("", null, 0)]
    public void ParseProblem_ReadsTitleDetailAndErrors(string body, string? detail, int errorCount)
    {
        var (text, errors) = FunctionClient.ParseProblem(body);

        Assert.Equal(detail, text);
        Assert.Equal(errorCount, errors.Count);
    }
}
