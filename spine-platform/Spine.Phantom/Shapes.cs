namespace Spine.Phantom;

/// <summary>An ellipse in the in-plane model frame (millimetres), optionally rotated. Tested millions of times per study, so its trigonometry is computed once.</summary>
internal readonly struct Ellipse
{
    private readonly double _cos;
    private readonly double _sin;
    private readonly double _inverseU2;
    private readonly double _inverseV2;

    public Ellipse(double centreU, double centreV, double semiU, double semiV, double angle = 0)
    {
        CentreU = centreU;
        CentreV = centreV;
        SemiU = semiU;
        SemiV = semiV;
        Angle = angle;
        _cos = Math.Cos(angle);
        _sin = Math.Sin(angle);
        _inverseU2 = 1 / (semiU * semiU);
        _inverseV2 = 1 / (semiV * semiV);
    }

    public double CentreU { get; }
    public double CentreV { get; }
    public double SemiU { get; }
    public double SemiV { get; }
    public double Angle { get; }

    public Ellipse Resized(double semiU, double semiV) => new(CentreU, CentreV, semiU, semiV, Angle);

    public bool Contains(double u, double v) => Level(u, v) <= 1;

    /// <summary>Below 1 inside, 1 on the outline, above outside.</summary>
    public double Level(double u, double v)
    {
        var (x, y) = (u - CentreU, v - CentreV);
        if (Angle != 0)
        {
            (x, y) = ((x * _cos) + (y * _sin), (-x * _sin) + (y * _cos));
        }

        return (x * x * _inverseU2) + (y * y * _inverseV2);
    }

    public double Area => Math.PI * SemiU * SemiV;

    /// <summary>Axis-aligned bounds (min u, min v, max u, max v).</summary>
    public (double, double, double, double) Bounds
    {
        get
        {
            var du = Math.Sqrt((SemiU * SemiU * _cos * _cos) + (SemiV * SemiV * _sin * _sin));
            var dv = Math.Sqrt((SemiU * SemiU * _sin * _sin) + (SemiV * SemiV * _cos * _cos));
            return (CentreU - du, CentreV - dv, CentreU + du, CentreV + dv);
        }
    }
}

/// <summary>A segment with a radius: points within <see cref="Radius"/> of the segment.</summary>
internal readonly record struct Capsule(double U1, double V1, double U2, double V2, double Radius)
{
    public bool Contains(double u, double v)
    {
        var (du, dv) = (U2 - U1, V2 - V1);
        var t = Math.Clamp((((u - U1) * du) + ((v - V1) * dv)) / ((du * du) + (dv * dv) + 1e-12), 0, 1);
        var (pu, pv) = (U1 + (t * du) - u, V1 + (t * dv) - v);
        return (pu * pu) + (pv * pv) <= Radius * Radius;
    }
}
