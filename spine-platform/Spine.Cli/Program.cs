using System.CommandLine;
using Spine.Cli.Commands;

var root = new RootCommand("Spine Platform: automated, interpretable reading of lumbar spine MRI.")
{
    ServeCommand.Create(),
    ProbeCommand.Create(),
    DicomCommand.Create(),
    BenchCommand.Create(),
    PhantomCommand.Create(),
    EvaluateCommand.Create(),
    AnalyzeCommand.Create(),
    AnalyzeCommand.CreateDemo(),
    HealthCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
