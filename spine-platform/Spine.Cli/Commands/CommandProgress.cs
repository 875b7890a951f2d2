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

    /// <summary>The bar on standard error, kept on screen when done: description, bar, items, rate, elapsed, time left.</summary>
    private static Progress Bar() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }).Progress()
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
