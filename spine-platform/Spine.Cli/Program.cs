using System.CommandLine;
using Spine.Cli;
using Spine.Cli.Commands;

var root = new RootCommand("Spine Platform: automated, interpretable reading of lumbar spine MRI.")
{
    ServeCommand.Create(),
    ProbeCommand.Create(),
    DicomCommand.Create(),
    BenchCommand.Create(),
    PhantomCommand.Create(),
    EvaluateCommand.Create(),
    ValidateCommand.Create(),
    AnalyzeCommand.Create(),
    AnalyzeCommand.CreateDemo(),
    HealthCommand.Create(),
};

try
{
    var parse = root.Parse(args);
    var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
    return BenchJson.Wanted(parse) ? await BenchJson.InvokeAsync(parse, configuration) : await parse.InvokeAsync(configuration);
}
catch (Exception ex) when (StartupErrors.Describe(ex) is { } line)
{
    await Console.Error.WriteLineAsync(line);
    return ExitCodes.Configuration;
}
catch (Exception ex)
{
    // A defect, not a user's mistake: keep the whole trace for the bug report.
    await Console.Error.WriteLineAsync($"spine: unexpected error: {ex}");
    return ExitCodes.Failure;
}
