using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spine.Phantom;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine bench validate --studies N</c>: <c>spine validate</c> on N phantom studies and their readers' grades, beside
/// <c>spine analyze</c> on the same studies (the reference: the pipeline alone), each as the command runs it in this
/// process, with its output silenced. The ratio is what validation costs on top of the analysis.
/// </summary>
internal static class ValidationBench
{
    public static Command Create()
    {
        var studies = new Option<int>("--studies") { Description = "Phantom studies to validate.", DefaultValueFactory = _ => 50 };
        var models = ModelsOption.Create();
        var command = new Command("validate", "Time spine validate on N phantom studies beside spine analyze on the same studies (the reference).") { studies, models };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (ModelsOption.Check("bench validate", parse.GetValue(models)!) is { } exitCode)
            {
                return exitCode;
            }

            return await CommandProgress.BenchAsync("validation set, analyze, validate", 3, step => RunAsync(parse.GetValue(studies), parse.GetValue(models)!.FullName, step, cancellationToken));
        });
        return command;
    }

    private static async Task<int> RunAsync(int count, string modelsFolder, Action step, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("spine-bench-validate-").FullName;
        try
        {
            PhantomReadings.WriteValidationSet(root, count, 960000, new PhantomOptions());
            step();
            var analyze = await TimeAsync(["analyze", Path.Combine(root, "studies"), "--out", Path.Combine(root, "analyze"), "--models", modelsFolder], AnalyzeCommand.Create(), cancellationToken);
            step();
            var validate = await TimeAsync(["validate", "--studies", Path.Combine(root, "studies"), "--readings", Path.Combine(root, "readings.csv"), "--out", Path.Combine(root, "validate"), "--models", modelsFolder], ValidateCommand.Create(), cancellationToken);
            step();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {count} phantom studies | wall time (s) | ratio to spine analyze |"));
            Console.WriteLine("| --- | ---: | ---: |");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| spine analyze (reference) | {analyze.TotalSeconds:0.0} | 1.00 |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| spine validate | {validate.TotalSeconds:0.0} | {validate / analyze:0.00} |"));
            return ExitCodes.Success;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<TimeSpan> TimeAsync(string[] arguments, Command command, CancellationToken cancellationToken)
    {
        var root = new RootCommand { command };
        var (output, error) = (Console.Out, Console.Error);
        Console.SetOut(TextWriter.Null);
        Console.SetError(TextWriter.Null);
        var start = Stopwatch.GetTimestamp();
        int exitCode;
        try
        {
            exitCode = await root.Parse(arguments).InvokeAsync(cancellationToken: cancellationToken);
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        return exitCode == ExitCodes.Success ? elapsed : throw new InvalidOperationException($"spine {arguments[0]} exited with {exitCode} during the bench.");
    }
}
