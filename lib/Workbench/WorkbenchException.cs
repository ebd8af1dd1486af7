namespace Workbench;

/// <summary>
/// An error meant for the user: its message is one sentence that names the bad value and the allowed range, the
/// command that installs missing data, or how to resume. <see cref="ToString"/> returns only that sentence, because
/// .NET Interactive shows a failed cell's exception by <c>ToString()</c> (type, message, inner exceptions, stack): a
/// notebook user would otherwise read a native stack trace under the sentence. <see cref="Exception.InnerException"/>
/// and <see cref="Exception.StackTrace"/> keep the detail for debugging.
/// </summary>
public abstract class WorkbenchException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The one sentence for the user (no type name, no stack).</summary>
    public override string ToString() => Message;
}
