using System.Text.RegularExpressions;
using SakuraLb.Infra.Tests.Support;
using SakuraLb.Testing;

namespace SakuraLb.Infra.Tests;

/// <summary>
/// Every image the repository builds from or deploys is named by digest: the Dockerfiles' base images (through
/// their ARG defaults) and the images of the manifests in infra/ (directly, or through a kustomization's
/// <c>images:</c> entry). A tag alone can be pushed again and would change what the same commit runs.
/// </summary>
public sealed class ImageReferenceTests
{
    private const string Digest = "sha256:48e51f2f6798897be7ac4e775c049ed8fe60d3190f637e1f9c9dc7513efa659c";

    public static TheoryData<string, bool> References => new()
    {
        { "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled@" + Digest, true },
        { "mcr.microsoft.com/dotnet/aspnet@" + Digest, true },
        { "ghcr.io/sakuralb/sakuralb-relay:0.1.0@" + Digest, true },
        { "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled", false },
        { "mcr.microsoft.com/dotnet/aspnet", false },
        { "mcr.microsoft.com/dotnet/aspnet:latest", false },
        { "mcr.microsoft.com/dotnet/aspnet@sha256:48e51f2f", false },
        { "mcr.microsoft.com/dotnet/aspnet@sha512:" + new string('a', 128), false },
        { "${RUNTIME_IMAGE}", false },
    };

    [Theory]
    [MemberData(nameof(References))]
    public void IsPinned_OnlyAFullSha256Digest(string reference, bool pinned)
    {
        Assert.Equal(pinned, ImageReferences.IsPinned(reference));
    }

    [Fact]
    public void DockerfileBaseImages_SubstituteArgDefaults_AndSkipEarlierStages()
    {
        const string dockerfile = """
            ARG SDK=mcr.microsoft.com/dotnet/sdk:10.0@sha256:1111111111111111111111111111111111111111111111111111111111111111
            ARG RUNTIME
            FROM ${SDK} AS build
            FROM build AS test
            FROM --platform=linux/amd64 $RUNTIME AS runtime
            FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
            """;

        var images = ImageReferences.DockerfileBaseImages(dockerfile).Select(i => i.Image).ToList();

        Assert.Equal(
            ["mcr.microsoft.com/dotnet/sdk:10.0@sha256:1111111111111111111111111111111111111111111111111111111111111111", "$RUNTIME", "mcr.microsoft.com/dotnet/runtime-deps:10.0"],
            images);
        Assert.Equal([true, false, false], images.Select(ImageReferences.IsPinned));
    }

    [Fact]
    public void KustomizeImages_ComposeNameTagAndDigest()
    {
        const string kustomization = """
            resources:
              - deployment.yaml
            images:
              # the relay
              - name: relay
                newName: registry.example.com/relay
                newTag: "1.2.3"
                digest: sha256:2222222222222222222222222222222222222222222222222222222222222222
              - name: tagged
                newTag: "1.0"
            labels: []
            """;

        Assert.Equal(
            [("relay", "registry.example.com/relay:1.2.3@sha256:2222222222222222222222222222222222222222222222222222222222222222"), ("tagged", "tagged:1.0")],
            ImageReferences.KustomizeImages(kustomization));
    }

    public static TheoryData<string> Dockerfiles => [.. RepositoryFiles(Repository.Root, IsDockerfile)];

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_PullsEveryBaseImageByDigest(string path)
    {
        var images = ImageReferences.DockerfileBaseImages(Repository.Read(path));

        Assert.NotEmpty(images);
        Assert.All(images, i => Assert.True(ImageReferences.IsPinned(i.Image), $"{path}:{i.Line} pulls {i.Image}, which is not name@sha256:<digest>"));
    }

    [Fact]
    public void Repository_HasTheRelayDockerfile()
    {
        Assert.Contains("relay/Dockerfile", RepositoryFiles(Repository.Root, IsDockerfile));
    }

    [Fact]
    public void RelayDockerfile_LeavesThePortsToTheRelaysOwnSettings()
    {
        // The relay binds Relay__HttpPort and Relay__OperatorPort itself; an ASPNETCORE_* port variable in the image
        // would only mislead (and make Kestrel warn that it is overridden).
        var dockerfile = Repository.Read("relay/Dockerfile");

        Assert.DoesNotMatch(new Regex(@"ASPNETCORE_(HTTP_PORTS|HTTPS_PORTS|URLS)"), dockerfile);
    }

    [Fact]
    public void InfraManifests_NameEveryImageByDigest()
    {
        var kustomized = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kustomization in RepositoryFiles(Repository.Path("infra"), p => Path.GetFileName(p) is "kustomization.yaml" or "kustomization.yml"))
        {
            foreach (var (name, reference) in ImageReferences.KustomizeImages(Repository.Read(Path.Combine("infra", kustomization))))
            {
                Assert.True(ImageReferences.IsPinned(reference), $"infra/{kustomization}: images entry {name} becomes {reference}, which is not name@sha256:<digest>");
                kustomized[name] = reference;
            }
        }

        var manifests = RepositoryFiles(Repository.Path("infra"), p => p.EndsWith(".yaml", StringComparison.Ordinal) || p.EndsWith(".yml", StringComparison.Ordinal));
        var images = manifests.SelectMany(m => ImageReferences.ManifestImages(Repository.Read(Path.Combine("infra", m))).Select(i => (Manifest: m, Image: i))).ToList();

        Assert.NotEmpty(images);
        Assert.All(images, i => Assert.True(
            ImageReferences.IsPinned(i.Image) || kustomized.ContainsKey(i.Image),
            $"infra/{i.Manifest}: image {i.Image} is neither name@sha256:<digest> nor replaced by a pinned kustomization images entry"));
    }

    [Fact]
    public void InfraTemplates_NameEveryContainerImageByDigest()
    {
        // A Functions host on a custom container would say DOCKER|<image> in linuxFxVersion.
        var templates = RepositoryFiles(Repository.Path("infra"), p => p.EndsWith(".bicep", StringComparison.Ordinal) || p.EndsWith(".bicepparam", StringComparison.Ordinal));
        var images = templates.SelectMany(t => Regex.Matches(Repository.Read(Path.Combine("infra", t)), @"DOCKER\|(?<image>[^'""\s]+)").Select(m => (Template: t, Image: m.Groups["image"].Value)));

        Assert.All(images, i => Assert.True(ImageReferences.IsPinned(i.Image), $"infra/{i.Template}: DOCKER|{i.Image} is not name@sha256:<digest>"));
    }

    private static bool IsDockerfile(string path)
    {
        var name = Path.GetFileName(path);
        return !name.EndsWith(".dockerignore", StringComparison.Ordinal)
            && (name == "Dockerfile" || name.StartsWith("Dockerfile.", StringComparison.Ordinal) || name.EndsWith(".Dockerfile", StringComparison.Ordinal));
    }

    /// <summary>Files below <paramref name="root"/> (relative, with '/'), outside build output, tools and VCS folders.</summary>
    private static List<string> RepositoryFiles(string root, Func<string, bool> include)
    {
        string[] skipped = ["bin", "obj", ".git", ".tools", "node_modules", "TestResults"];
        return [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => skipped.Contains(part)))
            .Where(include)
            .Order(StringComparer.Ordinal)];
    }
}
