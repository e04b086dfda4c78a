namespace EdgeInspector.Core;

/// <summary>A model package that cannot be served; the message names the file and the fix.</summary>
public sealed class ModelPackageException : Exception
{
    public ModelPackageException(string message)
        : base(message)
    {
    }

    public ModelPackageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
