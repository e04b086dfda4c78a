namespace EdgeInspector.Updates;

/// <summary>An update cannot go on; <see cref="Exception.Message"/> is the reason reported in <c>model/state</c>.</summary>
public sealed class UpdateException : Exception
{
    public UpdateException()
    {
    }

    public UpdateException(string message)
        : base(message)
    {
    }

    public UpdateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
