using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using EdgeInspector.Acquisition;
using EdgeInspector.Agent.Capture;
using EdgeInspector.Agent.ModelUpdates;
using EdgeInspector.Agent.Mqtt;
using EdgeInspector.Core;
using EdgeInspector.Gpio;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;
using EdgeInspector.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent;

public static class AgentHostExtensions
{
    /// <summary>Version of the generated demo image set; bump when <see cref="SyntheticParts"/> changes.</summary>
    private const string DemoImageSet = "parts-v1";

    /// <summary>Wires the agent: options validated at start, camera, light, model loader, MQTT, pipeline.</summary>
    public static IHostApplicationBuilder AddEdgeInspectorAgent(this IHostApplicationBuilder builder, string[] args)
    {
        var config = builder.Configuration;
        // Precedence, lowest first, as the README documents: appsettings.json < --config FILE <
        // environment EdgeInspector__Section__Key < --Section:Key flags. The host builder added the
        // flags already; they move to the end, after the file and the environment.
        string? file = config["ConfigFile"];
        var flags = config.Sources.OfType<CommandLineConfigurationSource>().ToList();
        foreach (var source in flags)
        {
            config.Sources.Remove(source);
        }

        if (!string.IsNullOrEmpty(file))
        {
            if (!File.Exists(file))
            {
                throw new AgentConfigurationException([$"Config file '{Path.GetFullPath(file)}' does not exist. Pass --config with the path of agent.json (see deploy/agent.sample.json)."]);
            }

            ConfigurationCheck.AddJsonFile(config, Path.GetFullPath(file));
        }

        config.AddEnvironmentVariables("EdgeInspector__");
        if (flags.Count > 0)
        {
            flags.ForEach(config.Sources.Add);
        }
        else if (args.Length > 0)
        {
            config.AddCommandLine(args);
        }

        bool demo = config.GetValue<bool>("Agent:Demo");
        if (demo)
        {
            ApplyDemoDefaults(builder);
        }

        // Logs go to stderr so stdout carries only verdict lines; journald records both. The simple
        // formatter is named: with no formatter name the console logger copies its own (empty)
        // legacy options over these, which gave two lines per entry and no timestamp (#13 finding 8).
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.AddSystemd();
        var services = builder.Services;
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section)
            .PostConfigure<IOptions<UpdateOptions>>((agent, updates) => agent.ApplyStateDirectoryAlias(updates.Value.StateDirectory))
            .Validate(agent => agent.StateDirectoryConflict is null, "Agent:StateDirectory and its old alias Updates:StateDirectory name different folders; set only Agent:StateDirectory")
            .ValidateOnStart();
        services.AddOptions<CameraOptions>().BindConfiguration(CameraOptions.Section).ValidateOnStart();
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.Section).ValidateOnStart();
        // TensorRT's engine cache lives in the state directory unless configured elsewhere.
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.Section)
            .PostConfigure<IOptions<AgentOptions>>((inference, agent) =>
            {
                if (string.IsNullOrWhiteSpace(inference.TensorRT.CacheDirectory))
                {
                    inference.TensorRT.CacheDirectory = Path.Combine(agent.Value.ResolveStateDirectory(), "trt-cache");
                }
            })
            .ValidateOnStart();
        services.AddOptions<LightOptions>().BindConfiguration(LightOptions.Section).ValidateOnStart();
        services.AddOptions<PartSensorOptions>().BindConfiguration(PartSensorOptions.Section).ValidateOnStart();
        services.AddOptions<RejectOptions>().BindConfiguration(RejectOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PartSensorOptions>, PartSensorOptionsValidator>();
        services.AddSingleton<IValidateOptions<RejectOptions>, RejectOptionsValidator>();
        services.AddOptions<TriggerOutputOptions>().BindConfiguration(TriggerOutputOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TriggerOutputOptions>, TriggerOutputOptionsValidator>();
        // The durable outbox lives in the state directory: $STATE_DIRECTORY on the device, else ./state.
        services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.Section)
            .PostConfigure<IOptions<AgentOptions>>((mqtt, agent) => mqtt.Outbox.Path ??= Path.Combine(agent.Value.ResolveStateDirectory(), "outbox.db"))
            .ValidateOnStart();
        services.AddOptions<UpdateOptions>().BindConfiguration(UpdateOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<UpdateOptions>, UpdateOptionsValidator>();
        services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        services.AddSingleton<IValidateOptions<CameraOptions>, CameraOptionsValidator>();
        services.AddSingleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>();
        services.AddSingleton<IValidateOptions<InferenceOptions>, InferenceOptionsValidator>();
        services.AddSingleton<IValidateOptions<LightOptions>, LightOptionsValidator>();
        services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>();
        services.AddOptions<DriftOptions>().BindConfiguration(DriftOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DriftOptions>, DriftOptionsValidator>();
        services.AddOptions<CaptureOptions>().BindConfiguration(CaptureOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CaptureOptions>, CaptureOptionsValidator>();
        services.AddOptions<Web.DeviceWebOptions>().BindConfiguration(Web.DeviceWebOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Web.DeviceWebOptions>, Web.DeviceWebOptionsValidator>();

        services.AddSingleton(sp =>
        {
            var agent = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            return new AgentTelemetry(agent.DeviceId, agent.ResolveStateDirectory());
        });
        services.AddSingleton(new FramePool());
        services.AddSingleton<ICamera>(CreateCamera);
        services.AddSingleton(CreateGpio);
        services.AddSingleton(CreateLineIo);
        services.AddSingleton(sp => new LineThresholds(
            sp.GetRequiredService<IOptions<ModelOptions>>().Value,
            sp.GetRequiredService<IOptions<AgentOptions>>().Value.ResolveStateDirectory(),
            sp.GetRequiredService<ILogger<LineThresholds>>()));
        services.AddSingleton(sp => new ProbationWatch(sp.GetRequiredService<IOptions<UpdateOptions>>().Value));
        services.AddSingleton<IInspectionTap>(sp => sp.GetRequiredService<ProbationWatch>());
        services.AddSingleton(sp =>
        {
            // ONNX Runtime's own files (telemetry device id and event store) stay in the state
            // directory too, not in the service user's ~/.cache.
            var agent = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            OrtFileLocation.KeepFilesUnder(agent.ResolveStateDirectory());
            // A tiled line scores its tiles in one run: every model it loads is bound for that batch.
            return new ModelLoader(sp.GetRequiredService<IOptions<InferenceOptions>>().Value, sp.GetRequiredService<ILogger<ModelLoader>>(), agent.ToFrameTiling().Count);
        });
        services.AddSingleton<ServingModelLoader>();
        services.AddModelUpdates();

        services.AddAgentMqtt();
        if (demo || config.GetValue<bool>("Agent:ConsoleVerdicts"))
        {
            services.AddSingleton<IVerdictSink>(new ConsoleVerdictWriter(Console.Out));
        }

        services.AddPartCapture();
        services.AddSingleton(sp =>
        {
            var serving = sp.GetRequiredService<ServingModelLoader>();
            var telemetry = sp.GetRequiredService<AgentTelemetry>();
            var drift = new DriftWatch(sp.GetRequiredService<IOptions<DriftOptions>>().Value, telemetry, () => serving.ServingPackage?.Manifest.GoodScores);
            telemetry.SetDrift(drift.Status);
            return drift;
        });
        services.AddSingleton<IInspectionTap>(sp => sp.GetRequiredService<DriftWatch>());
        services.AddSingleton<InspectionPipelineFactory>();
        services.AddSingleton<PipelineService>();
        services.AddHostedService(sp => sp.GetRequiredService<PipelineService>());
        services.AddSingleton<PipelineHeartbeat>();
        services.AddSingleton<FrameSnapshots>();
        services.AddSingleton<IInspectionTap>(sp => sp.GetRequiredService<FrameSnapshots>());
        services.AddSingleton<EnrollmentParts>();
        services.AddSingleton<IInspectionTap>(sp => sp.GetRequiredService<EnrollmentParts>());
        services.AddSingleton<OnDeviceEnrollment>();
        services.AddHostedService<SystemdWatchdog>();
        services.AddHostedService<Web.DeviceWebView>(); // after the MQTT connection: the embedded broker is up by then
        return builder;
    }

    /// <summary>The capture store in Agent:StateDirectory/captures, its tap and its writer (started before the pipeline, stopped after it).</summary>
    private static void AddPartCapture(this IServiceCollection services)
    {
        services.AddSingleton<IFreeDiskSpace, FileSystemFreeSpace>();
        services.AddSingleton(sp => new CaptureStore(
            Path.Combine(sp.GetRequiredService<IOptions<AgentOptions>>().Value.ResolveStateDirectory(), "captures"),
            sp.GetRequiredService<IOptions<CaptureOptions>>().Value,
            sp.GetRequiredService<IFreeDiskSpace>(),
            sp.GetRequiredService<ILogger<CaptureStore>>()));
        services.AddSingleton(sp => new PartCapture(
            sp.GetRequiredService<IOptions<CaptureOptions>>().Value,
            sp.GetRequiredService<CaptureStore>(),
            new Random(),
            sp.GetRequiredService<ILogger<PartCapture>>()));
        services.AddSingleton<IInspectionTap>(sp => sp.GetRequiredService<PartCapture>());
        services.AddHostedService<CaptureService>();
    }

    private static void ApplyDemoDefaults(IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var defaults = new Dictionary<string, string?>();
        bool replay = string.IsNullOrEmpty(config["Camera:Backend"]) || string.Equals(config["Camera:Backend"], nameof(CameraBackend.Replay), StringComparison.OrdinalIgnoreCase);
        if (replay && string.IsNullOrEmpty(config["Camera:Replay:Path"]))
        {
            string images = Path.Combine(Path.GetTempPath(), "edge-inspector-demo", DemoImageSet);
            if (!Directory.Exists(images))
            {
                string staging = images + ".tmp-" + Environment.ProcessId;
                SyntheticParts.WriteSet(staging, count: 40, seed: 7);
                try
                {
                    Directory.Move(staging, images);
                }
                catch (IOException) when (Directory.Exists(images))
                {
                    // Another demo generated the same deterministic set first.
                    Directory.Delete(staging, recursive: true);
                }
            }

            defaults["Camera:Replay:Path"] = images;
        }

        if (string.IsNullOrEmpty(config["Agent:DeviceId"]))
        {
            defaults["Agent:DeviceId"] = "demo";
        }

        // The demo's verdicts need not outlive it; --Mqtt:Outbox:Enabled=true makes them durable.
        defaults["Mqtt:Outbox:Enabled"] = config["Mqtt:Outbox:Enabled"] ?? "false";
        defaults["Logging:LogLevel:Microsoft"] = config["Logging:LogLevel:Microsoft"] ?? "Warning";
        config.AddInMemoryCollection(defaults.Where(d => d.Value is not null));
    }

    private static ICamera CreateCamera(IServiceProvider sp)
    {
        try
        {
            return CameraFactory.Create(sp.GetRequiredService<IOptions<CameraOptions>>().Value, sp.GetRequiredService<FramePool>(), sp.GetRequiredService<ILoggerFactory>());
        }
        catch (ArgumentException e)
        {
            throw new OptionsValidationException(CameraOptions.Section, typeof(CameraOptions), [e.Message]);
        }
    }

    /// <summary>
    /// One controller for the whole header (light, part sensor, reject), on libgpiod or the
    /// recording driver per Light:Driver; null when nothing uses GPIO. Pins are checked first:
    /// each used once, each a GPIO on the Orin Nano header.
    /// </summary>
    private static HeaderGpio CreateGpio(IServiceProvider sp)
    {
        var light = sp.GetRequiredService<IOptions<LightOptions>>().Value;
        var sensor = sp.GetRequiredService<IOptions<PartSensorOptions>>().Value;
        var reject = sp.GetRequiredService<IOptions<RejectOptions>>().Value;
        var trigger = sp.GetRequiredService<IOptions<TriggerOutputOptions>>().Value;
        if (light.Mode == LightMode.Off && !sensor.Enabled && !reject.Enabled && !trigger.Enabled)
        {
            return new HeaderGpio(null, light.Driver);
        }

        var problems = GpioPinPlan.For(light, sensor.Enabled ? sensor : null, reject.Enabled ? reject : null, trigger.Enabled ? trigger.Pin : null).Problems();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(LightOptions.Section, typeof(LightOptions), problems);
        }

        GpioDriver driver = light.Driver switch
        {
            GpioDriverKind.Libgpiod => new LibGpiodDriver(0),
            _ => new RecordingGpioDriver(),
        };
        return new HeaderGpio(new GpioController(driver), light.Driver);
    }

    private static LineIo CreateLineIo(IServiceProvider sp)
    {
        var gpio = sp.GetRequiredService<HeaderGpio>();
        var light = sp.GetRequiredService<IOptions<LightOptions>>().Value;
        var sensor = sp.GetRequiredService<IOptions<PartSensorOptions>>().Value;
        var reject = sp.GetRequiredService<IOptions<RejectOptions>>().Value;
        var cameraTrigger = sp.GetRequiredService<IOptions<TriggerOutputOptions>>().Value;
        // The system clock, not a DI seam: the pipeline stamps parts with Stopwatch ticks (the
        // system clock's timestamps) and hands them to the reject output.
        var time = TimeProvider.System;
        var strobe = new LightStrobe(light, light.Mode == LightMode.Off ? null : gpio.Controller, time);
        var trigger = sensor.Enabled ? new PartTrigger(sensor, gpio.Controller!, gpio.Driver, time) : null;
        return new LineIo(
            strobe,
            trigger,
            reject.Enabled ? new RejectOutput(reject, gpio.Controller, gpio.Driver, time) : null,
            cameraTrigger.Enabled ? new TriggerOutput(cameraTrigger, gpio.Controller!, gpio.Driver) : null);
    }
}

/// <summary>The header's GPIO controller (null when nothing uses GPIO) and the driver kind that maps pins to lines.</summary>
internal sealed record HeaderGpio(GpioController? Controller, GpioDriverKind Driver) : IDisposable
{
    public void Dispose() => Controller?.Dispose();
}
