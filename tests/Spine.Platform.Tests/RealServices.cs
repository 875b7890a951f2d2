using Spine.Testing;

namespace Spine.Platform.Tests;

[CollectionDefinition(RealServicesCollection.Name)]
public sealed class RealServicesCollectionDefinition;
