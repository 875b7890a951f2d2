namespace Spine.Platform.Storage;

/// <summary>The object store could not do what was asked; the message names the bucket and key.</summary>
public class ObjectStoreException : Exception
{
    public ObjectStoreException(string message) : base(message) { }

    public ObjectStoreException(string message, Exception innerException) : base(message, innerException) { }

    public ObjectStoreException() { }
}

/// <summary>What was read is not what was written: its length or SHA-256 differs from the reference.</summary>
public sealed class ObjectIntegrityException : ObjectStoreException
{
    public ObjectIntegrityException(string message) : base(message) { }

    public ObjectIntegrityException(string message, Exception innerException) : base(message, innerException) { }

    public ObjectIntegrityException() { }
}

/// <summary>No object is stored under the key.</summary>
public sealed class ObjectNotFoundException : ObjectStoreException
{
    public ObjectNotFoundException(string message) : base(message) { }

    public ObjectNotFoundException(string message, Exception innerException) : base(message, innerException) { }

    public ObjectNotFoundException() { }
}
