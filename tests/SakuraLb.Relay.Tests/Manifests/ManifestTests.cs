using System.Diagnostics;
using SakuraLb.Relay.Options;
using YamlDotNet.RepresentationModel;

namespace SakuraLb.Relay.Tests.Manifests;

/// <summary>The install manifests parse into typed objects and say what the relay needs.</summary>
public sealed class ManifestTests
{
    private static V1Deployment Deployment => RelayManifests.Single<V1Deployment>();

    private static V1Container Container => Assert.Single(Deployment.Spec.Template.Spec.Containers);

    [Fact]
    public void EveryManifest_ParsesIntoATypedObject()
    {
        Assert.NotEmpty(RelayManifests.ByFile);
        foreach (var (file, objects) in RelayManifests.ByFile)
        {
            var obj = Assert.Single(objects);
            Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(obj);
            Assert.False(string.IsNullOrEmpty(((IKubernetesObject<V1ObjectMeta>)obj).Metadata.Name), $"{file} has a name");
        }
    }

    [Fact]
    public void Kustomization_ListsEveryManifestExceptTheSecretTemplate()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Repository.Path("infra", "relay"), "kustomization.yaml"))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var resources = ((YamlSequenceNode)root.Children[new YamlScalarNode("resources")]).Children.Select(n => ((YamlScalarNode)n).Value).Order().ToArray();

        Assert.Equal(RelayManifests.ByFile.Keys.Where(f => f != "secret.template.yaml").Order().ToArray(), resources);
    }

    [Fact]
    public void Deployment_RunsTwoReplicasWithProbesResourcesAndALockedDownContainer()
    {
        Assert.Equal(2, Deployment.Spec.Replicas);
        var pod = Deployment.Spec.Template.Spec;
        Assert.Equal("sakuralb-relay", pod.ServiceAccountName);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);

        Assert.Equal("/healthz", Container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", Container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/healthz", Container.StartupProbe.HttpGet.Path);
        Assert.Equal(8080, Assert.Single(Container.Ports).ContainerPort);
        Assert.True(Container.Resources.Requests.ContainsKey("cpu"));
        Assert.True(Container.Resources.Requests.ContainsKey("memory"));
        Assert.True(Container.Resources.Limits.ContainsKey("memory"));

        var security = Container.SecurityContext;
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.True(security.RunAsNonRoot);
        Assert.False(security.AllowPrivilegeEscalation);
        Assert.Contains("ALL", security.Capabilities.Drop);
    }

    [Fact]
    public void Deployment_GivesThePodItsIdentityAndMountsTheSecretWhereTheRelayReadsIt()
    {
        var env = Container.Env.ToDictionary(e => e.Name);
        Assert.Equal("metadata.name", env["POD_NAME"].ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].ValueFrom.FieldRef.FieldPath);
        Assert.Equal(SecretDirectory.DefaultDirectory, env["Relay__SecretDirectory"].Value);

        var mount = Container.VolumeMounts.Single(m => m.MountPath == SecretDirectory.DefaultDirectory);
        Assert.True(mount.ReadOnlyProperty);
        var volume = Deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == mount.Name);
        Assert.Equal(RelayManifests.Single<V1Secret>().Metadata.Name, volume.Secret.SecretName);
    }

    [Fact]
    public void SecretTemplate_HoldsExactlyTheKeysTheRelayReads()
    {
        var secret = RelayManifests.Single<V1Secret>();
        Assert.Equal(SecretDirectory.Keys.Order(), secret.StringData.Keys.Order());

        // The template's keys bind to the options (the file name is the option name, case-insensitively).
        var optionNames = typeof(RelayOptions).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(secret.StringData.Keys, k => Assert.Contains(k, optionNames));
    }

    [Fact]
    public void PodDisruptionBudget_KeepsOneReplicaOfTheDeployment()
    {
        var pdb = RelayManifests.Single<V1PodDisruptionBudget>();
        Assert.Equal("1", pdb.Spec.MinAvailable.Value);
        Assert.Equal(Deployment.Spec.Selector.MatchLabels, pdb.Spec.Selector.MatchLabels);
        Assert.All(pdb.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, Deployment.Spec.Template.Metadata.Labels[l.Key]));
    }

    [Fact]
    public void LeaseRbac_CoversOnlyTheRelaysLeaseInItsNamespace()
    {
        var role = RelayManifests.Role("sakuralb-relay-leader-election");
        Assert.Equal(Deployment.Metadata.NamespaceProperty, role.Metadata.NamespaceProperty);
        Assert.All(role.Rules, r =>
        {
            Assert.Equal(["coordination.k8s.io"], r.ApiGroups);
            Assert.Equal(["leases"], r.Resources);
        });
        Assert.Equal(["sakuralb-relay"], role.Rules.Single(r => r.Verbs.Contains("update")).ResourceNames);

        var binding = RelayManifests.OfType<V1RoleBinding>().Single(b => b.RoleRef.Name == role.Metadata.Name);
        Assert.Equal("sakuralb-relay", Assert.Single(binding.Subjects).Name);
        var clusterBinding = RelayManifests.Single<V1ClusterRoleBinding>();
        Assert.Equal(RelayManifests.Single<V1ClusterRole>().Metadata.Name, clusterBinding.RoleRef.Name);
        Assert.Equal(Deployment.Metadata.NamespaceProperty, Assert.Single(clusterBinding.Subjects).NamespaceProperty);
    }

    [Fact]
    public void ResyncRbac_CoversOnlyTheResyncConfigMapInTheRelaysNamespace_WhichTheManifestsCreate()
    {
        var configMap = RelayManifests.Single<V1ConfigMap>();
        Assert.Equal(WellKnown.ClusterResyncConfigMap, configMap.Metadata.Name);
        Assert.Equal(new RelayOptions().ResyncConfigMap, configMap.Metadata.Name);
        Assert.Equal(Deployment.Metadata.NamespaceProperty, configMap.Metadata.NamespaceProperty);

        var role = RelayManifests.Role("sakuralb-relay-resync");
        Assert.Equal(Deployment.Metadata.NamespaceProperty, role.Metadata.NamespaceProperty);
        var rule = Assert.Single(role.Rules);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["configmaps"], rule.Resources);
        Assert.Equal([configMap.Metadata.Name], rule.ResourceNames);
        Assert.Equal(["list", "patch", "watch"], rule.Verbs.Order());

        var binding = RelayManifests.OfType<V1RoleBinding>().Single(b => b.RoleRef.Name == role.Metadata.Name);
        Assert.Equal("Role", binding.RoleRef.Kind);
        Assert.Equal("sakuralb-relay", Assert.Single(binding.Subjects).Name);
        Assert.Equal(Deployment.Metadata.NamespaceProperty, Assert.Single(binding.Subjects).NamespaceProperty);
    }

    [Fact]
    public void NetworkPolicy_AdmitsOnlyTheMetricsScrape_AndLetsOutOnlyDnsAndHttps()
    {
        var policy = RelayManifests.Single<V1NetworkPolicy>();

        Assert.Equal(Deployment.Spec.Selector.MatchLabels, policy.Spec.PodSelector.MatchLabels);
        Assert.Equal(["Ingress", "Egress"], policy.Spec.PolicyTypes);
        var ingress = Assert.Single(policy.Spec.Ingress);
        var metricsPort = Container.Ports.Single(p => p.Name == "http").ContainerPort;
        Assert.Equal(metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(ingress.Ports).Port.Value);
        Assert.Equal("monitoring", Assert.Single(ingress.FromProperty).NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);

        // Every egress rule names its ports: DNS, and HTTPS / the API server's port; nothing open on any port.
        Assert.All(policy.Spec.Egress, rule => Assert.NotEmpty(rule.Ports));
        var ports = policy.Spec.Egress.SelectMany(r => r.Ports).Select(p => (p.Protocol, p.Port.Value)).Order().ToArray();
        Assert.Equal([("TCP", "443"), ("TCP", "53"), ("TCP", "6443"), ("UDP", "53")], ports);
        var dns = policy.Spec.Egress.Single(r => r.Ports.Any(p => p.Port.Value == "53"));
        Assert.Equal("kube-dns", Assert.Single(dns.To).PodSelector.MatchLabels["k8s-app"]);
    }

    [Fact]
    public void Deployment_PutsTheOperatorListenerOnItsOwnPort_NotExposed()
    {
        var env = Container.Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("8080", env["Relay__HttpPort"]);
        Assert.Equal("8081", env["Relay__OperatorPort"]);
        Assert.DoesNotContain(Container.Ports, p => p.ContainerPort == 8081);
        Assert.Equal(new RelayOptions().HttpPort, Container.Ports.Single(p => p.Name == "http").ContainerPort);
        Assert.Equal(8081, new RelayOptions().OperatorPort);
    }

    [Fact]
    public async Task Kustomize_BuildsTheInstallationWithKubectl()
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", Repository.Path("infra", "relay")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await errors);
        var objects = KubernetesYaml.LoadAllFromString(await output);
        Assert.Equal(RelayManifests.ByFile.Count - 1, objects.Count);
        var deployment = objects.OfType<V1Deployment>().Single();
        Assert.Single(objects.OfType<V1NetworkPolicy>());
        Assert.StartsWith("ghcr.io/sakuralb/sakuralb-relay:", Assert.Single(deployment.Spec.Template.Spec.Containers).Image, StringComparison.Ordinal);
        Assert.All(objects.Cast<IKubernetesObject<V1ObjectMeta>>(), o => Assert.Equal("sakuralb", o.Metadata.Labels["app.kubernetes.io/part-of"]));
    }
}
