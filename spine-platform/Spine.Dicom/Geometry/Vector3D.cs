namespace Spine.Dicom;

/// <summary>A point or direction in patient coordinates (LPS, millimetres).</summary>
public readonly record struct Vector3D(double X, double Y, double Z)
{
    public static Vector3D operator +(Vector3D a, Vector3D b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Vector3D operator -(Vector3D a, Vector3D b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public static Vector3D operator *(Vector3D a, double s) => new(a.X * s, a.Y * s, a.Z * s);

    public static Vector3D operator *(double s, Vector3D a) => a * s;

    public double Dot(Vector3D other) => (X * other.X) + (Y * other.Y) + (Z * other.Z);

    public Vector3D Cross(Vector3D other) => new((Y * other.Z) - (Z * other.Y), (Z * other.X) - (X * other.Z), (X * other.Y) - (Y * other.X));

    public double Length => Math.Sqrt(Dot(this));

    public Vector3D Normalized() => Length > 0 ? this * (1 / Length) : this;

    public Vector3D Add(Vector3D other) => this + other;

    public Vector3D Subtract(Vector3D other) => this - other;

    public Vector3D Multiply(double scale) => this * scale;
}
