using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using KubeSim.Storage;

namespace KubeSim.Protobuf;

/// <summary>
/// Reads Kubernetes protobuf request bodies (<c>application/vnd.kubernetes.protobuf</c>) for the kinds
/// kubectl's typed clients create: Service (<c>kubectl create service</c>, <c>expose</c>), Namespace
/// (<c>kubectl create namespace</c>), ConfigMap (<c>kubectl create configmap</c>) and Deployment
/// (<c>kubectl create deployment</c>). The body is the "k8s\0" magic plus a runtime.Unknown envelope whose
/// raw bytes are the object; fields are mapped to JSON by the field numbers of k8s.io/api's
/// generated.proto. Fields outside this table are skipped.
/// </summary>
internal static class KubeProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    private enum Kind
    {
        String,
        Int,
        Bool,
        Message,
        StringMap,
        Time,
        IntOrString,

        /// <summary>map&lt;string, bytes&gt;: the values become base64, as []byte does in JSON.</summary>
        BytesMap,

        /// <summary>map&lt;string, Quantity&gt; (resource limits and requests): a Quantity is a message with one string.</summary>
        QuantityMap,
    }

    /// <summary>The kinds a request body may carry (each a message of the table below).</summary>
    private static readonly string[] TopLevelKinds = ["Service", "Namespace", "ConfigMap", "Deployment"];

    // Pointer: a Go pointer field, where an explicit zero (false, 0) is a value and not "unset".
    private sealed record Field(string Name, Kind Kind, bool Repeated = false, string? Message = null, bool Pointer = false);

    private static readonly Dictionary<string, Dictionary<int, Field>> Messages = new(StringComparer.Ordinal)
    {
        ["ObjectMeta"] = new()
        {
            [1] = new("name", Kind.String),
            [2] = new("generateName", Kind.String),
            [3] = new("namespace", Kind.String),
            [5] = new("uid", Kind.String),
            [6] = new("resourceVersion", Kind.String),
            [7] = new("generation", Kind.Int),
            [8] = new("creationTimestamp", Kind.Time),
            [9] = new("deletionTimestamp", Kind.Time),
            [10] = new("deletionGracePeriodSeconds", Kind.Int, Pointer: true),
            [11] = new("labels", Kind.StringMap),
            [12] = new("annotations", Kind.StringMap),
            [14] = new("finalizers", Kind.String, Repeated: true),
        },
        ["Service"] = new()
        {
            [1] = new("metadata", Kind.Message, Message: "ObjectMeta"),
            [2] = new("spec", Kind.Message, Message: "ServiceSpec"),
        },
        ["ServiceSpec"] = new()
        {
            [1] = new("ports", Kind.Message, Repeated: true, Message: "ServicePort"),
            [2] = new("selector", Kind.StringMap),
            [3] = new("clusterIP", Kind.String),
            [4] = new("type", Kind.String),
            [5] = new("externalIPs", Kind.String, Repeated: true),
            [7] = new("sessionAffinity", Kind.String),
            [8] = new("loadBalancerIP", Kind.String),
            [9] = new("loadBalancerSourceRanges", Kind.String, Repeated: true),
            [10] = new("externalName", Kind.String),
            [11] = new("externalTrafficPolicy", Kind.String),
            [12] = new("healthCheckNodePort", Kind.Int),
            [13] = new("publishNotReadyAddresses", Kind.Bool),
            [17] = new("ipFamilyPolicy", Kind.String),
            [18] = new("clusterIPs", Kind.String, Repeated: true),
            [19] = new("ipFamilies", Kind.String, Repeated: true),
            [20] = new("allocateLoadBalancerNodePorts", Kind.Bool, Pointer: true),
            [21] = new("loadBalancerClass", Kind.String),
            [22] = new("internalTrafficPolicy", Kind.String),
        },
        ["ServicePort"] = new()
        {
            [1] = new("name", Kind.String),
            [2] = new("protocol", Kind.String),
            [3] = new("port", Kind.Int),
            [4] = new("targetPort", Kind.IntOrString),
            [5] = new("nodePort", Kind.Int),
            [6] = new("appProtocol", Kind.String),
        },
        ["Namespace"] = new()
        {
            [1] = new("metadata", Kind.Message, Message: "ObjectMeta"),
            [2] = new("spec", Kind.Message, Message: "NamespaceSpec"),
        },
        ["NamespaceSpec"] = new()
        {
            [1] = new("finalizers", Kind.String, Repeated: true),
        },
        ["ConfigMap"] = new()
        {
            [1] = new("metadata", Kind.Message, Message: "ObjectMeta"),
            [2] = new("data", Kind.StringMap),
            [3] = new("binaryData", Kind.BytesMap),
            [4] = new("immutable", Kind.Bool, Pointer: true),
        },
        ["Deployment"] = new()
        {
            [1] = new("metadata", Kind.Message, Message: "ObjectMeta"),
            [2] = new("spec", Kind.Message, Message: "DeploymentSpec"),
        },
        ["DeploymentSpec"] = new()
        {
            [1] = new("replicas", Kind.Int, Pointer: true),
            [2] = new("selector", Kind.Message, Message: "LabelSelector"),
            [3] = new("template", Kind.Message, Message: "PodTemplateSpec"),
            [4] = new("strategy", Kind.Message, Message: "DeploymentStrategy"),
            [5] = new("minReadySeconds", Kind.Int),
            [6] = new("revisionHistoryLimit", Kind.Int, Pointer: true),
            [7] = new("paused", Kind.Bool),
            [9] = new("progressDeadlineSeconds", Kind.Int, Pointer: true),
        },
        ["DeploymentStrategy"] = new()
        {
            [1] = new("type", Kind.String),
            [2] = new("rollingUpdate", Kind.Message, Message: "RollingUpdateDeployment"),
        },
        ["RollingUpdateDeployment"] = new()
        {
            [1] = new("maxUnavailable", Kind.IntOrString),
            [2] = new("maxSurge", Kind.IntOrString),
        },
        ["LabelSelector"] = new()
        {
            [1] = new("matchLabels", Kind.StringMap),
            [2] = new("matchExpressions", Kind.Message, Repeated: true, Message: "LabelSelectorRequirement"),
        },
        ["LabelSelectorRequirement"] = new()
        {
            [1] = new("key", Kind.String),
            [2] = new("operator", Kind.String),
            [3] = new("values", Kind.String, Repeated: true),
        },
        ["PodTemplateSpec"] = new()
        {
            [1] = new("metadata", Kind.Message, Message: "ObjectMeta"),
            [2] = new("spec", Kind.Message, Message: "PodSpec"),
        },
        ["PodSpec"] = new()
        {
            [2] = new("containers", Kind.Message, Repeated: true, Message: "Container"),
            [3] = new("restartPolicy", Kind.String),
            [4] = new("terminationGracePeriodSeconds", Kind.Int, Pointer: true),
            [6] = new("dnsPolicy", Kind.String),
            [7] = new("nodeSelector", Kind.StringMap),
            [8] = new("serviceAccountName", Kind.String),
            [10] = new("nodeName", Kind.String),
            [11] = new("hostNetwork", Kind.Bool),
            [19] = new("schedulerName", Kind.String),
            [20] = new("initContainers", Kind.Message, Repeated: true, Message: "Container"),
        },
        ["Container"] = new()
        {
            [1] = new("name", Kind.String),
            [2] = new("image", Kind.String),
            [3] = new("command", Kind.String, Repeated: true),
            [4] = new("args", Kind.String, Repeated: true),
            [5] = new("workingDir", Kind.String),
            [6] = new("ports", Kind.Message, Repeated: true, Message: "ContainerPort"),
            [7] = new("env", Kind.Message, Repeated: true, Message: "EnvVar"),
            [8] = new("resources", Kind.Message, Message: "ResourceRequirements"),
            [13] = new("terminationMessagePath", Kind.String),
            [14] = new("imagePullPolicy", Kind.String),
            [20] = new("terminationMessagePolicy", Kind.String),
        },
        ["ContainerPort"] = new()
        {
            [1] = new("name", Kind.String),
            [2] = new("hostPort", Kind.Int),
            [3] = new("containerPort", Kind.Int),
            [4] = new("protocol", Kind.String),
            [5] = new("hostIP", Kind.String),
        },
        ["EnvVar"] = new()
        {
            [1] = new("name", Kind.String),
            [2] = new("value", Kind.String),
        },
        ["ResourceRequirements"] = new()
        {
            [1] = new("limits", Kind.QuantityMap),
            [2] = new("requests", Kind.QuantityMap),
        },
    };

    /// <summary>Decodes a protobuf request body into the JSON object a JSON client would have sent.</summary>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < Magic.Length || !body[..Magic.Length].SequenceEqual(Magic))
        {
            throw KubeApiException.BadRequest("protobuf body does not start with the Kubernetes magic prefix");
        }

        var envelope = new Reader(body[Magic.Length..].ToArray());
        string apiVersion = "", kind = "";
        byte[]? raw = null;
        while (envelope.TryReadTag(out var number, out var wire))
        {
            switch (number)
            {
                case 1:
                    var typeMeta = new Reader(envelope.ReadBytes());
                    while (typeMeta.TryReadTag(out var n, out var w))
                    {
                        if (n == 1)
                        {
                            apiVersion = typeMeta.ReadString();
                        }
                        else if (n == 2)
                        {
                            kind = typeMeta.ReadString();
                        }
                        else
                        {
                            typeMeta.Skip(w);
                        }
                    }

                    break;
                case 2:
                    raw = envelope.ReadBytes();
                    break;
                default:
                    envelope.Skip(wire);
                    break;
            }
        }

        if (!TopLevelKinds.Contains(kind))
        {
            throw new KubeApiException(415, "UnsupportedMediaType",
                $"protobuf bodies are only understood for {string.Join(", ", TopLevelKinds)} (got {apiVersion} {kind}); send application/json");
        }

        var obj = DecodeMessage(new Reader(raw ?? []), kind);
        var result = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
        foreach (var (k, v) in obj)
        {
            result[k] = v?.DeepClone();
        }

        return result;
    }

    private static JsonObject DecodeMessage(Reader reader, string message)
    {
        var fields = Messages[message];
        var obj = new JsonObject();
        while (reader.TryReadTag(out var number, out var wire))
        {
            if (!fields.TryGetValue(number, out var field))
            {
                reader.Skip(wire);
                continue;
            }

            JsonNode? value = field.Kind switch
            {
                Kind.String => reader.ReadString(),
                Kind.Int => reader.ReadVarint(),
                Kind.Bool => reader.ReadVarint() != 0,
                Kind.Message => DecodeMessage(new Reader(reader.ReadBytes()), field.Message!),
                Kind.Time => DecodeTime(new Reader(reader.ReadBytes())),
                Kind.IntOrString => DecodeIntOrString(new Reader(reader.ReadBytes())),
                _ => null,
            };

            if (field.Kind is Kind.StringMap or Kind.BytesMap or Kind.QuantityMap)
            {
                var (key, mapValue) = DecodeMapEntry(new Reader(reader.ReadBytes()), field.Kind);
                var map = obj[field.Name] as JsonObject ?? new JsonObject();
                map[key] = mapValue;
                obj[field.Name] = map;
            }
            else if (field.Repeated)
            {
                var list = obj[field.Name] as JsonArray ?? new JsonArray();
                list.Add(value);
                obj[field.Name] = list;
            }
            else if (value is not null && (field.Pointer || !IsGoZeroValue(value, field.Kind)))
            {
                // Go writes non-pointer scalars even when unset; JSON (omitempty) would leave them out.
                obj[field.Name] = value;
            }
        }

        return obj;
    }

    private static bool IsGoZeroValue(JsonNode value, Kind kind) => kind switch
    {
        Kind.String => value.GetValue<string>().Length == 0,
        Kind.Int => value.GetValue<long>() == 0,
        Kind.Bool => !value.GetValue<bool>(),
        _ => false,
    };

    private static (string Key, string Value) DecodeMapEntry(Reader reader, Kind kind)
    {
        string key = "", value = "";
        while (reader.TryReadTag(out var n, out var w))
        {
            switch (n)
            {
                case 1:
                    key = reader.ReadString();
                    break;
                case 2:
                    value = kind switch
                    {
                        Kind.BytesMap => Convert.ToBase64String(reader.ReadBytes()),
                        Kind.QuantityMap => DecodeQuantity(new Reader(reader.ReadBytes())),
                        _ => reader.ReadString(),
                    };
                    break;
                default:
                    reader.Skip(w);
                    break;
            }
        }

        return (key, value);
    }

    private static string DecodeQuantity(Reader reader)
    {
        var text = "";
        while (reader.TryReadTag(out var n, out var w))
        {
            if (n == 1)
            {
                text = reader.ReadString();
            }
            else
            {
                reader.Skip(w);
            }
        }

        return text;
    }

    private static JsonNode? DecodeTime(Reader reader)
    {
        long seconds = 0;
        while (reader.TryReadTag(out var n, out var w))
        {
            if (n == 1)
            {
                seconds = reader.ReadVarint();
            }
            else
            {
                reader.Skip(w);
            }
        }

        // A zero Time is how Go encodes "unset"; JSON clients send null.
        return seconds == 0 ? null : ObjectStore.Timestamp(DateTimeOffset.FromUnixTimeSeconds(seconds));
    }

    private static JsonNode DecodeIntOrString(Reader reader)
    {
        long type = 0, intVal = 0;
        var strVal = "";
        while (reader.TryReadTag(out var n, out var w))
        {
            switch (n)
            {
                case 1:
                    type = reader.ReadVarint();
                    break;
                case 2:
                    intVal = reader.ReadVarint();
                    break;
                case 3:
                    strVal = reader.ReadString();
                    break;
                default:
                    reader.Skip(w);
                    break;
            }
        }

        return type == 1 ? JsonValue.Create(strVal) : JsonValue.Create(intVal);
    }

    private sealed class Reader
    {
        private readonly byte[] data;
        private int pos;

        public Reader(byte[] data) => this.data = data;

        public bool TryReadTag(out int number, out int wireType)
        {
            if (pos >= data.Length)
            {
                number = 0;
                wireType = 0;
                return false;
            }

            var tag = ReadVarint();
            number = (int)(tag >> 3);
            wireType = (int)(tag & 7);
            return true;
        }

        public long ReadVarint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (pos >= data.Length)
                {
                    throw KubeApiException.BadRequest("truncated protobuf body");
                }

                var b = data[pos++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return (long)result;
                }
            }

            throw KubeApiException.BadRequest("malformed protobuf varint");
        }

        public byte[] ReadBytes()
        {
            var length = (int)ReadVarint();
            if (length < 0 || pos + length > data.Length)
            {
                throw KubeApiException.BadRequest("truncated protobuf body");
            }

            var bytes = data.AsSpan(pos, length).ToArray();
            pos += length;
            return bytes;
        }

        public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0:
                    ReadVarint();
                    break;
                case 1:
                    pos += 8;
                    break;
                case 2:
                    ReadBytes();
                    break;
                case 5:
                    pos += 4;
                    break;
                default:
                    throw KubeApiException.BadRequest(string.Create(CultureInfo.InvariantCulture, $"unsupported protobuf wire type {wireType}"));
            }
        }
    }
}
