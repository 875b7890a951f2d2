using Spine.Contracts.V1;

namespace Spine.Reporting.Tests;

public sealed class ReportHtmlTests
{
    private static string Render() => ReportHtml.Render(SampleReports.Report(), reference => reference.Key == "overlay.png" ? [0x89, 0x50, 0x4E, 0x47] : null);

    [Fact]
    public void Disclaimer_comes_before_the_findings()
    {
        var html = Render();

        Assert.True(html.IndexOf("Not for clinical use.", StringComparison.Ordinal) < html.IndexOf("<h2>Summary</h2>", StringComparison.Ordinal));
    }

    [Fact]
    public void Summary_row_gives_each_finding_its_grade_and_says_what_was_not_assessed()
    {
        var html = Render();

        Assert.Contains("<th>L4-L5 <span class=\"uncertain\"", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"g3\">severe <small>(P moderate or worse 0.80)</small></td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"g0\">normal <small>(P moderate or worse 0.20)</small></td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>not assessed</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlays_are_embedded_and_a_missing_one_is_said_to_be_missing()
    {
        var html = Render();

        Assert.Contains("src=\"data:image/png;base64,iVBORw==\"", html, StringComparison.Ordinal);
        Assert.Contains("overlay not available", html, StringComparison.Ordinal);
        Assert.Contains("rationale of ForaminalStenosis Left", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_from_the_report_is_html_encoded()
    {
        var html = Render();

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("spine-bit &lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_impression_names_the_levels_with_moderate_or_worse_findings_before_the_summary()
    {
        var html = Render();

        var impression = html.IndexOf("<p class=\"impression\">Moderate or worse findings at L4-L5 (severe central canal stenosis, moderate left neural foraminal stenosis).</p>", StringComparison.Ordinal);
        Assert.InRange(impression, 0, html.IndexOf("<h2>Summary</h2>", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_level_says_where_it_was_read_in_pacs_and_each_finding_its_grading_system()
    {
        var html = Render();

        Assert.Contains("<p class=\"where\">Read on series 3, image 14 (slice position -112.4 mm).</p>", html, StringComparison.Ordinal);
        Assert.Contains("on the Lee 2011 scale.", html, StringComparison.Ordinal);
        Assert.Contains("on the Pathria / Weishaupt scale.", html, StringComparison.Ordinal);
        Assert.Contains("<li>Central canal: Lee et al. 2011 (axial T2)", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ratio_is_written_without_a_unit_and_an_area_in_square_millimetres()
    {
        var html = Render();

        Assert.Contains("dural sac area 62 mm&#178;; dural sac / disc area ratio 0.13</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("0.13 1", html, StringComparison.Ordinal);
    }
}
