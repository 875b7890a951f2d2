using Spine.Platform.Storage;

namespace Spine.Platform.Tests.Storage;

public sealed class NamingRulesTests
{
    [Theory]
    [InlineData("spine")]
    [InlineData("spine-studies.eu-1")]
    [InlineData("abc")]
    public void Valid_bucket_names_pass(string name) => Assert.Null(S3BucketNames.Problem(name));

    [Theory]
    [InlineData("ab", "3 to 63")]
    [InlineData("Spine", "lowercase")]
    [InlineData("spine_studies", "lowercase")]
    [InlineData("-spine", "begin and end")]
    [InlineData("spine..studies", "adjacent periods")]
    [InlineData("192.168.10.1", "IP address")]
    public void Invalid_bucket_names_are_refused_with_the_rule(string name, string rule) =>
        Assert.Contains(rule, S3BucketNames.Problem(name), StringComparison.Ordinal);

    [Theory]
    [InlineData("../outside")]
    [InlineData("studies/../../etc/passwd")]
    [InlineData("/absolute")]
    [InlineData("studies//double")]
    [InlineData("back\\slash")]
    [InlineData("")]
    public void Keys_that_could_leave_their_bucket_are_refused(string key)
    {
        var error = Assert.Throws<ArgumentException>(() => ObjectKeys.Validate(key));
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
    }
}
