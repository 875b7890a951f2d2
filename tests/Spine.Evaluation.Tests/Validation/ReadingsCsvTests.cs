using Spine.Contracts.V1;
using Spine.Evaluation.Validation;

namespace Spine.Evaluation.Tests.Validation;

public sealed class ReadingsCsvTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spine-readings-").FullName;

    private ReadingSet Read(string text)
    {
        var path = Path.Combine(_folder, "readings.csv");
        File.WriteAllText(path, text);
        return ReadingsCsv.Read(path);
    }

    [Fact]
    public void Readings_are_read_in_any_column_order_with_names_or_numbers_for_grades_and_quoted_fields()
    {
        var set = Read("reader,grade,finding,level,study\r\nR1,moderate,central_canal,L4-L5,\"study, one\"\r\nR2,3,foramen_left,l5/s1,study-two\n");

        Assert.Empty(set.Problems);
        Assert.Equal(
            [new Reading("study, one", SpinalLevel.L4L5, ReadFinding.CentralCanal, 2, 4, "R1", 2), new Reading("study-two", SpinalLevel.L5S1, ReadFinding.ForamenLeft, 3, 4, "R2", 3)],
            set.Readings);
    }

    [Fact]
    public void A_bad_row_is_reported_by_file_line_and_column_and_the_other_rows_are_read()
    {
        var set = Read(string.Join('\n',
            "study,level,finding,grade,reader",
            "s1,L1-L2,central_canal,normal,R1",
            "s1,L6-L7,central_canal,normal,R1",
            "s1,L2-L3,subarticular,normal,R1",
            "s1,L3-L4,facet_left,terrible,R1",
            "s1,L3-L4,facet_left",
            "s1,L4-L5,facet_right,severe,R1",
            "s1,L1-L2,central_canal,mild,R1"));

        Assert.Equal(2, set.Readings.Count);
        Assert.Equal(
            [
                "readings.csv, line 3, column 'level': 'L6-L7' is not a level (L1-L2 .. L5-S1)",
                "readings.csv, line 4, column 'finding': 'subarticular' is not a finding (central_canal, foramen_left, foramen_right, facet_left, facet_right)",
                "readings.csv, line 5, column 'grade': 'terrible' is not a grade on the 4-point scale (normal, mild, moderate, severe or 0-3)",
                "readings.csv, line 6: 3 fields where the header has 5",
                "readings.csv, line 8: reader R1 graded central_canal at L1-L2 of s1 already on line 2; the first is kept",
            ],
            set.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Rsna_three_point_grades_are_read_on_their_own_scale()
    {
        var set = Read("study,level,finding,grade,reader,scale\ns,L1-L2,central_canal,Normal/Mild,R1,\ns,L2-L3,central_canal,1,R1,3\ns,L3-L4,central_canal,Severe,R1,3\ns,L4-L5,central_canal,3,R1,3\n");

        Assert.Equal([(0, 3), (1, 3), (2, 3)], set.Readings.Select(r => (r.Grade, r.Scale)));
        Assert.Equal("readings.csv, line 5, column 'grade': '3' is not a grade on the 3-point scale (normal/mild, moderate, severe or 0-2)", Assert.Single(set.Problems).ToString());
    }

    [Fact]
    public void A_header_without_the_required_columns_names_them()
    {
        var set = Read("study,level,grade\ns,L1-L2,0\n");

        Assert.Empty(set.Readings);
        Assert.Equal("readings.csv, line 1: header lacks the columns finding, reader (expected study,level,finding,grade,reader[,scale])", Assert.Single(set.Problems).ToString());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
