namespace SakuraLb.Reconcile.Tests.Model;

public sealed class EventBatchValidatorTests
{
    [Fact]
    public void Validate_CompleteBatch_HasNoErrors()
    {
        Assert.Empty(EventBatchValidator.Validate(ModelSamples.Batch()));
    }

    [Fact]
    public void Validate_Null_ReportsBody()
    {
        var error = Assert.Single(EventBatchValidator.Validate(null));
        Assert.Equal("$", error.Path);
    }

    [Fact]
    public void Validate_EmptyJsonObject_ReportsEveryMissingTopLevelField()
    {
        var batch = ModelJson.Deserialize<EventBatch>("""{"version":0}""");

        var paths = EventBatchValidator.Validate(batch).Select(e => e.Path).ToList();

        Assert.Equal(["version", "clusterId", "sentAt"], paths);
    }

    [Fact]
    public void Validate_MissingVersionAndComplete_AreReported()
    {
        // The record initializers (version 1, complete true) apply to objects built in code only: the
        // generated reader gives a missing member its type's default.
        var batch = ModelJson.Deserialize<EventBatch>("""{"clusterId":"c","sentAt":"2026-08-01T00:00:00Z","nodes":{"resourceVersion":"1","nodes":[]}}""");

        Assert.Equal((0, false), (batch!.Version, batch.Nodes!.Complete));
        Assert.Equal(["version", "nodes.complete"], EventBatchValidator.Validate(batch).Select(e => e.Path));
    }

    public static TheoryData<string, string> BrokenServices() => new()
    {
        { """{"namespace":"n","name":"s","resourceVersion":"1","type":"LoadBalancer"}""", "services[0].uid" },
        { """{"uid":"u","name":"s","resourceVersion":"1","type":"LoadBalancer"}""", "services[0].namespace" },
        { """{"uid":"u","namespace":"n","resourceVersion":"1","type":"LoadBalancer"}""", "services[0].name" },
        { """{"uid":"u","namespace":"n","name":"s","type":"LoadBalancer"}""", "services[0].resourceVersion" },
        { """{"uid":"u","namespace":"n","name":"s","resourceVersion":"1"}""", "services[0].type" },
        { """{"uid":"u","namespace":"n","name":"s","resourceVersion":"1","type":"LoadBalancer","ports":[{"protocol":"TCP","port":0}]}""", "services[0].ports[0].port" },
        { """{"uid":"u","namespace":"n","name":"s","resourceVersion":"1","type":"LoadBalancer","ports":[{"protocol":"TCP","port":70000}]}""", "services[0].ports[0].port" },
        { """{"uid":"u","namespace":"n","name":"s","resourceVersion":"1","type":"LoadBalancer","ports":[{"protocol":"","port":80}]}""", "services[0].ports[0].protocol" },
        { """{"uid":"u","namespace":"n","name":"s","resourceVersion":"1","type":"LoadBalancer","ports":[{"port":80,"nodePort":-1}]}""", "services[0].ports[0].nodePort" },
        { """{"uid":"u","namespace":"n","name":"s","resourceVersion":"1","type":"LoadBalancer","healthCheckNodePort":99999}""", "services[0].healthCheckNodePort" },
        { "null", "services[0]" },
    };

    [Theory]
    [MemberData(nameof(BrokenServices))]
    public void Validate_BrokenService_ReportsFieldPath(string serviceJson, string expectedPath)
    {
        var batch = ModelJson.Deserialize<EventBatch>($$"""{"version":1,"clusterId":"c","sentAt":"2026-08-01T00:00:00Z","services":[{{serviceJson}}]}""");

        var error = Assert.Single(EventBatchValidator.Validate(batch));

        Assert.Equal(expectedPath, error.Path);
        Assert.False(string.IsNullOrWhiteSpace(error.Problem));
    }

    [Fact]
    public void Validate_NullCollections_ReadAsEmpty()
    {
        var batch = ModelJson.Deserialize<EventBatch>(
            """{"version":1,"clusterId":"c","sentAt":"2026-08-01T00:00:00Z","services":[{"uid":"u","namespace":"n","name":"s","resourceVersion":"1","type":"LoadBalancer","ports":null,"annotations":null,"finalizers":null,"currentIngress":null}],"nodes":{"resourceVersion":"1","complete":true,"nodes":[{"name":"a","labels":null,"addresses":null,"taints":null}]}}""")!;

        Assert.Empty(EventBatchValidator.Validate(batch));
        Assert.Empty(batch.Services[0].Ports);
        Assert.Empty(batch.Services[0].Annotations);
        Assert.Empty(batch.Services[0].Finalizers);
        Assert.Empty(batch.Services[0].CurrentIngress);
        Assert.Empty(batch.Nodes!.Nodes[0].Labels);
        Assert.Empty(batch.Nodes.Nodes[0].Addresses);
    }

    [Fact]
    public void Validate_Tombstone_NeedsOnlyIdentity()
    {
        var batch = ModelJson.Deserialize<EventBatch>("""{"version":1,"clusterId":"c","sentAt":"2026-08-01T00:00:00Z","services":[{"uid":"u","namespace":"n","name":"s","deleted":true}]}""");

        Assert.Empty(EventBatchValidator.Validate(batch));
    }

    [Fact]
    public void Validate_SeveralProblems_ReportedTogether()
    {
        var batch = ModelJson.Deserialize<EventBatch>(
            """{"version":2,"clusterId":"bad id!","sentAt":"2026-08-01T00:00:00Z","services":[{"uid":"","namespace":"n","name":"s","resourceVersion":"1","type":"LoadBalancer","ports":[{"protocol":"TCP","port":0}]}]}""");

        var paths = EventBatchValidator.Validate(batch).Select(e => e.Path).ToList();

        Assert.Equal(["version", "clusterId", "services[0].uid", "services[0].ports[0].port"], paths);
    }

    [Theory]
    [InlineData("""{"resourceVersion":"1","complete":true,"nodes":[{"name":""}]}""", "nodes.nodes[0].name")]
    [InlineData("""{"complete":true,"nodes":[]}""", "nodes.resourceVersion")]
    [InlineData("""{"resourceVersion":"1","complete":false,"nodes":[]}""", "nodes.complete")]
    [InlineData("""{"resourceVersion":"1","complete":true,"nodes":[{"name":"a"},{"name":"a"}]}""", "nodes.nodes[1].name")]
    [InlineData("""{"resourceVersion":"1","complete":true,"nodes":[{"name":"a","addresses":[{"type":"InternalIP"}]}]}""", "nodes.nodes[0].addresses[0].address")]
    [InlineData("""{"resourceVersion":"1","complete":true,"nodes":[{"name":"a","taints":[{"effect":"NoSchedule"}]}]}""", "nodes.nodes[0].taints[0].key")]
    public void Validate_BrokenNodeSet_ReportsFieldPath(string nodesJson, string expectedPath)
    {
        var batch = ModelJson.Deserialize<EventBatch>($$"""{"version":1,"clusterId":"c","sentAt":"2026-08-01T00:00:00Z","nodes":{{nodesJson}}}""");

        var error = Assert.Single(EventBatchValidator.Validate(batch));

        Assert.Equal(expectedPath, error.Path);
    }

    [Theory]
    [InlineData("c", null, null, 0)]
    [InlineData("c", "default", null, 0)]
    [InlineData("c", "default", "web", 0)]
    [InlineData("c", null, "web", 1)]
    [InlineData("", null, null, 1)]
    public void ResyncRequestValidator_Validate_ChecksScope(string clusterId, string? ns, string? name, int errorCount)
    {
        var errors = ResyncRequestValidator.Validate(new ResyncRequest { ClusterId = clusterId, Namespace = ns, Name = name });

        Assert.Equal(errorCount, errors.Count);
    }
}
