using System.Text.Json.Nodes;
using SakuraLb.Infra.Tests.Support;

namespace SakuraLb.Infra.Tests;

/// <summary>The offline evaluator the template tests read snapshots with.</summary>
public sealed class ArmExpressionTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("[format('a'", "[format('a'")]
    [InlineData("[[not an expression]", "[not an expression]")]
    [InlineData("['literal']", "literal")]
    [InlineData("['it''s']", "it's")]
    [InlineData("[format('{0}-{1}', 'a', 'b')]", "a-b")]
    [InlineData("[format('{1}{0}{1}', 'x', 'y')]", "yxy")]
    [InlineData("[string(format('https://{0}{1}/', 'kv1', environment().suffixes.keyvaultDns))]", "https://kv1.vault.azure.net/")]
    [InlineData("[concat('a', 'b', string(3))]", "ab3")]
    [InlineData("[toLower('ABC')]", "abc")]
    [InlineData("[environment().suffixes.storage]", "core.windows.net")]
    [InlineData("[environment()['name']]", "AzureCloud")]
    public void Evaluate_OfflineExpression_GivesItsValue(string text, string expected)
    {
        Assert.Equal(expected, ArmExpression.Evaluate(text).AsString());
    }

    [Theory]
    [InlineData("[not(empty(''))]", false)]
    [InlineData("[not(empty('x'))]", true)]
    [InlineData("[true()]", true)]
    public void Evaluate_BooleanExpression_GivesItsValue(string text, bool expected)
    {
        var value = Assert.IsType<ArmValue.Known>(ArmExpression.Evaluate(text));
        Assert.Equal(expected, value.Value!.GetValue<bool>());
    }

    [Theory]
    [InlineData("[reference('/subscriptions/s/id', '2023-01-31').clientId]", "reference('/subscriptions/s/id', '2023-01-31').clientId")]
    [InlineData("[format('{0}/x', reference('r').id)]", "format('{0}/x', reference('r').id)")]
    [InlineData("[listKeys('acct', '2023-05-01').keys[0].value]", "listKeys('acct', '2023-05-01').keys[0].value")]
    [InlineData("[not(empty(parameters('secret')))]", "not(empty(parameters('secret')))")]
    public void Evaluate_RuntimeExpression_StaysUnresolvedWithCanonicalText(string text, string expected)
    {
        var value = Assert.IsType<ArmValue.Unresolved>(ArmExpression.Evaluate(text));
        Assert.Equal(expected, value.Expression);
    }

    [Fact]
    public void Evaluate_NonStringNode_IsKnownAsIs()
    {
        var value = Assert.IsType<ArmValue.Known>(ArmExpression.Evaluate(JsonValue.Create(2)));
        Assert.Equal(2, value.Value!.GetValue<int>());
        Assert.Null(value.AsString());
    }

    [Theory]
    [InlineData("[format('a']")]
    [InlineData("['unterminated]")]
    [InlineData("[format('a') extra]")]
    public void Evaluate_MalformedExpression_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => ArmExpression.Evaluate(text));
    }

    [Fact]
    public void Evaluate_MissingProperty_SaysWhichOne()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ArmExpression.Evaluate("[environment().suffixes.nope]"));
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }
}
