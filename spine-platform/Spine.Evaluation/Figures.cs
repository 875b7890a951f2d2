using System.Globalization;

namespace Spine.Evaluation;

/// <summary>How figures are written in the evaluation's and the validation's tables.</summary>
public static class Figures
{
    public static readonly IReadOnlyList<string> FourGrades = ["normal", "mild", "moderate", "severe"];
    public static readonly IReadOnlyList<string> ThreeGrades = ["normal/mild", "moderate", "severe"];

    public static IReadOnlyList<string> GradeNames(int classes) => classes == 3 ? ThreeGrades : FourGrades;

    /// <summary>A value and its interval as "0.812 [0.776, 0.845]", or the value alone when there is no interval.</summary>
    public static string WithInterval(double? value, Interval? interval) => interval is null ? Format(value) : $"{Format(value)} [{Format(interval.Low)}, {Format(interval.High)}]";

    public static string Format(double? value, string format = "0.000") => value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
