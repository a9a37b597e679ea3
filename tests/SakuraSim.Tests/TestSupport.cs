namespace SakuraSim.Tests;

internal static class TestSupport
{
    /// <summary>Asserts the API's standard error body (is_fatal, status, error_code, error_msg) and returns its message.</summary>
    public static string AssertError(ApiResult result, HttpStatusCode status, string errorCode)
    {
        Assert.True(status == result.Status, $"expected {(int)status}, got {(int)result.Status}: {result.Raw}");
        var body = Assert.IsType<JsonObject>(result.Body);
        Assert.True(body["is_fatal"]!.GetValue<bool>());
        Assert.Matches("^[0-9a-f]{32}$", body["serial"]!.GetValue<string>());
        Assert.StartsWith($"{(int)status} ", body["status"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(errorCode, body["error_code"]!.GetValue<string>());
        Assert.DoesNotContain("   at ", result.Raw, StringComparison.Ordinal);
        return body["error_msg"]!.GetValue<string>();
    }

    public static void AssertOk(ApiResult result, HttpStatusCode status = HttpStatusCode.OK) =>
        Assert.True(status == result.Status, $"expected {(int)status}, got {(int)result.Status}: {result.Raw}");

    public static long CreatedId(ApiResult created) => long.Parse(created.Json["Appliance"]!["ID"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);

    public static string Str(JsonNode? node) => node!.GetValue<string>();
}
