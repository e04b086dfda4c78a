using EdgeInspector.Cli;

return Commands.Run(args, Console.Out, Console.Error);
