using SakuraLb.Reconcile.Annotations;
using SakuraLb.Testing;

namespace SakuraLb.Reconcile.Tests.Annotations;

public sealed class AnnotationDocsTests
{
    private static List<string[]> TableRows(string markdown, string header)
    {
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.IndexOf(header);
        Assert.True(start >= 0, $"docs/annotations.md has no table with the header \"{header}\"");
        return lines
            .Skip(start + 2)
            .TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .ToList();
    }

    [Fact]
    public void AnnotationsDoc_Table_MatchesCatalogue()
    {
        var doc = Repository.Read("docs/annotations.md");

        var rows = TableRows(doc, AnnotationDocs.AnnotationHeader);

        var expected = LoadBalancerAnnotations.All
            .Select(a => new[] { $"`{a.Key}`", a.Type, a.Default, a.Example, a.Description })
            .ToList();
        Assert.True(
            expected.Count == rows.Count && expected.Zip(rows).All(p => p.First.SequenceEqual(p.Second)),
            "docs/annotations.md is out of date; replace its annotation table with:\n" + AnnotationDocs.AnnotationTable());
    }

    [Fact]
    public void AnnotationsDoc_ReasonTable_MatchesReasonCodes()
    {
        var doc = Repository.Read("docs/annotations.md");

        var rows = TableRows(doc, AnnotationDocs.ReasonHeader);

        var expected = ReasonCodes.All.Select(r => new[] { $"`{r.Code}`", r.Severity.ToString(), r.Meaning, r.Action }).ToList();
        Assert.True(
            expected.Count == rows.Count && expected.Zip(rows).All(p => p.First.SequenceEqual(p.Second)),
            "docs/annotations.md is out of date; replace its reason table with:\n" + AnnotationDocs.ReasonTable());
    }

    [Fact]
    public void Catalogue_KeysAreUniqueUnderOurPrefix_AndFullyDescribed()
    {
        var keys = LoadBalancerAnnotations.All.Select(a => a.Key).ToList();

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(LoadBalancerAnnotations.All, a =>
        {
            Assert.StartsWith("k8s.usacloud.jp/", a.Key, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(a.Type));
            Assert.False(string.IsNullOrWhiteSpace(a.Default));
            Assert.False(string.IsNullOrWhiteSpace(a.Example));
            Assert.False(string.IsNullOrWhiteSpace(a.Description));
            Assert.DoesNotContain('|', a.Type + a.Default + a.Example + a.Description);
        });
    }

    [Theory]
    [InlineData("k8s.usacloud.jp/load-balancer-ha")]
    [InlineData("k8s.usacloud.jp/load-balancer-plan")]
    [InlineData("k8s.usacloud.jp/load-balancer-healthz-interval")]
    [InlineData("k8s.usacloud.jp/router-selector")]
    [InlineData("k8s.usacloud.jp/load-balancer-type")]
    public void Catalogue_KeepsTheOriginalKeys(string key)
    {
        Assert.NotNull(LoadBalancerAnnotations.Find(key));
    }

    [Fact]
    public void ReasonCodes_AreUniqueAndEveryConstantIsCatalogued()
    {
        var constants = typeof(ReasonCodes).GetFields()
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(constants, ReasonCodes.All.Select(r => r.Code).Order(StringComparer.Ordinal).ToList());
        Assert.All(ReasonCodes.All, r => Assert.DoesNotContain('|', r.Meaning + r.Action));
    }
}
