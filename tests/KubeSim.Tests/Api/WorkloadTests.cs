namespace KubeSim.Tests.Api;

/// <summary>Deployments, ConfigMaps and Pods: stored with the API server's defaults and rules, nothing runs them.</summary>
public sealed class WorkloadTests
{
    private const string Deployments = "/apis/apps/v1/namespaces/shop/deployments";
    private const string ConfigMaps = "/api/v1/namespaces/shop/configmaps";
    private const string Pods = "/api/v1/namespaces/default/pods";
    private const string Merge = "application/merge-patch+json";
    private const string Strategic = "application/strategic-merge-patch+json";

    private const string Deployment = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"selector":{"matchLabels":{"app":"web"}},
                 "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80}]}]}}},
         "status":{"replicas":5}}
        """;

    [Fact]
    public async Task Deployment_GetsDefaultsAndGeneration1_StatusIsReset()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var created = await api.PostAsync(Deployments, Deployment);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var d = created.Object;
        Assert.Equal("1", d.Str("metadata.generation"));
        Assert.Equal("1", d.Str("spec.replicas"));
        Assert.Equal("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}}""", d["spec"]!["strategy"]!.ToJsonString());
        Assert.Equal("10", d.Str("spec.revisionHistoryLimit"));
        Assert.Equal("600", d.Str("spec.progressDeadlineSeconds"));
        Assert.Equal("Always", d.Str("spec.template.spec.restartPolicy"));
        Assert.Equal("IfNotPresent", d.Str("spec.template.spec.containers.0.imagePullPolicy"));
        Assert.Equal("TCP", d.Str("spec.template.spec.containers.0.ports.0.protocol"));
        Assert.Equal("{}", d.Str("status"));
        Assert.NotNull(sim.Objects.Get("namespaces", null, "shop"));
    }

    [Fact]
    public async Task Deployment_GenerationGrowsOnSpecAndAnnotationChanges_NotOnLabelsOrStatus()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.PostAsync(Deployments, Deployment);

        var labelled = await api.PatchAsync(Deployments + "/web", """{"metadata":{"labels":{"tier":"front"}}}""", Merge);
        var annotated = await api.PatchAsync(Deployments + "/web", """{"metadata":{"annotations":{"sakura.cloud/resync":"1"}}}""", Strategic);
        var status = await api.PatchAsync(Deployments + "/web/status", """{"status":{"readyReplicas":1,"replicas":1}}""", Merge);
        var scaled = await api.PatchAsync(Deployments + "/web", """{"spec":{"replicas":3}}""", Strategic);

        Assert.Equal("1", labelled.Object.Str("metadata.generation"));
        Assert.Equal("2", annotated.Object.Str("metadata.generation"));
        Assert.Equal("2", status.Object.Str("metadata.generation"));
        Assert.Equal("1", status.Object.Str("status.readyReplicas"));
        Assert.Equal("3", scaled.Object.Str("metadata.generation"));
        Assert.Equal("1", scaled.Object.Str("status.readyReplicas"));
    }

    [Fact]
    public async Task Deployment_StrategicMergeMergesContainersByName()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.PostAsync(Deployments, Deployment);

        var r = await api.PatchAsync(Deployments + "/web",
            """{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"},{"name":"sidecar","image":"busybox"}]}}}}""", Strategic);

        var containers = r.Object["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["nginx:1.28", "busybox"], containers.Select(c => c.Str("image")));
        Assert.Equal("80", containers[0].Str("ports.0.containerPort"));
        Assert.Equal("Always", containers[1].Str("imagePullPolicy"));
    }

    [Theory]
    [InlineData("""{"metadata":{"labels":{"app":"other"}}}""", "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`")]
    [InlineData("""{"spec":{"containers":[]}}""", "spec.template.spec.containers: Required value")]
    [InlineData("""{"spec":{"containers":[{"name":"nginx"}]}}""", "spec.template.spec.containers[0].image: Required value")]
    [InlineData("""{"spec":{"restartPolicy":"Never"}}""", "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"")]
    public async Task Deployment_InvalidTemplate_Is422(string templatePatch, string expected)
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var body = JsonNode.Parse(Deployment)!.AsObject();
        var template = body["spec"]!["template"]!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(templatePatch)!.AsObject())
        {
            foreach (var (innerKey, innerValue) in value!.AsObject())
            {
                template[key]![innerKey] = innerValue?.DeepClone();
            }
        }

        var r = await api.PostAsync(Deployments, body.ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Contains(expected, r.Object.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deployment_SelectorIsImmutable()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.PostAsync(Deployments, Deployment);

        var r = await api.PatchAsync(Deployments + "/web",
            """{"spec":{"selector":{"matchLabels":{"app":"web","v":"2"}},"template":{"metadata":{"labels":{"app":"web","v":"2"}}}}}""", Merge);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Contains("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", \"v\":\"2\"}", r.Object.Str("message"), StringComparison.Ordinal);
        Assert.Contains("field is immutable", r.Object.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigMap_KeysAreValidated_AndAnImmutableOneKeepsItsData()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var badKey = await api.PostAsync(ConfigMaps, """{"metadata":{"name":"bad"},"data":{"no spaces":"x"}}""");
        var shared = await api.PostAsync(ConfigMaps, """{"metadata":{"name":"bad"},"data":{"a":"x"},"binaryData":{"a":"eA=="}}""");
        var notBase64 = await api.PostAsync(ConfigMaps, """{"metadata":{"name":"bad"},"binaryData":{"a":"%%%"}}""");
        var created = await api.PostAsync(ConfigMaps, """{"metadata":{"name":"cfg"},"data":{"mode":"fast"},"binaryData":{"blob":"AAE="},"immutable":true}""");
        var changed = await api.PatchAsync(ConfigMaps + "/cfg", """{"data":{"mode":"slow"}}""", Merge);
        var unlocked = await api.PatchAsync(ConfigMaps + "/cfg", """{"immutable":false}""", Merge);
        var annotated = await api.PatchAsync(ConfigMaps + "/cfg", """{"metadata":{"annotations":{"note":"ok"}}}""", Merge);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, badKey.Status);
        Assert.Contains("data[no spaces]: Invalid value: \"no spaces\": a valid config key must consist of alphanumeric characters", badKey.Object.Str("message"), StringComparison.Ordinal);
        Assert.Contains("duplicate of key present in data", shared.Object.Str("message"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notBase64.Status);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.Status);
        Assert.Contains("data: Forbidden: field is immutable when `immutable` is set", changed.Object.Str("message"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unlocked.Status);
        Assert.Equal(HttpStatusCode.OK, annotated.Status);
        Assert.Equal("fast", annotated.Object.Str("data.mode"));
        Assert.Equal("", annotated.Object.Str("metadata.generation"));
    }

    [Fact]
    public async Task Pods_AreDefaultedPending_SelectableByNodeAndPhase_AndTheirSpecIsMostlyImmutable()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        const string Pod = """{"metadata":{"name":"NAME"},"spec":{"nodeName":"NODE","containers":[{"name":"app","image":"nginx"}]}}""";

        var created = await api.PostAsync(Pods, Pod.Replace("NAME", "a", StringComparison.Ordinal).Replace("NODE", "node-1", StringComparison.Ordinal));
        await api.PostAsync(Pods, Pod.Replace("NAME", "b", StringComparison.Ordinal).Replace("NODE", "node-2", StringComparison.Ordinal));
        await api.PatchAsync(Pods + "/b/status", """{"status":{"phase":"Succeeded"}}""", Merge);
        var onNode1 = (await api.GetAsync("/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1,status.phase!%3DSucceeded,status.phase!%3DFailed")).Object;
        var running = (await api.GetAsync("/api/v1/pods?fieldSelector=status.phase%21%3DSucceeded")).Object;
        var newImage = await api.PatchAsync(Pods + "/a", """{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}""", Strategic);
        var moved = await api.PatchAsync(Pods + "/a", """{"spec":{"nodeName":"node-2"}}""", Merge);
        var deleted = await api.DeleteAsync(Pods + "/a");

        Assert.Equal("Pending", created.Object.Str("status.phase"));
        Assert.Equal("BestEffort", created.Object.Str("status.qosClass"));
        Assert.Equal("Always", created.Object.Str("spec.containers.0.imagePullPolicy"));
        Assert.Equal("true", created.Object.Str("spec.enableServiceLinks"));
        Assert.Equal(["a"], onNode1["items"]!.AsArray().Select(i => i.Str("metadata.name")));
        Assert.Equal(["a"], running["items"]!.AsArray().Select(i => i.Str("metadata.name")));
        Assert.Equal(HttpStatusCode.OK, newImage.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, moved.Status);
        Assert.Contains("spec: Forbidden: pod updates may not change fields other than", moved.Object.Str("message"), StringComparison.Ordinal);
        Assert.Equal("Pod", deleted.Object.Str("kind"));
        Assert.Null(sim.Objects.Get("pods", "default", "a"));
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"x","labels":{"bad key":"v"}}}""", "metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters")]
    [InlineData("""{"metadata":{"name":"x","labels":{"k":"-v"}}}""", "metadata.labels: Invalid value: \"-v\": a valid label must be an empty string")]
    [InlineData("""{"metadata":{"name":"x","annotations":{"/x":"v"}}}""", "metadata.annotations: Invalid value: \"/x\": prefix part must be non-empty")]
    public async Task InvalidLabelsAndAnnotations_Are422OnEveryResource(string body, string expected)
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var r = await api.PostAsync(ConfigMaps, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Contains(expected, r.Object.Str("message"), StringComparison.Ordinal);
    }
}
