namespace EdgeInspector.Cli;

/// <summary>A user-facing error: printed as one line, exit code 2.</summary>
public sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);
