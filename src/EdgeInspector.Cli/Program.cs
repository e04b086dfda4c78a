using EdgeInspector.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl+C stops a push between messages; a second Ctrl+C kills the process as usual.
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
};
return await Commands.RunAsync(args, Console.Out, Console.Error, cancel.Token);
