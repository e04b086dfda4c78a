using System.Collections.Concurrent;
using System.Text;
using Spectre.Console;

namespace EdgeInspector.Cli;

/// <summary>
/// A push or a collect watched by a person at a terminal: one live bar per device (the chunks it holds,
/// or the parts collected), with the other lines (offer, phases, rollout steps, parts gone) printed
/// above the bars through the same console so the live region is not torn.
/// </summary>
internal sealed class LiveProgress(ProgressContext context, IAnsiConsole console)
{
    private readonly ConcurrentDictionary<string, ProgressTask> _bars = new(StringComparer.Ordinal);

    public TextWriter Lines { get; } = new ConsoleLines(console);

    public static Task<T> RunAsync<T>(IAnsiConsole console, Func<LiveProgress, Task<T>> work) =>
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(context => work(new LiveProgress(context, console)));

    /// <summary>Where <paramref name="device"/>'s pusher reports the chunks the device holds, or the collector the parts it has, out of the total.</summary>
    public Action<int, int> Bar(string device) => (held, count) =>
    {
        var bar = _bars.GetOrAdd(device, d => context.AddTask(Markup.Escape(d), maxValue: count));
        bar.MaxValue = count;
        bar.Value = held;
    };

    /// <summary>Whole lines written to the console (which knows about the live bars) instead of to stdout directly.</summary>
    private sealed class ConsoleLines(IAnsiConsole console) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                WriteLine(_line.ToString().TrimEnd('\r'));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }

        public override void WriteLine(string? value) => console.WriteLine(value ?? "");
    }
}
