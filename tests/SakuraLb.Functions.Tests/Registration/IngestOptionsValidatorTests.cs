using SakuraLb.Functions.Options;

namespace SakuraLb.Functions.Tests.Registration;

public sealed class IngestOptionsValidatorTests
{
    private const string Current = "kX9vQ2mTz7LpR4wN8bYc1HsJ6dFg3Ae5";
    private const string Previous = "Tq3Wn8Ls1Vd6Kp0Zr5Hx9Bm2Jc7Gf4Ey";

    private static List<string> Problems(IngestOptions options)
    {
        var result = new IngestOptionsValidator().Validate(null, options);
        return result.Failed ? [.. result.Failures!] : [];
    }

    [Fact]
    public void AVariedSecret_WithARotationThatExpires_IsAccepted() =>
        Assert.Empty(Problems(new IngestOptions { HmacSecret = Current, HmacSecretPrevious = Previous, HmacRotationEndsAt = DateTimeOffset.UtcNow.AddDays(1) }));

    [Theory]
    [InlineData("change-me-to-a-random-secret-of-32-characters-or-more", "Ingest:HmacSecret is still the shipped placeholder")]
    [InlineData("REPLACE-ME-WITH-32-OR-MORE-RANDOM-CHARACTERS", "Ingest:HmacSecret is still the shipped placeholder")]
    [InlineData("ssssssssssssssssssssssssssssssssssss", "Ingest:HmacSecret has too little variety")]
    [InlineData("short", "Ingest:HmacSecret must be at least 32 characters")]
    public void AWeakCurrentSecret_IsRefused(string secret, string expected) =>
        Assert.Contains(Problems(new IngestOptions { HmacSecret = secret }), p => p.StartsWith(expected, StringComparison.Ordinal));

    [Fact]
    public void APreviousSecret_WithoutExpiry_IsRefused() =>
        Assert.Contains(
            Problems(new IngestOptions { HmacSecret = Current, HmacSecretPrevious = Previous }),
            p => p.StartsWith("Ingest:HmacRotationEndsAt is required", StringComparison.Ordinal));

    [Theory]
    [InlineData("REPLACE-ME-WITH-32-OR-MORE-RANDOM-CHARACTERS", "Ingest:HmacSecretPrevious is still the shipped placeholder")]
    [InlineData("ssssssssssssssssssssssssssssssssssss", "Ingest:HmacSecretPrevious has too little variety")]
    [InlineData(Current, "Ingest:HmacSecretPrevious must differ")]
    public void AWeakOrRepeatedPreviousSecret_IsRefused(string previous, string expected) =>
        Assert.Contains(
            Problems(new IngestOptions { HmacSecret = Current, HmacSecretPrevious = previous, HmacRotationEndsAt = DateTimeOffset.UtcNow.AddDays(1) }),
            p => p.StartsWith(expected, StringComparison.Ordinal));
}
