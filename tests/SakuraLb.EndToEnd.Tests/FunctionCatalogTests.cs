using Microsoft.Azure.Functions.Worker;
using SakuraLb.Functions;
using Sandbox.Functions;

namespace SakuraLb.EndToEnd.Tests;

public sealed class FunctionCatalogTests
{
    private static readonly System.Reflection.Assembly App = typeof(FunctionsServiceCollectionExtensions).Assembly;

    [Fact]
    public void HttpFunctions_OfTheApp_AreTheProtocolsEndpoints()
    {
        var functions = FunctionCatalog.HttpFunctions(App);

        Assert.Equal(
            ["Events POST /api/events Function", "Resync POST /api/resync Function", "Status GET /api/status Function", "Teardown POST /api/teardown Function", "TeardownStatus GET /api/teardown/{operationId} Function"],
            functions.Select(f => $"{f.Name} {string.Join(',', f.Methods)} {f.Path("api")} {f.AuthLevel}"));
    }

    [Fact]
    public void TimerFunctions_OfTheApp_AreTheResyncTheNodeLifecycleAndTheHealthOnTheirAppSettings()
    {
        var timers = FunctionCatalog.TimerFunctions(App);

        Assert.Equal(["HealthTimer %HealthSchedule%", "NodeLifecycleTimer %NodeLifecycleSchedule%", "ResyncTimer %ResyncSchedule%"], timers.Select(t => $"{t.Name} {t.Schedule}"));
    }

    [Theory]
    [InlineData("api", "events", "/api/events")]
    [InlineData("/api/", "/events", "/api/events")]
    [InlineData("", "events", "/events")]
    [InlineData("v1", "status/{id}", "/v1/status/{id}")]
    public void Path_JoinsPrefixAndRoute(string prefix, string route, string expected)
    {
        var function = new HttpFunction("F", ["GET"], route, AuthorizationLevel.Function, typeof(FunctionCatalogTests).GetMethod(nameof(Path_JoinsPrefixAndRoute))!);

        Assert.Equal(expected, function.Path(prefix));
    }

    [Fact]
    public void HttpFunctions_ParameterTheHostCannotBind_FailsNamingIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => FunctionCatalog.HttpFunctions(typeof(UnbindableFunctions).Assembly));

        Assert.Contains("UnbindableFunctions.Run", ex.Message, StringComparison.Ordinal);
        Assert.Contains("String extra", ex.Message, StringComparison.Ordinal);
    }
}

/// <summary>A function with a parameter the local host has no value for (only this test assembly declares functions).</summary>
public sealed class UnbindableFunctions
{
    [Function("Unbindable")]
    public static Task<Microsoft.AspNetCore.Mvc.IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get")] Microsoft.AspNetCore.Http.HttpRequest request,
        string extra) => throw new NotSupportedException($"{request} {extra}");
}
