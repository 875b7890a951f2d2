using Spine.Testing;

namespace Spine.Cli.Tests;

[CollectionDefinition(RealServicesCollection.Name)]
public sealed class RealServicesCollectionDefinition;
