namespace Workbench.Data;

/// <summary>A dataset that is missing or corrupt; the message names the file and the command that fixes it.</summary>
public sealed class DatasetException(string message) : WorkbenchException(message);
