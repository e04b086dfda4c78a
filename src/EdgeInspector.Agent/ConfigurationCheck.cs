using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using EdgeInspector.Acquisition;
using EdgeInspector.Gpio;
using EdgeInspector.Inference;
using EdgeInspector.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent;

/// <summary>
/// Bad configuration is the operator's to fix, not a crash: every bad key (a value of the wrong
/// type or shape, a JSON syntax error, a value out of range) is collected into one list, each
/// line naming the key, the value, where it came from and what to write instead.
/// </summary>
public sealed class AgentConfigurationException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Every configuration key checked before anything reads it: type, shape and range, per section,
/// each problem one line naming the key, the value, where it came from and what to write. Long on
/// purpose: one walk over every option type's properties, with the per-type messages beside it.
/// </summary>
public static class ConfigurationCheck
{
    /// <summary>The agent's option sections and the types they bind to.</summary>
    private static readonly (string Section, Type Type)[] Sections =
    [
        (AgentOptions.Section, typeof(AgentOptions)),
        (CameraOptions.Section, typeof(CameraOptions)),
        (ModelOptions.Section, typeof(ModelOptions)),
        (InferenceOptions.Section, typeof(InferenceOptions)),
        (LightOptions.Section, typeof(LightOptions)),
        (PartSensorOptions.Section, typeof(PartSensorOptions)),
        (RejectOptions.Section, typeof(RejectOptions)),
        (TriggerOutputOptions.Section, typeof(TriggerOutputOptions)),
        (MqttOptions.Section, typeof(MqttOptions)),
        (UpdateOptions.Section, typeof(UpdateOptions)),
        (Capture.CaptureOptions.Section, typeof(Capture.CaptureOptions)),
        (DriftOptions.Section, typeof(DriftOptions)),
        (Web.DeviceWebOptions.Section, typeof(Web.DeviceWebOptions)),
    ];

    /// <summary>Adds a JSON file, turning a syntax error into a problem naming the file, line and position.</summary>
    public static void AddJsonFile(IConfigurationBuilder config, string file)
    {
        try
        {
            config.AddJsonFile(file, optional: false, reloadOnChange: false);
        }
        catch (InvalidDataException e)
        {
            var inner = e.InnerException;
            while (inner is not null and not JsonException)
            {
                inner = inner.InnerException;
            }

            throw new AgentConfigurationException([inner is JsonException json
                ? $"{file}: not valid JSON at line {json.LineNumber + 1}, position {json.BytePositionInLine + 1}: {FirstSentence(json.Message)} Fix the file (a JSON object of sections, e.g. {{\"Agent\": {{\"MaxFrames\": 40}}}})."
                : $"{file}: {e.InnerException?.Message ?? e.Message} Fix the file."]);
        }
    }

    /// <summary>
    /// Every value of the wrong type or shape and every value out of its range, before anything
    /// binds (the binder would stop at the first with a stack trace).
    /// </summary>
    public static IReadOnlyList<string> Problems(IConfiguration config) => Check(config).Lines;

    /// <summary>The problems found in the configuration's values, and whether the options can still be bound.</summary>
    public static ConfigurationProblems Check(IConfiguration config)
    {
        var problems = new ConfigurationProblems();
        foreach (var (section, type) in Sections)
        {
            Check(config, config.GetSection(section), type, problems);
        }

        return problems;
    }

    /// <summary>
    /// Runs every options validator (all sections, not just the first that fails) and builds the
    /// services that check configuration in their factories (camera, GPIO pins), so a bad start
    /// ends with one list and no stack trace. <paramref name="found"/>'s problems lead the list;
    /// a validator's failure for a key already in it is not repeated.
    /// </summary>
    public static void ValidateAtStart(IServiceProvider services, ConfigurationProblems found)
    {
        var problems = new List<string>(found.Lines);
        if (!found.Unbindable)
        {
            var failures = new List<string>();
            try
            {
                services.GetService<IStartupValidator>()?.Validate();
            }
            catch (OptionsValidationException e)
            {
                failures.AddRange(e.Failures);
            }
            catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
            {
                failures.AddRange(e.InnerExceptions.OfType<OptionsValidationException>().SelectMany(o => o.Failures));
            }

            try
            {
                // The camera and the GPIO pin plan check their options when they are built.
                _ = services.GetServices<IHostedService>().ToList();
            }
            catch (OptionsValidationException e)
            {
                failures.AddRange(e.Failures);
            }
            catch (Exception e) when (e is PlatformNotSupportedException or DllNotFoundException)
            {
                // E.g. Light:Driver=Libgpiod on a host without libgpiod: the configuration asks for what is not here.
                failures.Add($"This host cannot provide what the configuration asks for: {e.Message.Split('\n')[0].Trim()} (check Light:Driver, Camera:Backend and the libraries they need).");
            }

            // A generated validator's failure reads "Member: The field Type.Member must be ...".
            problems.AddRange(failures.Where(f => !found.Members.Any(m => f.StartsWith(m + ":", StringComparison.Ordinal))));
        }

        if (problems.Count > 0)
        {
            throw new AgentConfigurationException([.. problems.Distinct()]);
        }
    }

    private static void Check(IConfiguration root, IConfigurationSection section, Type type, ConfigurationProblems problems)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || (property.SetMethod is not { IsPublic: true } && IsSimple(property.PropertyType)))
            {
                continue;
            }

            var child = section.GetSection(property.Name);
            bool hasChildren = child.GetChildren().Any();
            if (child.Value is null && !hasChildren)
            {
                continue;
            }

            var propertyType = property.PropertyType;
            if (IsSimple(propertyType))
            {
                if (hasChildren)
                {
                    problems.AddUnbindable($"{child.Path} is a section here ({Source(root, child.GetChildren().First().Path)}) but takes a single value: {Expected(property)}.");
                }
                else if (Convert(child.Value!, propertyType, out object? value) is { } error)
                {
                    problems.AddUnbindable($"{child.Path} = '{child.Value}' ({Source(root, child.Path)}) is {error}: write {Expected(property)}.");
                }
                else if (Invalid(property, value) is { } invalid)
                {
                    problems.Add(property.Name, $"{child.Path} = '{child.Value}' ({Source(root, child.Path)}) {invalid}");
                }
            }
            else if (ElementType(propertyType) is { } element)
            {
                if (!string.IsNullOrEmpty(child.Value) && !hasChildren)
                {
                    problems.AddUnbindable($"{child.Path} = '{Shorten(child.Value)}' ({Source(root, child.Path)}) is a single value but {child.Path} is a list; write a JSON array (\"{property.Name}\": [\"...\"]) or indexed keys ({child.Path}:0=..., {child.Path}:1=...).");
                    continue;
                }

                foreach (var item in child.GetChildren())
                {
                    if (IsSimple(element))
                    {
                        if (item.Value is not null && Convert(item.Value, element, out _) is { } error)
                        {
                            problems.AddUnbindable($"{item.Path} = '{item.Value}' ({Source(root, item.Path)}) is {error}: write {Describe(element)}.");
                        }
                    }
                    else
                    {
                        Check(root, item, element, problems);
                    }
                }
            }
            else if (propertyType.IsClass)
            {
                if (!string.IsNullOrEmpty(child.Value) && !hasChildren)
                {
                    problems.AddUnbindable($"{child.Path} = '{Shorten(child.Value)}' ({Source(root, child.Path)}) is a single value but {child.Path} is a section; write its keys ({string.Join(", ", propertyType.GetProperties().Where(p => p.SetMethod is { IsPublic: true }).Select(p => child.Path + ":" + p.Name).Take(4))}, ...).");
                    continue;
                }

                Check(root, child, propertyType, problems);
            }
        }
    }

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri);
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(IEnumerable).IsAssignableFrom(type))
        {
            return element;
        }

        return null;
    }

    /// <summary>Converts as the configuration binder does (invariant culture); returns why not, or null.</summary>
    private static string? Convert(string text, Type type, out object? value)
    {
        value = null;
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null && text.Length == 0)
        {
            return null;
        }

        type = underlying ?? type;
        if (type == typeof(string))
        {
            value = text;
            return null;
        }

        try
        {
            value = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text);
            if (type.IsEnum && value is not null && !Enum.IsDefined(type, value))
            {
                return "not valid";
            }

            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException || e.InnerException is FormatException or OverflowException)
        {
            return e is OverflowException || e.InnerException is OverflowException ? "too large" : "not valid";
        }
    }

    /// <summary>The property's validation attributes against the converted value; the first message, or null.</summary>
    private static string? Invalid(PropertyInfo property, object? value)
    {
        foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
        {
            if (attribute is RequiredAttribute && value is string { Length: > 0 })
            {
                continue;
            }

            var result = attribute.GetValidationResult(value, new ValidationContext(new object()) { DisplayName = property.Name, MemberName = property.Name });
            if (result is not null && result != ValidationResult.Success)
            {
                return attribute is RangeAttribute range
                    ? $"is out of range: write a value {Bounds(range)}."
                    : "is not valid: " + WithoutKeyPrefix(result.ErrorMessage ?? property.Name, property.Name);
            }
        }

        return null;
    }

    private static string Expected(PropertyInfo property)
    {
        string expected = Describe(property.PropertyType);
        return property.GetCustomAttribute<RangeAttribute>() is { } range ? $"{expected}, {Bounds(range)}" : expected;
    }

    /// <summary>"Mqtt:Broker: Broker 'x' is not ..." → "Broker 'x' is not ...": the line names the key already.</summary>
    private static string WithoutKeyPrefix(string message, string name)
    {
        int at = message.IndexOf(name + ": ", StringComparison.Ordinal);
        return at is >= 0 and < 40 ? message[(at + name.Length + 2)..] : message;
    }

    private static string Bounds(RangeAttribute range) =>
        range.Maximum is double max && max >= long.MaxValue / 2.0 ? $"at least {range.Minimum}"
        : range.Maximum is long lmax && lmax >= long.MaxValue / 2 ? $"at least {range.Minimum}"
        : $"from {range.Minimum} to {range.Maximum}";

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type));
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "true or false",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 => "a whole number",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number (with '.' as the decimal point)",
            _ when type == typeof(TimeSpan) => "a duration as [d.]hh:mm:ss[.fff] (e.g. 00:00:05 for 5 s, 00:00:00.200 for 200 ms)",
            _ when type == typeof(Uri) => "a URI",
            _ => "a " + type.Name,
        };
    }

    /// <summary>Where the winning value of a key comes from: a flag, an environment variable or a file.</summary>
    private static string Source(IConfiguration config, string key)
    {
        if (config is IConfigurationRoot root)
        {
            foreach (var provider in root.Providers.Reverse())
            {
                if (!provider.TryGet(key, out _))
                {
                    continue;
                }

                return provider switch
                {
                    CommandLineConfigurationProvider => $"flag --{key}",
                    EnvironmentVariablesConfigurationProvider env => $"environment {(env.ToString().Contains("EdgeInspector__", StringComparison.Ordinal) ? "EdgeInspector__" : "")}{key.Replace(":", "__", StringComparison.Ordinal)}",
                    JsonConfigurationProvider json => $"file {json.Source.FileProvider?.GetFileInfo(json.Source.Path ?? "").PhysicalPath ?? json.Source.Path}",
                    _ => "built-in default",
                };
            }
        }

        return "configuration";
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? message : message[..(end + 1)]).TrimEnd();
    }
}

/// <summary>What <see cref="ConfigurationCheck.Check(IConfiguration)"/> found: one line per bad key.</summary>
public sealed class ConfigurationProblems
{
    private readonly List<string> _lines = [];
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Lines => _lines;

    /// <summary>A value of the wrong type or shape: the options cannot be bound, so their validators cannot run.</summary>
    public bool Unbindable { get; private set; }

    /// <summary>Properties already reported, so a validator's failure for them is not repeated.</summary>
    public IReadOnlyCollection<string> Members => _members;

    internal void AddUnbindable(string line)
    {
        Unbindable = true;
        _lines.Add(line);
    }

    internal void Add(string member, string line)
    {
        _members.Add(member);
        _lines.Add(line);
    }
}
