using KubeSim.Api;

namespace KubeSim.Tests.Pure;

public sealed class RequestInfoTests
{
    [Theory]
    [InlineData("GET", "/api/v1/services", "", "list", "", "", "services", "", "")]
    [InlineData("GET", "/api/v1/services", "watch=true", "watch", "", "", "services", "", "")]
    [InlineData("GET", "/api/v1/namespaces/default/services/web", "", "get", "", "default", "services", "", "web")]
    [InlineData("GET", "/api/v1/namespaces/default/services/web", "watch=1", "watch", "", "default", "services", "", "web")]
    [InlineData("PATCH", "/api/v1/namespaces/default/services/web/status", "", "patch", "", "default", "services", "status", "web")]
    [InlineData("PUT", "/api/v1/nodes/n1/status", "", "update", "", "", "nodes", "status", "n1")]
    [InlineData("POST", "/apis/events.k8s.io/v1/namespaces/kube-system/events", "", "create", "events.k8s.io", "kube-system", "events", "", "")]
    [InlineData("PUT", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/relay", "", "update", "coordination.k8s.io", "kube-system", "leases", "", "relay")]
    [InlineData("DELETE", "/api/v1/namespaces/default/services/web", "", "delete", "", "default", "services", "", "web")]
    [InlineData("DELETE", "/api/v1/namespaces/default/services", "", "deletecollection", "", "default", "services", "", "")]
    [InlineData("GET", "/api/v1/namespaces/default", "", "get", "", "default", "namespaces", "", "default")]
    [InlineData("GET", "/api/v1/namespaces", "", "list", "", "", "namespaces", "", "")]
    [InlineData("GET", "/api/v1/watch/namespaces/default/services", "", "watch", "", "default", "services", "", "")]
    public void Parse_ResourcePaths_GiveVerbAndResource(string method, string path, string query, string verb, string group, string ns, string resource, string sub, string name)
    {
        var q = query.Length == 0 ? new Dictionary<string, string>() : query.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var info = KubeRequestInfo.Parse(method, path, k => q.GetValueOrDefault(k));
        Assert.True(info.IsResourceRequest);
        Assert.Equal((verb, group, ns, resource, sub, name), (info.Verb, info.ApiGroup, info.Namespace, info.Resource, info.Subresource, info.Name));
    }

    [Theory]
    [InlineData("", "list", "metadata.name=sakuralb-resync", "sakuralb-resync")]
    [InlineData("watch=true", "watch", "metadata.name==sakuralb-resync", "sakuralb-resync")]
    [InlineData("watch=true", "watch", "type=Opaque,metadata.name=cm", "cm")]
    [InlineData("", "list", "metadata.name!=cm", "")]
    [InlineData("", "list", "metadata.namespace=default", "")]
    [InlineData("", "list", "metadata.name=", "")]
    public void Parse_ListOrWatchOfOneName_NamesTheObject_AsKubeApiserverDoesForRbac(string query, string verb, string fieldSelector, string name)
    {
        var info = KubeRequestInfo.Parse("GET", "/api/v1/namespaces/sakuralb-system/configmaps", k => k switch
        {
            "fieldSelector" => fieldSelector,
            "watch" when query.Length > 0 => "true",
            _ => null,
        });
        Assert.Equal((verb, "configmaps", name), (info.Verb, info.Resource, info.Name));
    }

    [Theory]
    [InlineData("/api")]
    [InlineData("/api/v1")]
    [InlineData("/apis")]
    [InlineData("/apis/events.k8s.io/v1")]
    [InlineData("/version")]
    [InlineData("/openapi/v3")]
    public void Parse_DiscoveryPaths_AreNotResourceRequests(string path) =>
        Assert.False(KubeRequestInfo.Parse("GET", path, _ => null).IsResourceRequest);
}
