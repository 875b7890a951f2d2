using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Spine.Cli.Commands;

/// <summary>
/// Progress of a command that works through many items (studies, cases, levels): on a terminal, a bar on standard error
/// with items done, rate and time left (Spectre.Console); when standard error is not a terminal (a log file, CI, a
/// pipe) or the command writes JSON for machines, no bar, and the command's own plain lines (if any) instead.
/// </summary>
internal static class CommandProgress
{
    /// <summary>Whether a bar is drawn: standard error is an interactive terminal.</summary>
    public static bool OnTerminal => !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");

    /// <summary>
    /// Runs <paramref name="work"/>, which reports each item done (a running count) to the action it is given: to a bar
    /// on a terminal, else to <paramref name="plain"/> (null: nothing).
    /// </summary>
    public static async Task<T> RunAsync<T>(string description, int total, Func<Action<int>, Task<T>> work, Action<int>? plain = null, bool quiet = false)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (quiet || !OnTerminal || total <= 0)
        {
            return await work(plain ?? (_ => { }));
        }

        return await Bar()
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: total);
                return await work(done => task.Value = done);
            });
    }

    /// <summary>As <see cref="RunAsync{T}"/>, for synchronous work.</summary>
    public static T Run<T>(string description, int total, Func<Action<int>, T> work, Action<int>? plain = null, bool quiet = false) =>
        RunAsync(description, total, report => Task.FromResult(work(report)), plain, quiet).GetAwaiter().GetResult();

    /// <summary>For synchronous work that learns how many items there are as it goes: it reports (done, total).</summary>
    public static T Run<T>(string description, Func<Action<int, int>, T> work, Action<int, int>? plain = null, bool quiet = false)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (quiet || !OnTerminal)
        {
            return work(plain ?? ((_, _) => { }));
        }

        return Bar()
            .Start(context =>
            {
                var task = context.AddTask(description, maxValue: 1);
                return work((done, total) => (task.MaxValue, task.Value) = (Math.Max(total, 1), done));
            });
    }

    /// <summary>
    /// A benchmark under a bar counting its steps (cases, runs, scenarios; it calls the action it is given after each).
    /// What it writes to standard output meanwhile is held and written when the bar is done: a live bar and lines printed
    /// beneath it would tear each other, and a benchmark's report is read at its end.
    /// </summary>
    public static async Task<int> BenchAsync(string description, int steps, Func<Action, Task<int>> bench)
    {
        ArgumentNullException.ThrowIfNull(bench);
        if (!OnTerminal)
        {
            return await bench(() => { });
        }

        var output = Console.Out;
        using var held = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(held);
        try
        {
            var done = 0;
            return await RunAsync(description, steps, report => bench(() => report(Interlocked.Increment(ref done))));
        }
        finally
        {
            Console.SetOut(output);
            await output.WriteAsync(held.ToString());
        }
    }

    /// <summary>As <see cref="BenchAsync"/>, for a synchronous benchmark.</summary>
    public static int Bench(string description, int steps, Func<Action, int> bench) =>
        BenchAsync(description, steps, step => Task.FromResult(bench(step))).GetAwaiter().GetResult();

    /// <summary>
    /// Long work that reports a running count, a short status (a loss) and whole lines (an epoch's scores): on a terminal,
    /// the status follows the description on the bar and lines are written above it; elsewhere both are plain lines on
    /// standard output, as a log.
    /// </summary>
    public static T Track<T>(string description, int total, Func<ProgressTracker, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!OnTerminal || total <= 0)
        {
            return work(new ProgressTracker(null, null));
        }

        var console = ErrorConsole();
        return Bar(console).Start(context => work(new ProgressTracker(context.AddTask(description, maxValue: total), console)));
    }

    /// <summary>What <see cref="Track{T}"/> gives the work to report with.</summary>
    public sealed class ProgressTracker
    {
        private readonly ProgressTask? _task;
        private readonly IAnsiConsole? _console;
        private readonly string? _description;

        internal ProgressTracker(ProgressTask? task, IAnsiConsole? console) => (_task, _console, _description) = (task, console, task?.Description);

        /// <summary>Items done so far.</summary>
        public void Advance(int done)
        {
            if (_task is not null)
            {
                _task.Value = done;
            }
        }

        /// <summary>A short status: beside the description on a terminal, else a line.</summary>
        public void Status(string text)
        {
            if (_task is null)
            {
                Console.WriteLine(text);
                return;
            }

            _task.Description = $"{_description}  {Markup.Escape(text.Trim())}";
        }

        /// <summary>A whole line: above the bar on a terminal, else on standard output.</summary>
        public void Line(string text)
        {
            if (_console is null)
            {
                Console.WriteLine(text);
                return;
            }

            _console.WriteLine(text);
        }
    }

    private static IAnsiConsole ErrorConsole() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>The bar on standard error, kept on screen when done: description, bar, items, rate, elapsed, time left.</summary>
    private static Progress Bar(IAnsiConsole? console = null) =>
        (console ?? ErrorConsole()).Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ItemsColumn(), new RateColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn());

    /// <summary>"12/50": items done of all.</summary>
    private sealed class ItemsColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Value:0}/{task.MaxValue:0}"));
    }

    /// <summary>Items per second (or per minute when slower than one a second).</summary>
    private sealed class RateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) => task.Speed switch
        {
            null or 0 => new Text("-"),
            >= 1 => new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Speed:0.0}/s")),
            var speed => new Text(string.Create(CultureInfo.InvariantCulture, $"{speed * 60:0.0}/min")),
        };
    }
}
