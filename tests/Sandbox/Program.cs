Console.WriteLine("sandbox: not yet wired");
