using System.Text;
using KubeSim.Protobuf;

namespace KubeSim.Tests.Pure;

public sealed class ProtobufTests
{
    // Minimal protobuf writer: enough to build the bodies kubectl's typed client sends.
    private static byte[] Field(int number, byte[] payload) => [.. Varint((ulong)(number << 3 | 2)), .. Varint((ulong)payload.Length), .. payload];

    private static byte[] Field(int number, string text) => Field(number, Encoding.UTF8.GetBytes(text));

    private static byte[] Field(int number, long value) => [.. Varint((ulong)(number << 3)), .. Varint((ulong)value)];

    private static byte[] Varint(ulong v)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(v & 0x7F);
            v >>= 7;
            bytes.Add(v == 0 ? b : (byte)(b | 0x80));
        }
        while (v != 0);
        return [.. bytes];
    }

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        [.. "k8s\0"u8.ToArray(), .. Field(1, [.. Field(1, apiVersion), .. Field(2, kind)]), .. Field(2, raw)];

    [Fact]
    public void Decode_ServiceFromKubectlCreateService_MapsFieldsAndDropsGoZeroValues()
    {
        byte[] metadata = [.. Field(1, "lb"), .. Field(11, [.. Field(1, "app"), .. Field(2, "lb")]), .. Field(8, Array.Empty<byte>())];
        byte[] port = [.. Field(1, "80-8080"), .. Field(2, "TCP"), .. Field(3, 80), .. Field(4, [.. Field(1, 0), .. Field(2, 8080), .. Field(3, "")]), .. Field(5, 0)];
        byte[] spec = [.. Field(1, port), .. Field(2, [.. Field(1, "app"), .. Field(2, "lb")]), .. Field(3, ""), .. Field(4, "LoadBalancer"), .. Field(13, 0), .. Field(20, 0)];
        byte[] service = [.. Field(1, metadata), .. Field(2, spec), .. Field(3, Array.Empty<byte>())];

        var json = KubeProtobuf.Decode(Envelope("v1", "Service", service));

        Assert.Equal(
            """{"kind":"Service","apiVersion":"v1","metadata":{"name":"lb","labels":{"app":"lb"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080}],"selector":{"app":"lb"},"type":"LoadBalancer","allocateLoadBalancerNodePorts":false}}""",
            json.ToJsonString());
    }

    [Fact]
    public void Decode_NamedTargetPort_BecomesString()
    {
        byte[] port = [.. Field(3, 80), .. Field(4, [.. Field(1, 1), .. Field(3, "http")])];
        var json = KubeProtobuf.Decode(Envelope("v1", "Service", Field(2, Field(1, port))));

        Assert.Equal("http", json.Str("spec.ports.0.targetPort"));
    }

    [Fact]
    public void Decode_ConfigMap_BinaryDataBecomesBase64_AndAnExplicitFalseImmutableIsKept()
    {
        byte[] configMap =
        [
            .. Field(1, Field(1, "cfg")),
            .. Field(2, [.. Field(1, "mode"), .. Field(2, "fast")]),
            .. Field(3, [.. Field(1, "blob"), .. Field(2, new byte[] { 0xff, 0xfe, 0x00 })]),
            .. Field(4, 0),
        ];

        var json = KubeProtobuf.Decode(Envelope("v1", "ConfigMap", configMap));

        Assert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cfg"},"data":{"mode":"fast"},"binaryData":{"blob":"//4A"},"immutable":false}""", json.ToJsonString());
    }

    [Fact]
    public void Decode_DeploymentFromKubectlCreateDeployment_MapsTemplateContainersAndResources()
    {
        byte[] labels = Field(11, [.. Field(1, "app"), .. Field(2, "web")]);
        byte[] container = [.. Field(1, "nginx"), .. Field(2, "nginx:1.27"), .. Field(6, Field(3, 80)), .. Field(8, [.. Field(1, [.. Field(1, "cpu"), .. Field(2, Field(1, "500m"))])])];
        byte[] template = [.. Field(1, labels), .. Field(2, Field(2, container))];
        byte[] spec = [.. Field(1, 2), .. Field(2, Field(1, [.. Field(1, "app"), .. Field(2, "web")])), .. Field(3, template), .. Field(4, Array.Empty<byte>())];
        byte[] deployment = [.. Field(1, [.. Field(1, "web"), .. labels]), .. Field(2, spec)];

        var json = KubeProtobuf.Decode(Envelope("apps/v1", "Deployment", deployment));

        Assert.Equal(
            """{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80}],"resources":{"limits":{"cpu":"500m"}}}]}},"strategy":{}}""",
            json["spec"]!.ToJsonString());
    }

    [Fact]
    public void Decode_OtherKind_Is415()
    {
        var e = Assert.Throws<KubeApiException>(() => KubeProtobuf.Decode(Envelope("v1", "Secret", [])));
        Assert.Equal(415, e.StatusCode);
    }

    [Fact]
    public void Decode_WithoutMagic_Is400()
    {
        var e = Assert.Throws<KubeApiException>(() => KubeProtobuf.Decode([1, 2, 3, 4, 5]));
        Assert.Equal(400, e.StatusCode);
    }
}
