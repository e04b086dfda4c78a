using System.Diagnostics;
using System.Globalization;
using EdgeInspector.Testing;
using WebDriverBiDi;
using WebDriverBiDi.BrowsingContext;
using WebDriverBiDi.Script;
using WebDriverBiDi.Session;

namespace EdgeInspector.Web.Tests;

/// <summary>
/// Debian's firefox-esr, headless, driven over WebDriver BiDi (the protocol Firefox speaks natively; its
/// CDP is gone). PuppeteerSharp's Firefox path needs a WebDriverBiDi build the feed no longer serves, so
/// this is the few commands the test needs: navigate, evaluate, wait, screenshot. Nothing is downloaded.
/// </summary>
internal sealed class FirefoxBrowser : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _profile;
    private readonly BiDiDriver _driver;
    private readonly string _context;

    private FirefoxBrowser(Process process, TempDirectory profile, BiDiDriver driver, string context)
    {
        _process = process;
        _profile = profile;
        _driver = driver;
        _context = context;
    }

    public static string Executable =>
        new[] { Environment.GetEnvironmentVariable("EDGEINSPECTOR_FIREFOX"), "/usr/bin/firefox-esr", "/usr/bin/firefox" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Firefox is not installed: apt-get install firefox-esr (./dev.sh test does this when run as root).");

    public static async Task<FirefoxBrowser> LaunchAsync(int width, int height)
    {
        var profile = new TempDirectory();
        int port = FreePort.Next();
        var start = new ProcessStartInfo(Executable, ["--headless", "--no-remote", "--profile", profile.Path, "--remote-debugging-port", port.ToString(CultureInfo.InvariantCulture), "about:blank"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["MOZ_CRASHREPORTER_DISABLE"] = "1";
        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) => Seen(e.Data);
        process.OutputDataReceived += (_, e) => Seen(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var driver = new BiDiDriver(TimeSpan.FromSeconds(30));
            await driver.StartAsync($"ws://127.0.0.1:{port}/session");
            await driver.Session.NewSessionAsync(new NewCommandParameters());
            var tree = await driver.BrowsingContext.GetTreeAsync(new GetTreeCommandParameters());
            string context = tree.ContextTree[0].BrowsingContextId;
            await driver.BrowsingContext.SetViewportAsync(new SetViewportCommandParameters { BrowsingContextId = context, Viewport = new Viewport { Width = (ulong)width, Height = (ulong)height } });
            return new FirefoxBrowser(process, profile, driver, context);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            profile.Dispose();
            throw new TimeoutException($"firefox did not open WebDriver BiDi within 60 s:\n{string.Join('\n', output)}");
        }

        void Seen(string? line)
        {
            if (line is null)
            {
                return;
            }

            output.Enqueue(line);
            if (line.Contains("WebDriver BiDi listening on", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        }
    }

    public async Task GoToAsync(string url) =>
        await _driver.BrowsingContext.NavigateAsync(new NavigateCommandParameters(_context, url) { Wait = ReadinessState.Complete });

    /// <summary>The page's value of <paramref name="expression"/> as JSON text.</summary>
    public async Task<string> EvaluateJsonAsync(string expression)
    {
        var result = await _driver.Script.EvaluateAsync(new EvaluateCommandParameters($"JSON.stringify({expression})", new ContextTarget(_context), true));
        return result.TryAs(out EvaluateResultSuccess? success)
            ? success!.Result.TryAs(out StringRemoteValue? text) ? text!.Value : "undefined"
            : throw new InvalidOperationException($"'{expression}' threw in the page: {result.As<EvaluateResultException>().ExceptionDetails.Text}");
    }

    /// <summary>Polls <paramref name="condition"/> (a JavaScript expression) until it is true; a navigation in between is waited out.</summary>
    public async Task WaitForAsync(string condition, TimeSpan timeout, string what)
    {
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            try
            {
                if (await EvaluateJsonAsync($"!!({condition})") == "true")
                {
                    return;
                }
            }
            catch (Exception e) when (e is WebDriverBiDiException or InvalidOperationException)
            {
                // The page is navigating or not there yet: ask again.
            }
        }

        throw new TimeoutException($"Firefox: no {what} within {timeout.TotalSeconds:0} s");
    }

    public async Task ScreenshotAsync(string path)
    {
        var shot = await _driver.BrowsingContext.CaptureScreenshotAsync(new CaptureScreenshotCommandParameters(_context));
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot.Data));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _driver.StopAsync();
        }
        catch (WebDriverBiDiException)
        {
            // Firefox is going anyway.
        }

        await _driver.DisposeAsync();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _profile.Dispose();
    }
}
