namespace Spine.Evaluation.Tests;

public sealed class MetricsTests
{
    [Fact]
    public void Dice_counts_overlap_of_one_label()
    {
        byte[] truth = [0, 3, 3, 3, 3, 1, 0, 0];
        byte[] predicted = [0, 0, 3, 3, 3, 3, 1, 0];

        Assert.Equal(2.0 * 3 / (4 + 4), Metrics.Dice(predicted, truth, 3));
        Assert.Equal(0, Metrics.Dice(predicted, truth, 1));
        Assert.Equal(1, Metrics.Dice(predicted, truth, 4)); // absent from both: nothing to miss
    }

    [Fact]
    public void Iou_of_boxes_is_intersection_over_union()
    {
        var a = new Box(0, 0, 10, 10);
        var b = new Box(5, 0, 10, 10);

        Assert.Equal(50.0 / 150, Metrics.IoU(a, b), 10);
        Assert.Equal(1, Metrics.IoU(a, a));
        Assert.Equal(0, Metrics.IoU(a, new Box(20, 20, 5, 5)));
    }

    [Fact]
    public void Linear_weighted_kappa_matches_a_hand_computed_example()
    {
        // 3 classes; confusion [[2,1,0],[0,2,1],[0,0,2]] (rows truth). n = 8. Weights 1, 0.5, 0.
        int[] truth = [0, 0, 0, 1, 1, 1, 2, 2];
        int[] predicted = [0, 0, 1, 1, 1, 2, 2, 2];
        // observed: (2 + 2 + 2) * 1 + (1 + 1) * 0.5 = 7 -> 7 / 8 = 0.875
        // rows 3,3,2; columns 2,3,3; expected = sum w * r_i c_j / 64:
        //   diagonal 3*2 + 3*3 + 2*3 = 21; off by one 3*3 + 3*2 + 3*3 + 2*3 = 30 (* 0.5 = 15) -> 36 / 64 = 0.5625
        var expected = (0.875 - 0.5625) / (1 - 0.5625);

        Assert.Equal(expected, Metrics.LinearWeightedKappa(truth, predicted, classes: 3), 10);
        Assert.Equal(1, Metrics.LinearWeightedKappa(truth, truth, classes: 3), 10);
    }

    [Fact]
    public void Auroc_is_the_chance_a_positive_outranks_a_negative_with_ties_counting_half()
    {
        bool[] positive = [true, true, false, false, true];
        double[] score = [0.9, 0.4, 0.4, 0.1, 0.8];

        // Pairs (pos, neg): (0.9,0.4) 1, (0.9,0.1) 1, (0.4,0.4) 0.5, (0.4,0.1) 1, (0.8,0.4) 1, (0.8,0.1) 1 -> 5.5 / 6
        Assert.Equal(5.5 / 6, Metrics.Auroc(positive, score)!.Value, 10);
        Assert.Null(Metrics.Auroc([true, true], [0.1, 0.2]));
    }

    [Fact]
    public void Agreement_counts_exact_and_within_one_grade()
    {
        var (exact, withinOne) = Metrics.Agreement([0, 1, 2, 3], [0, 2, 0, 3]);

        Assert.Equal(0.5, exact);
        Assert.Equal(0.75, withinOne);
    }
}
