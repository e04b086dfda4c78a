using System.Collections.Concurrent;
using EdgeInspector.Cli;
using EdgeInspector.Messaging;
using EdgeInspector.Testing;
using Microsoft.Extensions.Logging;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace EdgeInspector.Web.Tests;

/// <summary>The web view started in process against a broker, with its log lines captured.</summary>
internal static class WebViewHost
{
    public static async Task<(WebView View, CapturedLog Log)> StartAsync(MosquittoBroker broker, WebViewOptions options)
    {
        var log = new CapturedLog();
        var connection = new BrokerConnection(BrokerAddress.Parse(broker.Uri));
        var view = await WebView.StartAsync(options, (client, ct) => connection.ConnectAsync(client, "web-test", ct), l => l.AddProvider(log), CancellationToken.None);
        return (view, log);
    }

    public static WebViewOptions Loopback() => new() { Listen = $"127.0.0.1:{FreePort.Next()}" };
}

internal sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IEnumerable<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }
}
