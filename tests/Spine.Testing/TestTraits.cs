namespace Spine.Testing;

/// <summary>Trait values: run the fast tests alone with <c>dotnet test --filter Category!=Integration</c>.</summary>
public static class TestTraits
{
    public const string Category = "Category";

    /// <summary>Needs real servers: RabbitMQ, the S3 API, PostgreSQL, DICOM peers.</summary>
    public const string Integration = "Integration";
}

/// <summary>
/// Tests on the shared servers run one class at a time (two cores; queue purges would disturb others). Each test
/// project declares a collection definition with this name.
/// </summary>
public static class RealServicesCollection
{
    public const string Name = "real services";
}
