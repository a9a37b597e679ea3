using KubeSim.Selectors;

namespace KubeSim.Tests.Pure;

public sealed class SelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front", ["rank"] = "5" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (web,db)", true)]
    [InlineData("app in (db)", false)]
    [InlineData("app notin (db, cache)", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("app=web,tier=front", true)]
    [InlineData("app=web,tier=back", false)]
    [InlineData("app in (web,db),tier", true)]
    [InlineData("rank>3", true)]
    [InlineData("rank<3", false)]
    public void LabelSelector_Matches_FollowsKubernetesOperators(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));

    [Theory]
    [InlineData("app in (web")]
    [InlineData("a b c")]
    [InlineData("ba$d=x")]
    [InlineData("rank>x")]
    public void LabelSelector_Parse_BadSyntax_Throws(string selector) =>
        Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));

    private static readonly HashSet<string> Fields = ["metadata.name", "metadata.namespace", "involvedObject.name"];

    [Theory]
    [InlineData("metadata.name=web", "web", true)]
    [InlineData("metadata.name==web", "web", true)]
    [InlineData("metadata.name=web", "db", false)]
    [InlineData("metadata.name!=web", "db", true)]
    [InlineData("metadata.name=a\\,b", "a,b", true)]
    [InlineData("metadata.name=web,metadata.namespace=default", "web", true)]
    [InlineData("metadata.name=web,metadata.namespace=other", "web", false)]
    public void FieldSelector_Matches_ComparesFieldValues(string selector, string name, bool expected)
    {
        var parsed = FieldSelector.Parse(selector, Fields);
        Assert.Equal(expected, parsed.Matches(f => f switch { "metadata.name" => name, "metadata.namespace" => "default", _ => null }));
    }

    [Fact]
    public void FieldSelector_Parse_UnknownField_ThrowsFieldLabelNotSupported()
    {
        var e = Assert.Throws<FormatException>(() => FieldSelector.Parse("spec.foo=bar", Fields));
        Assert.Equal("field label not supported: spec.foo", e.Message);
    }

    [Fact]
    public void FieldSelector_ExactName_ReturnsPinnedName() =>
        Assert.Equal("web", FieldSelector.Parse("metadata.namespace=x,metadata.name=web", Fields).ExactName);
}
