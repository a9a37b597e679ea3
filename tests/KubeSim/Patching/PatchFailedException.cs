namespace KubeSim.Patching;

/// <summary>A well-formed patch that cannot be applied to the current object (a failed <c>test</c>, a missing path).</summary>
internal sealed class PatchFailedException : Exception
{
    public PatchFailedException(string message)
        : base(message)
    {
    }

    public PatchFailedException()
    {
    }

    public PatchFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A patch document that is not valid for its patch type (bad op, bad pointer, wrong JSON shape).</summary>
internal sealed class MalformedPatchException : Exception
{
    public MalformedPatchException(string message)
        : base(message)
    {
    }

    public MalformedPatchException()
    {
    }

    public MalformedPatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
