using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;
using Spine.Deployment.Tests.GoTemplates;
using Spine.Testing;
using YamlDotNet.RepresentationModel;

namespace Spine.Deployment.Tests;

/// <summary>
/// The operations kit of the Helm chart: what Prometheus scrapes, the alerting rules (checked and unit-tested by
/// promtool, Debian's prometheus package), their runbooks, and the Grafana dashboard, all naming only metrics that the
/// services export.
/// </summary>
public sealed partial class MonitoringTests
{
    private const string Release = "spine";

    private static readonly string ChartRoot = Path.Combine(RepositoryLayout.Root, "helm", "spine-platform");
    private static readonly string RulesFile = Path.Combine(ChartRoot, "files", "spine-alerts.rules.yaml");
    private static readonly string DashboardFile = Path.Combine(ChartRoot, "files", "spine-dashboard.json");
    private static readonly string RuleTestsFile = Path.Combine(AppContext.BaseDirectory, "Prometheus", "spine-alerts.test.yaml");

    private static List<object> Objects(bool monitoring) =>
        new HelmChart(ChartRoot).Render(Release, new Dictionary<string, object?> { ["monitoring.enabled"] = monitoring })
            .Where(f => f.Key.EndsWith(".yaml", StringComparison.Ordinal))
            .SelectMany(f => Manifests.Read(f.Value)).ToList();

    [Fact]
    public void With_monitoring_every_service_is_scraped_with_the_monitor_key_and_the_chart_holds_the_committed_rules_and_dashboard()
    {
        var objects = Objects(monitoring: true);

        var monitor = Assert.Single(objects.OfType<PodMonitor>());
        var deployments = objects.OfType<V1Deployment>().ToList();
        Assert.Equal(6, deployments.Count);
        Assert.All(deployments, d => Assert.True(monitor.Spec.Selector.MatchLabels.All(l => d.Spec.Template.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value),
            $"the PodMonitor does not select {d.Metadata.Name}'s pods"));
        var endpoint = Assert.Single(monitor.Spec.PodMetricsEndpoints);
        Assert.Equal(("http", "/metrics", "30s"), (endpoint.Port, endpoint.Path, endpoint.Interval));
        Assert.Equal(("Bearer", "spine-secrets", "monitor-api-key"), (endpoint.Authorization!.Type, endpoint.Authorization.Credentials!.Name, endpoint.Authorization.Credentials.Key));
        Assert.Contains(endpoint.Relabelings, r => r.TargetLabel == "spine_service");
        Assert.All(deployments, d =>
        {
            var env = d.Spec.Template.Spec.Containers[0].Env;
            Assert.Contains(env, e => e.Name == "Spine__Security__ApiKeys__1__Roles" && e.Value == "monitor");
            Assert.Contains(env, e => e.Name == "Spine__Security__ApiKeys__1__Key" && e.ValueFrom?.SecretKeyRef?.Key == "monitor-api-key");
        });

        var rule = Assert.Single(objects.OfType<PrometheusRule>());
        Assert.Equal(Alerts(), rule.Spec.Groups.SelectMany(g => g.Rules).Select(r => r.Alert!).ToList());
        var dashboard = Assert.Single(objects.OfType<V1ConfigMap>(), c => c.Metadata.Name == $"{Release}-spine-dashboard");
        Assert.Equal("1", dashboard.Metadata.Labels["grafana_dashboard"]);
        Assert.Equal(File.ReadAllText(DashboardFile).TrimEnd(), dashboard.Data["spine-platform.json"]);
    }

    [Fact]
    public void Without_monitoring_the_chart_needs_no_prometheus_operator_and_no_monitor_key()
    {
        var objects = Objects(monitoring: false);

        Assert.Empty(objects.OfType<PodMonitor>());
        Assert.Empty(objects.OfType<PrometheusRule>());
        Assert.DoesNotContain(objects.OfType<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers[0].Env), e => e.ValueFrom?.SecretKeyRef?.Key == "monitor-api-key");
    }

    [Fact]
    public async Task Promtool_accepts_the_rules_and_every_alert_passes_its_unit_tests()
    {
        var folder = Directory.CreateTempSubdirectory("spine-rules-").FullName;
        File.Copy(RulesFile, Path.Combine(folder, "spine-alerts.rules.yaml"));
        File.Copy(RuleTestsFile, Path.Combine(folder, "spine-alerts.test.yaml"));

        var check = await ExternalTool.RunAsync("promtool", ["check", "rules", "spine-alerts.rules.yaml"], workingDirectory: folder);
        var test = await ExternalTool.RunAsync("promtool", ["test", "rules", "spine-alerts.test.yaml"], workingDirectory: folder);

        Assert.True(check.ExitCode == 0, check.Output);
        Assert.True(test.ExitCode == 0, test.Output);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Every_alert_has_a_unit_test_that_fires_it_and_a_runbook_section()
    {
        var tests = File.ReadAllText(RuleTestsFile);
        var runbooks = File.ReadAllLines(Path.Combine(RepositoryLayout.Root, "docs", "operations.md"))
            .Where(line => line.StartsWith("### ", StringComparison.Ordinal)).Select(line => line[4..].Trim()).ToList();

        Assert.Equal(8, Alerts().Count); // all of them parsed: a rule file the parser misreads fails here
        Assert.All(Alerts(), alert =>
        {
            Assert.Matches($@"alertname: {alert}\s+exp_alerts:\s+- exp_labels", tests);
            Assert.Contains(alert, runbooks);
        });
    }

    [Fact]
    public void Every_metric_the_rules_and_the_dashboard_name_is_one_the_services_export()
    {
        var exported = ExportedMetricNames();
        var dashboard = JsonNode.Parse(File.ReadAllText(DashboardFile))!["panels"]!.AsArray()
            .SelectMany(panel => panel!["targets"]!.AsArray().Select(target => target!["expr"]!.GetValue<string>()));
        var expressions = RuleExpressions().Concat(dashboard).ToList();

        var named = expressions.SelectMany(MetricNames).Distinct(StringComparer.Ordinal).ToList();

        Assert.Contains("spine_study_duration_seconds_bucket", named);
        Assert.All(named, name => Assert.True(exported.Contains(name) || name == "up", $"{name} is named by a rule or the dashboard but no service exports it"));
    }

    /// <summary>
    /// The Prometheus names of every instrument the platform's assemblies create, as OpenTelemetry's Prometheus exporter
    /// writes them: dots to underscores, the unit as a suffix (s: _seconds; annotations in braces dropped), counters
    /// with _total, histograms as _bucket, _sum and _count.
    /// </summary>
    private static HashSet<string> ExportedMetricNames()
    {
        var instruments = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name.StartsWith("Spine", StringComparison.Ordinal))
                {
                    lock (instruments)
                    {
                        instruments.Add(instrument);
                    }
                }
            },
        };
        listener.Start();
        foreach (var path in Directory.EnumerateFiles(AppContext.BaseDirectory, "Spine.*.dll"))
        {
            var assembly = Assembly.LoadFrom(path);
            Type[] types;
            try
            {
                types = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException ex)
            {
                types = [.. ex.Types.OfType<Type>()];
            }

            foreach (var type in types.Where(t => !t.ContainsGenericParameters && t.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public).Any(f => typeof(Instrument).IsAssignableFrom(f.FieldType))))
            {
                RuntimeHelpers.RunClassConstructor(type.TypeHandle);
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instrument in instruments)
        {
            var unit = instrument.Unit switch
            {
                null or "" => string.Empty,
                "s" => "_seconds",
                "By" => "_bytes",
                var other when other.StartsWith('{') => string.Empty,
                var other => "_" + other,
            };
            var name = instrument.Name.Replace('.', '_') + unit;
            var kind = instrument.GetType().GetGenericTypeDefinition().Name;
            if (kind.StartsWith("Counter", StringComparison.Ordinal) || kind.StartsWith("ObservableCounter", StringComparison.Ordinal))
            {
                names.Add(name + "_total");
            }
            else if (kind.StartsWith("Histogram", StringComparison.Ordinal))
            {
                names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
            }
            else
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static List<string> Alerts() => RuleExpressionsAndAlerts().Select(r => r.Alert).ToList();

    private static IEnumerable<string> RuleExpressions() => RuleExpressionsAndAlerts().Select(r => r.Expr);

    private static List<(string Alert, string Expr)> RuleExpressionsAndAlerts()
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(RulesFile)))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return [.. ((YamlSequenceNode)root["groups"]).Cast<YamlMappingNode>()
            .SelectMany(group => ((YamlSequenceNode)group["rules"]).Cast<YamlMappingNode>())
            .Select(rule => (((YamlScalarNode)rule["alert"]).Value!, ((YamlScalarNode)rule["expr"]).Value!))];
    }

    /// <summary>The metric names of a PromQL expression: its identifiers, once label matchers and grouping clauses are taken out.</summary>
    private static IEnumerable<string> MetricNames(string expression)
    {
        var withoutLabels = Grouping().Replace(Matchers().Replace(expression, string.Empty), string.Empty);
        return Identifier().Matches(withoutLabels).Select(m => m.Value).Where(name => name.StartsWith("spine_", StringComparison.Ordinal) || name == "up");
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\b[a-zA-Z_:][a-zA-Z0-9_:]*\b")]
    private static partial Regex Identifier();
}
