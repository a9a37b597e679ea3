using System.Text.Json;

namespace SakuraLb.Reconcile.Tests.Model;

public sealed class ModelJsonTests
{
    public static TheoryData<object> Messages() =>
    [
        ModelSamples.Batch(),
        new EventBatch { ClusterId = "c", SentAt = ModelSamples.At },
        new StatusFeed
        {
            ClusterId = "prod-1",
            ETag = "\"7\"",
            Services =
            [
                new ServiceStatus
                {
                    Uid = "u1", Namespace = "default", Name = "web", Phase = ServicePhase.Ready,
                    IngressIps = ["203.0.113.101"], ReasonCode = "Ready", Message = "load balancer is up",
                    ObservedResourceVersion = "1234", FinalizerReleasable = false, UpdatedAt = ModelSamples.At,
                    Conditions = [new StatusCondition("LoadBalancerProvisioned", "True", "Ready", "up")],
                    Warnings = [new StatusWarning("NodeWithoutAddress", "node worker03 has no address on switch 1")],
                },
                new ServiceStatus { Uid = "u2", Namespace = "n", Name = "gone", Phase = ServicePhase.Deleted, FinalizerReleasable = true },
            ],
        },
        new ResyncRequest { ClusterId = "prod-1", Namespace = "default", Name = "web" },
        new ResyncResponse { StartedInstanceIds = ["svc-u1"], Services = [new ServiceReference("u1", "default", "web")] },
        ModelSamples.Service() with { Deleted = true, DeletionTimestamp = ModelSamples.At },
        ModelSamples.Node(),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Serialize_RoundTrip_PreservesEveryField(object message)
    {
        var type = message.GetType();
        var json = JsonSerializer.Serialize(message, type, ModelJsonContext.Default);
        var back = JsonSerializer.Deserialize(json, type, ModelJsonContext.Default);
        var again = JsonSerializer.Serialize(back, type, ModelJsonContext.Default);

        Assert.Equal(json, again);
    }

    [Fact]
    public void Serialize_EventBatch_UsesCamelCaseStringEnumsAndOmitsNulls()
    {
        var json = ModelJson.Serialize(new StatusFeed
        {
            ClusterId = "c",
            Services = [new ServiceStatus { Uid = "u", Namespace = "n", Name = "s", Phase = ServicePhase.Provisioning }],
        });

        Assert.Contains("\"clusterId\":\"c\"", json, StringComparison.Ordinal);
        Assert.Contains("\"phase\":\"Provisioning\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("eTag", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("reasonCode", json, StringComparison.Ordinal);
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_EventBatch_KeepsValuesAndTypes()
    {
        var json = ModelJson.Serialize(ModelSamples.Batch());

        var batch = ModelJson.Deserialize<EventBatch>(json)!;

        Assert.Equal(ProtocolVersion.Current, batch.Version);
        Assert.Equal(ModelSamples.At, batch.SentAt);
        var service = Assert.Single(batch.Services);
        Assert.Equal("1234", service.ResourceVersion);
        Assert.Equal(30443, service.Ports[1].NodePort);
        Assert.Equal("https", service.Ports[1].TargetPort);
        Assert.Equal("true", service.Annotations["k8s.usacloud.jp/load-balancer-ha"]);
        Assert.True(service.HasCleanupFinalizer);
        Assert.Equal(2, batch.Nodes!.Nodes.Count);
        Assert.Equal("203.0.113.104", batch.Nodes.Nodes[0].Addresses[0].Address);
        Assert.Equal(WellKnown.ToBeDeletedByClusterAutoscalerTaint, batch.Nodes.Nodes[0].Taints[0].Key);
    }

    [Fact]
    public void Deserialize_UnknownFields_AreIgnored()
    {
        const string json = """
            {"version":1,"clusterId":"c","sentAt":"2026-08-01T12:00:00Z","futureField":{"a":[1,2]},
             "services":[{"uid":"u","namespace":"n","name":"s","resourceVersion":"5","type":"LoadBalancer",
                          "ports":[{"protocol":"TCP","port":80,"brandNew":true}],"somethingElse":"x"}]}
            """;

        Assert.True(ModelJson.TryDeserialize<EventBatch>(json, out var batch, out var error), error);
        Assert.Equal(80, batch.Services[0].Ports[0].Port);
        Assert.Empty(EventBatchValidator.Validate(batch));
    }

    [Fact]
    public void Deserialize_MissingCollections_DefaultToEmpty()
    {
        const string json = """{"version":1,"clusterId":"c","services":[{"uid":"u","namespace":"n","name":"s","resourceVersion":"1","type":"ClusterIP"}]}""";

        var batch = ModelJson.Deserialize<EventBatch>(json)!;

        Assert.Empty(batch.Services[0].Ports);
        Assert.Empty(batch.Services[0].Annotations);
        Assert.Empty(batch.Services[0].Finalizers);
        Assert.Equal("TCP", ModelJson.Deserialize<ServiceSnapshot>("""{"ports":[{"port":1}]}""")!.Ports[0].Protocol);
        Assert.Null(batch.Nodes);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"version":"one"}""")]
    [InlineData("""{"services":{}}""")]
    [InlineData("null")]
    [InlineData("")]
    public void TryDeserialize_BadJson_ReturnsReadableErrorWithoutThrowing(string json)
    {
        var ok = ModelJson.TryDeserialize<EventBatch>(json, out var batch, out var error);

        Assert.False(ok);
        Assert.Null(batch);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_TypeOutsideProtocol_Throws()
    {
        Assert.Throws<NotSupportedException>(() => ModelJson.Serialize(new Uri("http://x")));
    }
}
