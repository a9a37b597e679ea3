using SakuraLb.Relay.Hosting;
using SakuraLb.Relay.Options;

try
{
    await using var app = RelayApplication.Create(args);
    await app.RunAsync();
    return 0;
}
catch (RelayOptionsException ex)
{
    // A configuration problem is the operator's to fix: say what is wrong, without a stack trace.
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}
