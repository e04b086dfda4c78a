using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EdgeInspector.Web;

/// <summary>
/// edge-inspector web: the fleet page and one page per device, fed live over server-sent events
/// from the broker, with the actions a tech may take (snapshot, set threshold, enroll). Rollback
/// and pushes are not here: they are signed with the workstation's keys, never from a browser.
/// Long on purpose: the whole HTTP surface in one place (routes, authentication, CSRF and origin checks, TLS start-up rules), so a security review reads one file.
/// </summary>
public sealed partial class WebView : IAsyncDisposable
{
    public const string CsrfCookie = "ei-csrf";
    public const string CsrfHeader = "X-CSRF-Token";
    private const int ActionsKept = 20;

    private readonly WebApplication _app;
    private readonly FleetFeed _feed;
    private readonly WebViewOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, LinkedList<JsonObject>> _actions = new(StringComparer.Ordinal);

    private WebView(WebApplication app, FleetFeed feed, WebViewOptions options, ILogger logger)
    {
        _app = app;
        _feed = feed;
        _options = options;
        _logger = logger;
    }

    /// <summary>The address it serves, e.g. http://127.0.0.1:8080.</summary>
    public string Url { get; private set; } = "";

    public WebListener Listener { get; private set; } = null!;

    /// <summary>
    /// Checks the listen/TLS/password combination (a <see cref="WebViewConfigurationException"/> before
    /// anything starts), connects to the broker with <paramref name="connect"/> and starts serving.
    /// </summary>
    public static async Task<WebView> StartAsync(WebViewOptions options, Func<IMqttClient, CancellationToken, Task> connect, Action<ILoggingBuilder>? logging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var listener = WebListener.From(options);
        var certificate = listener.Https ? WebListener.LoadCertificate(options) : null;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning); // the CLI prints where it listens
        }
        else
        {
            logging(builder.Logging);
        }

        builder.WebHost.ConfigureKestrel(k => k.Listen(listener.Address, listener.Port, l =>
        {
            if (certificate is not null)
            {
                l.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeInspector.Web");
        var feed = new FleetFeed(connect, options.TopicRoot, options.VerdictWindow, logger);
        var view = new WebView(app, feed, options, logger) { Listener = listener };
        view.Map();
        try
        {
            await feed.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A caller that retries (the agent's web view while its broker is away) leaks nothing per try.
            await feed.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            if (e is IOException)
            {
                throw new WebViewConfigurationException($"web: cannot listen on {options.Listen}: {e.Message}");
            }

            throw;
        }

        string? address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        view.Url = address ?? listener.Url;
        return view;
    }

    /// <summary>Until SIGTERM/SIGINT (systemd stop, Ctrl+C) stops the server, or <paramref name="cancellationToken"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _feed.DisposeAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private void Map()
    {
        _app.Use(SecurityAsync);
        _app.MapGet("/", Page);
        _app.MapGet("/device/{device}", Page);
        _app.MapGet("/assets/{file}", Asset);
        // Browsers ask for it on any page, also the JSON ones: answer with nothing rather than 404.
        _app.MapGet("/favicon.ico", () => Results.NoContent());
        _app.MapGet("/api/fleet", () => Results.Content(_feed.Fleet().ToJsonString(), "application/json"));
        _app.MapGet("/api/devices/{device}", (string device) => _feed.Device(device) is { } d
            ? Results.Content(WithActions(d.Detail(60), device).ToJsonString(), "application/json")
            : Results.NotFound());
        _app.MapGet("/api/devices/{device}/thumbnails/{id}", (string device, string id) => _feed.Device(device)?.Thumbnail(id) is { } jpeg ? Image(jpeg) : Results.NotFound());
        _app.MapGet("/api/devices/{device}/snapshot", (string device) => _feed.Device(device)?.Snapshot() is { } jpeg ? Image(jpeg) : Results.NotFound());
        _app.MapGet("/api/events", EventsAsync);
        _app.MapPost("/api/devices/{device}/actions/{action}", ActionAsync);
    }

    private static IResult Image(byte[] jpeg) => Results.File(jpeg, "image/jpeg");

    private IResult Page(HttpContext context)
    {
        // The double-submit token: a script of this origin reads the cookie and echoes it in a header on
        // every action; another site can neither read the cookie nor send that header without CORS.
        if (!context.Request.Cookies.TryGetValue(CsrfCookie, out string? token) || token.Length < 32)
        {
            context.Response.Cookies.Append(CsrfCookie, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)), new CookieOptions
            {
                SameSite = SameSiteMode.Strict, Secure = Listener.Https, HttpOnly = false, Path = "/",
            });
        }

        return Asset("index.html");
    }

    private static IResult Asset(string file)
    {
        var stream = typeof(WebView).Assembly.GetManifestResourceStream("wwwroot/" + file);
        if (stream is null)
        {
            return Results.NotFound();
        }

        string type = Path.GetExtension(file) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => "application/octet-stream",
        };
        return Results.Stream(stream, type);
    }

    /// <summary>Who may see and act: a password (HTTP Basic, the user name is who is logged) when one is set, and headers that keep the pages in their own origin.</summary>
    private async Task SecurityAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers["X-Content-Type-Options"] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'";
        if (!string.IsNullOrEmpty(_options.Password))
        {
            string? user = BasicUser(context.Request.Headers.Authorization.ToString(), _options.Password);
            if (user is null)
            {
                if (context.Request.Headers.Authorization.Count > 0)
                {
                    LogRefused(_logger, context.Connection.RemoteIpAddress?.ToString() ?? "?", context.Request.Path);
                }

                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                headers.WWWAuthenticate = "Basic realm=\"EdgeInspector\", charset=\"UTF-8\"";
                return;
            }

            context.Items["user"] = user;
        }
        else
        {
            context.Items["user"] = "local";
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>The user name when the Basic credentials carry the password (compared in fixed time), else null.</summary>
    internal static string? BasicUser(string authorization, string password)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }

        int colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        byte[] given = SHA256.HashData(Encoding.UTF8.GetBytes(decoded[(colon + 1)..]));
        byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        if (!CryptographicOperations.FixedTimeEquals(given, expected))
        {
            return null;
        }

        string user = decoded[..colon].Trim();
        return user.Length == 0 ? "tech" : new string([.. user.Take(64).Where(c => !char.IsControl(c))]);
    }

    /// <summary>A state-changing request from this origin's own script, or null; else why it is refused.</summary>
    internal static string? CrossSiteReason(HttpRequest request)
    {
        string? fetchSite = request.Headers["Sec-Fetch-Site"];
        if (fetchSite is not null and not "same-origin")
        {
            return $"Sec-Fetch-Site is {fetchSite}";
        }

        string? origin = request.Headers.Origin;
        if (origin is not null && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return $"Origin {origin} is not this server";
        }

        string? cookie = request.Cookies[CsrfCookie];
        string? header = request.Headers[CsrfHeader];
        if (string.IsNullOrEmpty(cookie) || string.IsNullOrEmpty(header)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(cookie), Encoding.ASCII.GetBytes(header)))
        {
            return $"no matching {CsrfHeader}";
        }

        return request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true ? null : "not application/json";
    }

    private async Task<IResult> ActionAsync(HttpContext context, string device, string action)
    {
        string who = (string)context.Items["user"]!;
        string from = context.Connection.RemoteIpAddress?.ToString() ?? "?";
        if (CrossSiteReason(context.Request) is { } reason)
        {
            LogForged(_logger, action, device, who, from, reason);
            return Results.Json(new { error = $"refused: not a request from this page ({reason})" }, statusCode: StatusCodes.Status403Forbidden);
        }

        if (!DeviceIds.IsValid(device) || _feed.Device(device) is null)
        {
            return Results.Json(new { error = $"no device '{device}' has reported on this broker" }, statusCode: StatusCodes.Status404NotFound);
        }

        JsonObject body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            body = [];
        }

        // Only what a tech may do from the line, with the request built here from checked values.
        JsonObject? payload;
        string? invalid = null;
        switch (action)
        {
            case "snapshot":
                payload = [];
                break;
            case "set-threshold":
                double? threshold = Number(body["image_threshold"]);
                payload = threshold is >= 0 and <= 1 ? new JsonObject { ["image_threshold"] = threshold } : null;
                invalid = "image_threshold must be a number in [0,1]";
                break;
            case "enroll":
                double? parts = Number(body["parts"]);
                payload = parts is >= 1 and <= 1000 && parts == Math.Floor(parts.Value) ? new JsonObject { ["parts"] = (int)parts } : null;
                invalid = "parts must be a whole number in 1..1000";
                break;
            default:
                return Results.Json(new { error = $"'{action}' is not an action of this page (snapshot, set-threshold, enroll); rollback and pushes are signed on the workstation" }, statusCode: StatusCodes.Status404NotFound);
        }

        if (payload is null)
        {
            return Results.Json(new { error = invalid }, statusCode: StatusCodes.Status400BadRequest);
        }

        string request = payload.ToJsonString();
        LogAction(_logger, action, device, who, from, request);
        var timeout = action == "enroll" ? _options.CommandTimeout * 10 : _options.CommandTimeout;
        string answer = await _feed.RequestAsync(device, action, Encoding.UTF8.GetBytes(request), timeout, context.RequestAborted).ConfigureAwait(false);
        LogAnswer(_logger, action, device, who, answer.Length > 300 ? answer[..300] : answer);
        if (action == "set-threshold")
        {
            await RefreshStatusAsync(device, context.RequestAborted).ConfigureAwait(false);
        }

        var entry = new JsonObject
        {
            ["ts"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), ["device"] = device, ["who"] = who, ["from"] = from,
            ["action"] = action, ["request"] = JsonNode.Parse(request), ["answer"] = ParseOrText(answer),
        };
        lock (_actions)
        {
            var log = _actions.TryGetValue(device, out var l) ? l : _actions[device] = new LinkedList<JsonObject>();
            log.AddFirst(entry);
            while (log.Count > ActionsKept)
            {
                log.RemoveLast();
            }
        }

        _feed.Publish(new FeedEvent(device, "action", entry.ToJsonString()));
        return Results.Content(answer, "application/json");
    }

    /// <summary>The device republishes its retained status on its own schedule; ask it now so the page shows the new threshold at once.</summary>
    private async Task RefreshStatusAsync(string device, CancellationToken cancellationToken)
    {
        string status = await _feed.RequestAsync(device, "status", [], _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (ParseOrText(status) is JsonObject o && o.ContainsKey("state") && _feed.Device(device)?.OnStatusAnswer(status) is { } e)
        {
            _feed.Publish(e);
        }
    }

    private JsonObject WithActions(JsonObject detail, string device)
    {
        lock (_actions)
        {
            detail["actions"] = new JsonArray([.. (_actions.GetValueOrDefault(device) ?? []).Select(a => a.DeepClone())]);
        }

        return detail;
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d
        : node is JsonValue s && s.TryGetValue(out string? text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && double.IsFinite(p) ? p
        : null;

    private static JsonNode? ParseOrText(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }

    /// <summary>Server-sent events: a device page gets that device's status, verdicts, thumbnails, snapshots and actions; the fleet page gets statuses and, every 2 s, each device's window.</summary>
    private async Task EventsAsync(HttpContext context, string? device)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var (id, events) = _feed.Listen();
        var aborted = context.RequestAborted;
        try
        {
            await response.WriteAsync(": connected\n\n", aborted).ConfigureAwait(false);
            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            while (!aborted.IsCancellationRequested)
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                tick.CancelAfter(TimeSpan.FromSeconds(2));
                try
                {
                    while (await events.WaitToReadAsync(tick.Token).ConfigureAwait(false))
                    {
                        while (events.TryRead(out var e))
                        {
                            if (device is null ? e.Type == "status" : e.Device == device)
                            {
                                await response.WriteAsync($"event: {e.Type}\ndata: {e.Json}\n\n", aborted).ConfigureAwait(false);
                            }
                        }

                        await response.Body.FlushAsync(aborted).ConfigureAwait(false);
                    }

                    return;
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    string data = device is null
                        ? new JsonArray([.. _feed.Devices.Select(d => (JsonNode)new JsonObject { ["device"] = d, ["stats"] = _feed.Device(d)!.Stats() })]).ToJsonString()
                        : _feed.Device(device)?.Stats().ToJsonString() ?? "null";
                    await response.WriteAsync($"event: stats\ndata: {data}\n\n", aborted).ConfigureAwait(false);
                    await response.Body.FlushAsync(aborted).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
        finally
        {
            _feed.StopListening(id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "web action {Action} on {Device} by {Who} from {From}: {Request}")]
    private static partial void LogAction(ILogger logger, string action, string device, string who, string from, string request);

    [LoggerMessage(Level = LogLevel.Information, Message = "web action {Action} on {Device} by {Who} answered: {Answer}")]
    private static partial void LogAnswer(ILogger logger, string action, string device, string who, string answer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "web: refused a cross-site {Action} on {Device} (user {Who}, from {From}): {Reason}")]
    private static partial void LogForged(ILogger logger, string action, string device, string who, string from, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "web: wrong password from {From} for {Path}")]
    private static partial void LogRefused(ILogger logger, string from, string path);
}
