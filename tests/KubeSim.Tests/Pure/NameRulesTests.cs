using System.Net.Sockets;
using KubeSim.Semantics;

namespace KubeSim.Tests.Pure;

public sealed class NameRulesTests
{
    [Theory]
    [InlineData("app", 0)]
    [InlineData("kubernetes.io/service-name", 0)]
    [InlineData("node-role.kubernetes.io/", 2)]
    [InlineData("/name", 1)]
    [InlineData("Example.com/name", 1)]
    [InlineData("a/b/c", 1)]
    [InlineData("bad key", 1)]
    [InlineData("-lead", 1)]
    [InlineData("", 2)]
    public void QualifiedName_ReportsOneMessagePerBrokenRule(string key, int errors) =>
        Assert.Equal(errors, NameRules.QualifiedName(key).Count);

    [Fact]
    public void QualifiedName_TooLongName_ReportsLengthOnly()
    {
        var errors = NameRules.QualifiedName(new string('a', 64));

        Assert.Equal(["name part must be no more than 63 characters"], errors);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("v1.2_x-y", true)]
    [InlineData("-v", false)]
    [InlineData("has space", false)]
    public void LabelValue_AllowsEmptyAndAlphanumericEnds(string value, bool valid) =>
        Assert.Equal(valid, NameRules.LabelValue(value).Count == 0);

    [Theory]
    [InlineData("key.name", 0)]
    [InlineData("KEY_NAME", 0)]
    [InlineData(".", 1)]
    [InlineData("..", 1)]
    [InlineData("..x", 1)]
    [InlineData("a b", 1)]
    public void ConfigMapKey_FollowsTheConfigKeyRules(string key, int errors) =>
        Assert.Equal(errors, NameRules.ConfigMapKey(key).Count);

    [Theory]
    [InlineData("10.244.1.5", AddressFamily.InterNetwork, "")]
    [InlineData("fd00::5", AddressFamily.InterNetworkV6, "")]
    [InlineData("127.0.0.2", AddressFamily.InterNetwork, "may not be in the loopback range (127.0.0.0/8, ::1/128)")]
    [InlineData("::1", AddressFamily.InterNetworkV6, "may not be in the loopback range (127.0.0.0/8, ::1/128)")]
    [InlineData("fe80::1", AddressFamily.InterNetworkV6, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")]
    [InlineData("224.0.0.5", AddressFamily.InterNetwork, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")]
    [InlineData("::", AddressFamily.InterNetworkV6, "may not be unspecified (::)")]
    [InlineData("fd00::5", AddressFamily.InterNetwork, "must be a valid IPv4 address")]
    public void EndpointIp_RejectsWhatEndpointSliceValidationRejects(string ip, AddressFamily family, string expected) =>
        Assert.Equal(expected, NameRules.EndpointIp(ip, family).FirstOrDefault() ?? "");

    [Theory]
    [InlineData("""{"matchLabels":{"app":"web"}}""", "app=web,tier=x", true)]
    [InlineData("""{"matchLabels":{"app":"web"}}""", "app=api", false)]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]}]}""", "tier=b", true)]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"NotIn","values":["a"]}]}""", "", true)]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"Exists"}]}""", "", false)]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"DoesNotExist"}]}""", "app=x", true)]
    public void SelectorMatches_EvaluatesMatchLabelsAndExpressions(string selector, string labels, bool expected)
    {
        var map = labels.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);

        Assert.Equal(expected, NameRules.SelectorMatches(System.Text.Json.Nodes.JsonNode.Parse(selector)!.AsObject(), map));
    }
}
