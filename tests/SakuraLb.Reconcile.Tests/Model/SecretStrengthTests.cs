using SakuraLb.Model.Signing;

namespace SakuraLb.Reconcile.Tests.Model;

public sealed class SecretStrengthTests
{
    [Theory]
    [InlineData("REPLACE-ME-WITH-32-OR-MORE-RANDOM-CHARACTERS", "shipped placeholder")]
    [InlineData("change-me-to-a-random-secret-of-32-characters-or-more", "shipped placeholder")]
    [InlineData("x7Qp2Lz9ReplaceMe_k3Vb8Nw4Tj6Hs1Fd0", "shipped placeholder")]
    [InlineData("Zq4Lm8Rt2Wx6", "at least 32 characters")]
    [InlineData("ssssssssssssssssssssssssssssssssssssssss", "too little variety")]
    [InlineData("abcdefghabcdefghabcdefghabcdefgh", "too little variety")]
    [InlineData("0123456789abcdef0123456789abcdef", "too little variety")]
    [InlineData("abcdefghijklmnopqrstuvwxyzABCDEF", "too little variety")]
    [InlineData("aaaabbbbccccddddeeeeffffgggghhhhiiii", "too little variety")]
    [InlineData("", "is required")]
    public void Problem_NamesWhyASecretIsRefused(string secret, string expected)
    {
        var problem = SecretStrength.Problem("Ingest:HmacSecret", secret);

        Assert.NotNull(problem);
        Assert.StartsWith("Ingest:HmacSecret ", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        if (secret.Length > 0)
        {
            Assert.DoesNotContain(secret, problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("hmac-secret-for-tests-only-0123456789abcdef")]
    [InlineData("kX9vQ2mTz7LpR4wN8bYc1HsJ6dFg3Ae5")]
    [InlineData("3f9a1c7e5b2d8046a9e1f3c57b0d2e84")]
    public void Problem_AcceptsAVariedSecret(string secret) =>
        Assert.Null(SecretStrength.Problem("Ingest:HmacSecret", secret));

    [Fact]
    public void Problem_AcceptsGeneratedSecrets()
    {
        // What the documentation tells operators to run: openssl rand -base64 48 (and -hex 32).
        for (var i = 0; i < 2000; i++)
        {
            var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(48);
            Assert.Null(SecretStrength.Problem("s", Convert.ToBase64String(bytes)));
            Assert.Null(SecretStrength.Problem("s", Convert.ToHexStringLower(bytes.AsSpan(0, 16))));
        }
    }

    [Theory]
    [InlineData("REPLACE-ME", true)]
    [InlineData("https://REPLACE-ME.azurewebsites.net/", true)]
    [InlineData("replace_me", true)]
    [InlineData("prod-1", false)]
    [InlineData(null, false)]
    public void IsPlaceholder_FindsTheShippedPlaceholders(string? value, bool expected) =>
        Assert.Equal(expected, SecretStrength.IsPlaceholder(value));
}
