return await PluginApp.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, TimeProvider.System, CancellationToken.None);
